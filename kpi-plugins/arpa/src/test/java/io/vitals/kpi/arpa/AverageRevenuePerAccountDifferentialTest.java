package io.vitals.kpi.arpa;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.arpa.AverageRevenuePerAccount.Per;
import io.vitals.kpi.arpa.AverageRevenuePerAccount.Settings;
import io.vitals.model.ProductUser;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** ARPA and ARPU in SQL against loops over subscriptions and users, on random datasets. */
class AverageRevenuePerAccountDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, Per per) {
        Map<Long, Long> atEnd = Reference.mrrAt(d, Reference.to(q), d.customersIn(q.segment()));
        long cents = atEnd.values().stream().mapToLong(Long::longValue).sum();
        long divisor;
        if (per == Per.ACCOUNT) {
            divisor = atEnd.size();
        } else {
            divisor = 0;
            for (ProductUser u : d.users) {
                if (atEnd.containsKey(u.customerId()) && u.createdAt().getEpochSecond() < Reference.to(q)) {
                    divisor++;
                }
            }
        }
        if (divisor == 0) {
            return KpiResult.noData("nothing to divide by");
        }
        return new KpiResult(cents / 100.0 / divisor, cents / 100.0, (double) divisor, divisor, null,
                Map.of("mrr", cents / 100.0, per == Per.ACCOUNT ? "accounts" : "users", divisor));
    }

    @Test
    void perAccount() {
        Differential.check(dir, 40, store -> new AverageRevenuePerAccount(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Per.ACCOUNT), "mrr", "accounts");
    }

    @Test
    void perUser() {
        Differential.check(dir, 40, store -> new AverageRevenuePerAccount(store, new Settings(Per.USER)),
                (d, q) -> reference(d, q, Per.USER), "mrr", "users");
    }
}
