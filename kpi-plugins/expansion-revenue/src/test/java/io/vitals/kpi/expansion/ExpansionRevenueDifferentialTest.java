package io.vitals.kpi.expansion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.expansion.ExpansionRevenue.Settings;
import io.vitals.kpi.expansion.ExpansionRevenue.Source;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Expansion revenue in SQL against loops over deals and subscriptions, on random datasets. */
class ExpansionRevenueDifferentialTest {

    @TempDir
    Path dir;

    /** Questions with some expansion, so the comparison is not vacuous. */
    static final AtomicInteger nonZero = new AtomicInteger();

    static KpiResult fromDeals(Dataset d, KpiQuery q) {
        Set<Long> active = Reference.payingDuring(d, q, d.customersIn(q.segment()));
        if (active.isEmpty()) {
            return KpiResult.noData("nobody paying");
        }
        if (d.deals.stream().noneMatch(deal -> deal.createdAt().getEpochSecond() < Reference.to(q)
                && d.inSegment(deal.customerId(), q.segment()))) {
            return KpiResult.noData("no deals recorded");
        }
        long upsell = 0;
        long crossSell = 0;
        long deals = 0;
        for (Deal deal : d.deals) {
            if (deal.stage() == DealStage.WON && Reference.in(deal.closedAt(), q.period())
                    && d.inSegment(deal.customerId(), q.segment())) {
                if (deal.kind() == DealKind.UPSELL) {
                    upsell += deal.amountCents();
                    deals++;
                } else if (deal.kind() == DealKind.CROSS_SELL) {
                    crossSell += deal.amountCents();
                    deals++;
                }
            }
        }
        if (deals > 0) {
            nonZero.incrementAndGet();
        }
        return new KpiResult((upsell + crossSell) / 100.0, null, null, active.size(), null,
                Map.of("upsellRevenue", upsell / 100.0, "crossSellRevenue", crossSell / 100.0, "deals", deals));
    }

    static KpiResult fromMrr(Dataset d, KpiQuery q) {
        Set<Long> segment = d.customersIn(q.segment());
        Set<Long> active = Reference.payingDuring(d, q, segment);
        if (active.isEmpty()) {
            return KpiResult.noData("nobody paying");
        }
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        long expansion = 0;
        long expanded = 0;
        for (Map.Entry<Long, Long> start : before.entrySet()) {
            long end = after.getOrDefault(start.getKey(), 0L);
            if (end > start.getValue()) {
                expansion += end - start.getValue();
                expanded++;
            }
        }
        if (expanded > 0) {
            nonZero.incrementAndGet();
        }
        return new KpiResult(expansion / 100.0, null, null, active.size(), null, Map.of("expandedCustomers", expanded));
    }

    @Test
    void deals() {
        nonZero.set(0);
        Differential.check(dir, 40, store -> new ExpansionRevenue(store, Settings.DEFAULT),
                ExpansionRevenueDifferentialTest::fromDeals, "upsellRevenue", "crossSellRevenue", "deals");
        assertTrue(nonZero.get() > Differential.scaled(20, 40), "only " + nonZero + " questions had expansion deals");
    }

    @Test
    void expansionMrr() {
        nonZero.set(0);
        Differential.check(dir, 40, store -> new ExpansionRevenue(store, new Settings(Source.MRR)),
                ExpansionRevenueDifferentialTest::fromMrr, "expandedCustomers");
        assertTrue(nonZero.get() > Differential.scaled(20, 40), "only " + nonZero + " questions had expansion MRR");
    }
}
