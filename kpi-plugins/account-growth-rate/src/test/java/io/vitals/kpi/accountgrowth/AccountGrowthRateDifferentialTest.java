package io.vitals.kpi.accountgrowth;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.accountgrowth.AccountGrowthRate.Accounts;
import io.vitals.kpi.accountgrowth.AccountGrowthRate.Settings;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Account growth in SQL against a loop over each customer's MRR at the start and end, on random datasets. */
class AccountGrowthRateDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, boolean retainedOnly) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        long accounts = 0;
        long start = 0;
        long end = 0;
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            long a = after.getOrDefault(e.getKey(), 0L);
            if (retainedOnly && a == 0) {
                continue; // churned: not an account that was kept
            }
            accounts++;
            start += e.getValue();
            end += a;
        }
        if (start == 0) {
            return KpiResult.noData("no accounts");
        }
        return new KpiResult(100.0 * (end - start) / start, (end - start) / 100.0, start / 100.0, accounts, null,
                Map.of("accounts", accounts, "revenueAtStart", start / 100.0, "revenueAtEnd", end / 100.0));
    }

    @Test
    void retainedAccounts() {
        Differential.check(dir, 40, store -> new AccountGrowthRate(store, Settings.DEFAULT), (d, q) -> reference(d, q, true),
                "accounts", "revenueAtStart", "revenueAtEnd");
    }

    @Test
    void allAccountsAtTheStart() {
        Differential.check(dir, 40, store -> new AccountGrowthRate(store, new Settings(Accounts.ALL_AT_START)),
                (d, q) -> reference(d, q, false), "accounts", "revenueAtStart", "revenueAtEnd");
    }
}
