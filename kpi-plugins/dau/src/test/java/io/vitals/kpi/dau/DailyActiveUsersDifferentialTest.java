package io.vitals.kpi.dau;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.dau.DailyActiveUsers.Settings;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** DAU in SQL against a loop over the usage events, on random datasets. */
class DailyActiveUsersDifferentialTest {

    @TempDir
    Path dir;

    record UserDay(long customer, String user, LocalDate day) {
    }

    static KpiResult reference(Dataset d, KpiQuery q, List<String> events) {
        Set<UserDay> userDays = new HashSet<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), q.period()) && d.inSegment(e.customerId(), q.segment())
                    && (events.isEmpty() || events.contains(e.event()))) {
                userDays.add(new UserDay(e.customerId(), e.userId(), LocalDate.ofInstant(e.occurredAt(), ZoneOffset.UTC)));
            }
        }
        if (userDays.isEmpty()) {
            return KpiResult.noData("nobody active");
        }
        Map<LocalDate, Long> perDay = new HashMap<>();
        Set<String> users = new HashSet<>();
        for (UserDay ud : userDays) {
            perDay.merge(ud.day(), 1L, Long::sum);
            users.add(ud.customer() + "/" + ud.user());
        }
        long days = q.period().days();
        return new KpiResult((double) userDays.size() / days, (double) userDays.size(), (double) days, users.size(), null,
                Map.of("activeUserDays", (long) userDays.size(), "days", days,
                        "peakDau", perDay.values().stream().mapToLong(Long::longValue).max().orElseThrow(),
                        "activeUsers", (long) users.size()));
    }

    @Test
    void everyEvent() {
        Differential.check(dir, 40, store -> new DailyActiveUsers(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, List.of()), "activeUserDays", "days", "peakDau", "activeUsers");
    }

    @Test
    void chosenEvents() {
        Differential.check(dir, 40, store -> new DailyActiveUsers(store, new Settings("create_report,export_csv")),
                (d, q) -> reference(d, q, List.of("create_report", "export_csv")), "activeUserDays", "days", "peakDau",
                "activeUsers");
    }
}
