package io.vitals.kpi.costtoserve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.costtoserve.CostToServe.Settings;
import io.vitals.model.CostEntry;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Cost to serve in SQL against a loop over the costs, on random datasets. */
class CostToServeDifferentialTest {

    @TempDir
    Path dir;

    /** Questions with a shared cost in them, so that part of the comparison is not vacuous. */
    static final AtomicInteger withSharedCost = new AtomicInteger();

    static KpiResult reference(Dataset d, KpiQuery q, Settings s) {
        Set<Long> active = Reference.payingDuring(d, q, d.customersIn(q.segment()));
        if (active.isEmpty()) {
            return KpiResult.noData("nobody paying");
        }
        long entries = 0;
        long total = 0;
        long shared = 0;
        Map<String, Long> perCategory = new LinkedHashMap<>();
        s.categories().forEach(c -> perCategory.put(c, 0L));
        for (CostEntry cost : d.costs) {
            // d.inSegment: a cost without a customer is in no segment, only in "all customers"
            if (s.categories().contains(cost.category()) && Reference.in(cost.incurredAt(), q.period())
                    && d.inSegment(cost.customerId(), q.segment())) {
                entries++;
                total += cost.amountCents();
                perCategory.merge(cost.category(), cost.amountCents(), Long::sum);
                if (cost.customerId() == null) {
                    shared += cost.amountCents();
                }
            }
        }
        if (entries == 0) {
            return KpiResult.noData("no cost records");
        }
        if (shared > 0) {
            withSharedCost.incrementAndGet();
        }
        KpiResult r = new KpiResult(total / 100.0 / active.size(), total / 100.0, (double) active.size(), active.size(), null,
                Map.of("totalCost", total / 100.0, "sharedCost", shared / 100.0, "attributedCost", (total - shared) / 100.0,
                        "activeCustomers", (long) active.size()));
        for (Map.Entry<String, Long> e : perCategory.entrySet()) {
            r = r.with(e.getKey(), e.getValue() / 100.0);
        }
        return r;
    }

    @Test
    void defaultCategories() {
        withSharedCost.set(0);
        Differential.check(dir, 40, store -> new CostToServe(store, Settings.DEFAULT), (d, q) -> reference(d, q, Settings.DEFAULT),
                "totalCost", "sharedCost", "attributedCost", "activeCustomers", "support", "success", "infrastructure");
        assertTrue(withSharedCost.get() > Differential.scaled(20, 40), "only " + withSharedCost + " questions had a shared cost");
    }

    @Test
    void otherCategories() {
        Settings s = Settings.parse("churn,support");
        Differential.check(dir, 40, store -> new CostToServe(store, s), (d, q) -> reference(d, q, s),
                "totalCost", "sharedCost", "attributedCost", "activeCustomers", "churn", "support");
    }
}
