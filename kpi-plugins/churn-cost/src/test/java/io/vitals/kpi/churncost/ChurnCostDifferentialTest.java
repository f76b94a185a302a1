package io.vitals.kpi.churncost;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.churncost.ChurnCost.Settings;
import io.vitals.model.CostEntry;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Churn cost in SQL against loops over the customers' MRR at both boundaries and the cost entries, on random datasets. */
class ChurnCostDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, int months) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> atStart = Reference.mrrAt(d, Reference.from(q), segment);
        Set<Long> atEnd = Reference.payingAt(d, Reference.to(q), segment);
        long churned = 0;
        long lostMrr = 0;
        for (Map.Entry<Long, Long> e : atStart.entrySet()) {
            if (!atEnd.contains(e.getKey())) {
                churned++;
                lostMrr += e.getValue();
            }
        }
        long entries = 0;
        long costs = 0;
        for (CostEntry c : d.costs) {
            if (c.category().equals("churn") && Reference.in(c.incurredAt(), q.period()) && d.inSegment(c.customerId(), q.segment())) {
                entries++;
                costs += c.amountCents();
            }
        }
        if (atStart.isEmpty() && entries == 0) {
            return KpiResult.noData("nobody paying, no churn costs");
        }
        return new KpiResult((lostMrr * months + costs) / 100.0, null, null, atStart.size(), null,
                Map.of("churnedCustomers", churned, "lostMrr", lostMrr / 100.0,
                        "lostRecurringRevenue", lostMrr * months / 100.0, "churnCosts", costs / 100.0));
    }

    @Test
    void annualised() {
        Differential.check(dir, 40, store -> new ChurnCost(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, 12), "churnedCustomers", "lostMrr", "lostRecurringRevenue", "churnCosts");
    }

    @Test
    void oneMonth() {
        Differential.check(dir, 40, store -> new ChurnCost(store, new Settings(false)),
                (d, q) -> reference(d, q, 1), "churnedCustomers", "lostMrr", "lostRecurringRevenue", "churnCosts");
    }
}
