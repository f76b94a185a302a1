package io.vitals.kpi.retention;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.retention.CustomerRetentionRate.Settings;
import io.vitals.model.Subscription;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Retention in SQL against set arithmetic over the customers active at each boundary, on random datasets. */
class CustomerRetentionRateDifferentialTest {

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
        Set<Long> added = new HashSet<>(end);
        added.removeAll(start);
        Set<Long> retained = new HashSet<>(start);
        retained.retainAll(end);
        if (start.isEmpty()) {
            return KpiResult.noData("no customers at the start");
        }
        long numerator = end.size() - added.size();
        return new KpiResult(100.0 * numerator / start.size(), (double) numerator, (double) start.size(), start.size(), null,
                Map.of("customersAtStart", (long) start.size(), "customersAtEnd", (long) end.size(),
                        "newCustomers", (long) added.size(), "retained", (long) retained.size()));
    }

    @Test
    void payingCustomers() {
        Differential.check(dir, 40, store -> new CustomerRetentionRate(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, true), "customersAtStart", "customersAtEnd", "newCustomers", "retained");
    }

    @Test
    void trialsAndFreePlansToo() {
        Differential.check(dir, 40, store -> new CustomerRetentionRate(store, new Settings(false)),
                (d, q) -> reference(d, q, false), "customersAtStart", "customersAtEnd", "newCustomers", "retained");
    }
}
