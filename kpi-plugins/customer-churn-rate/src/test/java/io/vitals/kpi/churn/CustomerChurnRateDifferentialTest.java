package io.vitals.kpi.churn;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.churn.CustomerChurnRate.Settings;
import io.vitals.model.Subscription;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Customer churn in SQL against set arithmetic over the customers active at each boundary, on random datasets. */
class CustomerChurnRateDifferentialTest {

    @TempDir
    Path dir;

    /** Customers of the segment with a span covering the boundary; paying spans only, or any span. */
    static Set<Long> activeAt(Dataset d, long boundary, Set<Long> segment, boolean payingOnly) {
        if (payingOnly) {
            return Reference.payingAt(d, boundary, segment);
        }
        Set<Long> out = new HashSet<>();
        for (Subscription s : d.subscriptions) {
            if (Reference.covers(s, boundary) && segment.contains(s.customerId())) {
                out.add(s.customerId());
            }
        }
        return out;
    }

    static KpiResult reference(Dataset d, KpiQuery q, boolean payingOnly) {
        Set<Long> segment = d.customersIn(q.segment());
        Set<Long> start = activeAt(d, Reference.from(q), segment, payingOnly);
        Set<Long> end = activeAt(d, Reference.to(q), segment, payingOnly);
        Set<Long> churned = new HashSet<>(start);
        churned.removeAll(end);
        if (start.isEmpty()) {
            return KpiResult.noData("nobody active at the start");
        }
        return new KpiResult(100.0 * churned.size() / start.size(), (double) churned.size(), (double) start.size(),
                start.size(), null, Map.of("customersAtStart", (long) start.size(), "churned", (long) churned.size(),
                        "retained", (long) (start.size() - churned.size())));
    }

    @Test
    void payingCustomers() {
        Differential.check(dir, 40, store -> new CustomerChurnRate(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, true), "customersAtStart", "churned", "retained");
    }

    @Test
    void trialsAndFreePlansToo() {
        Differential.check(dir, 40, store -> new CustomerChurnRate(store, new Settings(false)),
                (d, q) -> reference(d, q, false), "customersAtStart", "churned", "retained");
    }
}
