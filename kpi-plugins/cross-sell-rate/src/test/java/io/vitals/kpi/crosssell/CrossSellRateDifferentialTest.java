package io.vitals.kpi.crosssell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** The cross-sell rate in SQL against loops over subscriptions and deals, on random datasets. */
class CrossSellRateDifferentialTest {

    @TempDir
    Path dir;

    /** Questions whose answer was neither no data nor 0, so the comparison is not vacuous. */
    static final AtomicInteger crossSoldAnswers = new AtomicInteger();

    static KpiResult reference(Dataset d, KpiQuery q) {
        Set<Long> active = Reference.payingDuring(d, q, d.customersIn(q.segment()));
        if (active.isEmpty()) {
            return KpiResult.noData("no paying customers");
        }
        if (d.deals.stream().noneMatch(deal -> deal.createdAt().getEpochSecond() < Reference.to(q)
                && d.inSegment(deal.customerId(), q.segment()))) {
            return KpiResult.noData("no deals recorded");
        }
        Map<Long, Long> dealsPerCrossSold = new HashMap<>();
        long amount = 0;
        for (Deal deal : d.deals) {
            boolean crossSell = deal.kind() == DealKind.CROSS_SELL && deal.stage() == DealStage.WON;
            if (crossSell && Reference.in(deal.closedAt(), q.period()) && deal.customerId() != null
                    && active.contains(deal.customerId())) {
                dealsPerCrossSold.merge(deal.customerId(), 1L, Long::sum);
                amount += deal.amountCents();
            }
        }
        long crossSold = dealsPerCrossSold.size();
        if (crossSold > 0) {
            crossSoldAnswers.incrementAndGet();
        }
        long deals = dealsPerCrossSold.values().stream().mapToLong(Long::longValue).sum();
        return new KpiResult(100.0 * crossSold / active.size(), (double) crossSold, (double) active.size(), active.size(), null,
                Map.of("activeCustomers", (long) active.size(), "crossSoldCustomers", crossSold, "crossSellDeals", deals,
                        "crossSellAmount", amount / 100.0));
    }

    @Test
    void matchesTheReference() {
        Differential.check(dir, 40, CrossSellRate::new, CrossSellRateDifferentialTest::reference,
                "activeCustomers", "crossSoldCustomers", "crossSellDeals", "crossSellAmount");
        assertTrue(crossSoldAnswers.get() > Differential.scaled(20, 40), "only " + crossSoldAnswers + " questions had a cross-sold customer");
    }
}
