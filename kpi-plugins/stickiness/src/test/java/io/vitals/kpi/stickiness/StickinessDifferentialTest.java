package io.vitals.kpi.stickiness;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.stickiness.Stickiness.Settings;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Stickiness in SQL against loops over the usage events, on random datasets. */
class StickinessDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, List<String> events, int windowDays) {
        Period window = new Period(q.period().to().minusDays(windowDays), q.period().to());
        Set<String> userDays = new HashSet<>();
        Set<String> monthly = new HashSet<>();
        for (UsageEvent e : d.events) {
            if (!d.inSegment(e.customerId(), q.segment()) || !(events.isEmpty() || events.contains(e.event()))) {
                continue;
            }
            String user = e.customerId() + "/" + e.userId();
            if (Reference.in(e.occurredAt(), q.period())) {
                userDays.add(user + "@" + LocalDate.ofInstant(e.occurredAt(), ZoneOffset.UTC));
            }
            if (Reference.in(e.occurredAt(), window)) {
                monthly.add(user);
            }
        }
        if (monthly.isEmpty()) {
            return KpiResult.noData("no MAU");
        }
        double averageDau = (double) userDays.size() / q.period().days();
        return new KpiResult(averageDau / monthly.size() * 100, averageDau, (double) monthly.size(), monthly.size(), null,
                Map.of("averageDau", averageDau, "mau", (long) monthly.size()));
    }

    @Test
    void thirtyDaysAnyEvent() {
        Differential.check(dir, 40, store -> new Stickiness(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, List.of(), 30), "averageDau", "mau");
    }

    @Test
    void aWeekOfChosenEvents() {
        Differential.check(dir, 40, store -> new Stickiness(store, new Settings("view_dashboard,create_report", 7)),
                (d, q) -> reference(d, q, List.of("view_dashboard", "create_report"), 7), "averageDau", "mau");
    }
}
