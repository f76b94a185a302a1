package io.vitals.kpi.revenuechurn;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.revenuechurn.RevenueChurnRate.Settings;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Revenue churn in SQL against a loop over each customer's MRR at the two boundaries, on random datasets. */
class RevenueChurnRateDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, boolean includeContraction) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        long start = 0;
        long churned = 0;
        long contraction = 0;
        // only customers paying at the start can lose MRR
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            long was = e.getValue();
            long is = after.getOrDefault(e.getKey(), 0L);
            start += was;
            if (is == 0) {
                churned += was;
            } else if (is < was) {
                contraction += was - is;
            }
        }
        if (start == 0) {
            return KpiResult.noData("no MRR at the start");
        }
        long lost = churned + (includeContraction ? contraction : 0);
        return new KpiResult(100.0 * lost / start, lost / 100.0, start / 100.0, before.size(), null,
                Map.of("startMrr", start / 100.0, "churnedMrr", churned / 100.0, "contractionMrr", contraction / 100.0));
    }

    @Test
    void churnAndContraction() {
        Differential.check(dir, 40, store -> new RevenueChurnRate(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, true), "startMrr", "churnedMrr", "contractionMrr");
    }

    @Test
    void churnOnly() {
        Differential.check(dir, 40, store -> new RevenueChurnRate(store, new Settings(false)),
                (d, q) -> reference(d, q, false), "startMrr", "churnedMrr", "contractionMrr");
    }
}
