package io.vitals.kpi.grr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** GRR in SQL against a loop over each customer's MRR at the start and end, on random datasets. */
class GrossRevenueRetentionDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        long start = 0;
        long kept = 0;
        long contraction = 0;
        long churn = 0;
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            long b = e.getValue();
            long a = after.getOrDefault(e.getKey(), 0L);
            start += b;
            kept += Math.min(a, b);
            if (a == 0) {
                churn += b;
            } else if (a < b) {
                contraction += b - a;
            }
        }
        if (start == 0) {
            return KpiResult.noData("no MRR at the start");
        }
        return new KpiResult(100.0 * kept / start, kept / 100.0, start / 100.0, before.size(), null,
                Map.of("startMrr", start / 100.0, "contraction", contraction / 100.0, "churn", churn / 100.0));
    }

    /** The SQL KPI, checking on every question that it never answers above 100. */
    static Kpi neverAboveOneHundred(Kpi grr, AtomicInteger answers, AtomicInteger belowOneHundred) {
        return new Kpi() {
            @Override
            public KpiDefinition definition() {
                return grr.definition();
            }

            @Override
            public KpiResult compute(KpiQuery query) {
                KpiResult r = grr.compute(query);
                if (r.hasValue()) {
                    answers.incrementAndGet();
                    if (r.value() > 100.0) {
                        throw new AssertionError("GRR above 100: " + r.value() + " for " + query.period() + ", " + query.segment());
                    }
                    if (r.value() < 100.0) {
                        belowOneHundred.incrementAndGet();
                    }
                }
                return r;
            }
        };
    }

    @Test
    void matchesTheReferenceAndIsNeverAboveOneHundred() {
        AtomicInteger answers = new AtomicInteger();
        AtomicInteger belowOneHundred = new AtomicInteger();
        Differential.check(dir, 40,
                store -> neverAboveOneHundred(new GrossRevenueRetention(store), answers, belowOneHundred),
                GrossRevenueRetentionDifferentialTest::reference, "startMrr", "contraction", "churn");
        assertTrue(answers.get() > Differential.scaled(500, 40), "only " + answers + " questions had a value");
        assertTrue(belowOneHundred.get() > Differential.scaled(50, 40), "only " + belowOneHundred + " questions lost revenue");
    }
}
