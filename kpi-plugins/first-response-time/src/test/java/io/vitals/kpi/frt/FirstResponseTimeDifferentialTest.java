package io.vitals.kpi.frt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.frt.FirstResponseTime.Settings;
import io.vitals.model.SupportTicket;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** First response time in SQL against a loop over the tickets, on random datasets. */
class FirstResponseTimeDifferentialTest {

    @TempDir
    Path dir;

    /** {@code priority} null: every priority. */
    static KpiResult reference(Dataset d, KpiQuery q, String priority) {
        List<Double> hours = new ArrayList<>();
        long unanswered = 0;
        for (SupportTicket t : d.tickets) {
            if (!Reference.in(t.createdAt(), q.period()) || !d.inSegment(t.customerId(), q.segment())
                    || (priority != null && !priority.equals(t.priority()))) {
                continue;
            }
            if (t.firstResponseAt() == null) {
                unanswered++;
            } else {
                hours.add((t.firstResponseAt().getEpochSecond() - t.createdAt().getEpochSecond()) / 3600.0);
            }
        }
        if (hours.isEmpty()) {
            return KpiResult.noData("no answered tickets");
        }
        return KpiResult.value(Reference.percentile(hours, 0.5), hours.size())
                .with("p90", Reference.percentile(hours, 0.9))
                .with("answered", (long) hours.size())
                .with("unanswered", unanswered);
    }

    @Test
    void everyPriority() {
        Differential.check(dir, 40, store -> new FirstResponseTime(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, null), "p90", "answered", "unanswered");
    }

    @Test
    void onePriority() {
        Differential.check(dir, 40, store -> new FirstResponseTime(store, new Settings("urgent")),
                (d, q) -> reference(d, q, "urgent"), "p90", "answered", "unanswered");
    }
}
