package io.vitals.kpi.nrr;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** NRR in SQL against a loop over the MRR of each customer at the start and end, on random datasets. */
class NetRevenueRetentionDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        long start = 0;
        long end = 0;
        long expansion = 0;
        long contraction = 0;
        long churn = 0;
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            long b = e.getValue();
            long a = after.getOrDefault(e.getKey(), 0L);
            start += b;
            end += a;
            if (a > b) {
                expansion += a - b;
            } else if (a == 0) {
                churn += b;
            } else if (a < b) {
                contraction += b - a;
            }
        }
        if (end != start + expansion - contraction - churn) {
            throw new AssertionError("the movements do not reconcile start to end");
        }
        if (start == 0) {
            return KpiResult.noData("no MRR at the start");
        }
        return new KpiResult(100.0 * end / start, end / 100.0, start / 100.0, before.size(), null,
                Map.of("startMrr", start / 100.0, "expansion", expansion / 100.0, "contraction", contraction / 100.0,
                        "churn", churn / 100.0, "customersAtStart", (long) before.size()));
    }

    @Test
    void matchesTheReference() {
        Differential.check(dir, 40, NetRevenueRetention::new, NetRevenueRetentionDifferentialTest::reference,
                "startMrr", "expansion", "contraction", "churn", "customersAtStart");
    }
}
