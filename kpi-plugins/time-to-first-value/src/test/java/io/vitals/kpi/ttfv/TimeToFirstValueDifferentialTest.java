package io.vitals.kpi.ttfv;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.ttfv.TimeToFirstValue.Settings;
import io.vitals.model.Customer;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Time to first value in SQL against loops over customers and events, on random datasets. */
class TimeToFirstValueDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, String valueEvent) {
        Set<Long> inSegment = d.customersIn(q.segment());
        List<Double> days = new ArrayList<>();
        long signedUp = 0;
        for (Customer c : d.customers) {
            if (!inSegment.contains(c.id()) || !Reference.in(c.signupAt(), q.period())) {
                continue;
            }
            signedUp++;
            Instant first = null;
            for (UsageEvent e : d.events) {
                if (e.customerId() == c.id() && e.event().equals(valueEvent) && !e.occurredAt().isBefore(c.signupAt())
                        && (first == null || e.occurredAt().isBefore(first))) {
                    first = e.occurredAt();
                }
            }
            if (first != null) {
                days.add((first.getEpochSecond() - c.signupAt().getEpochSecond()) / 86400.0);
            }
        }
        if (days.isEmpty()) {
            return KpiResult.noData("nobody reached first value");
        }
        return new KpiResult(Reference.percentile(days, 0.5), null, null, days.size(), null,
                Map.of("p90", Reference.percentile(days, 0.9), "reached", (long) days.size(), "notYet", signedUp - days.size()));
    }

    @Test
    void firstReport() {
        Differential.check(dir, 40, store -> new TimeToFirstValue(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, "create_report"), "p90", "reached", "notYet");
    }

    @Test
    void firstInvite() {
        Differential.check(dir, 40, store -> new TimeToFirstValue(store, new Settings("invite_user")),
                (d, q) -> reference(d, q, "invite_user"), "p90", "reached", "notYet");
    }
}
