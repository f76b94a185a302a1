package io.vitals.kpi.mau;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.mau.MonthlyActiveUsers.Settings;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** MAU in SQL against a loop over the usage events, on random datasets. */
class MonthlyActiveUsersDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, List<String> events, int windowDays) {
        LocalDate windowFrom = q.period().to().minusDays(windowDays);
        Period window = new Period(windowFrom, q.period().to());
        Set<String> users = new HashSet<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), window) && d.inSegment(e.customerId(), q.segment())
                    && (events.isEmpty() || events.contains(e.event()))) {
                users.add(e.customerId() + "/" + e.userId());
            }
        }
        if (users.isEmpty()) {
            return KpiResult.noData("nobody active");
        }
        return new KpiResult((double) users.size(), null, null, users.size(), null,
                Map.of("windowFrom", windowFrom.toString(), "windowDays", (long) windowDays));
    }

    @Test
    void thirtyDaysAnyEvent() {
        Differential.check(dir, 40, store -> new MonthlyActiveUsers(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, List.of(), 30), "windowFrom", "windowDays");
    }

    @Test
    void aWeekOfChosenEvents() {
        Differential.check(dir, 40, store -> new MonthlyActiveUsers(store, new Settings("create_report,export_csv", 7)),
                (d, q) -> reference(d, q, List.of("create_report", "export_csv"), 7), "windowFrom", "windowDays");
    }
}
