package io.vitals.kpi.resolution;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.resolution.ResolutionTime.Settings;
import io.vitals.model.SupportTicket;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Resolution time in SQL against a loop over the tickets, on random datasets. */
class ResolutionTimeDifferentialTest {

    @TempDir
    Path dir;

    /** {@code priority} null: every priority. */
    static KpiResult reference(Dataset d, KpiQuery q, String priority) {
        List<Double> hours = new ArrayList<>();
        for (SupportTicket t : d.tickets) {
            if (Reference.in(t.resolvedAt(), q.period()) && d.inSegment(t.customerId(), q.segment())
                    && (priority == null || priority.equals(t.priority()))) {
                hours.add((t.resolvedAt().getEpochSecond() - t.createdAt().getEpochSecond()) / 3600.0);
            }
        }
        if (hours.isEmpty()) {
            return KpiResult.noData("no resolved tickets");
        }
        return KpiResult.value(Reference.percentile(hours, 0.5), hours.size())
                .with("p90", Reference.percentile(hours, 0.9))
                .with("resolved", (long) hours.size());
    }

    @Test
    void everyPriority() {
        Differential.check(dir, 40, store -> new ResolutionTime(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, null), "p90", "resolved");
    }

    @Test
    void onePriority() {
        Differential.check(dir, 40, store -> new ResolutionTime(store, new Settings("low")),
                (d, q) -> reference(d, q, "low"), "p90", "resolved");
    }
}
