package io.vitals.kpi.upsell;

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

/** The upsell rate in SQL against loops over subscriptions and deals, on random datasets. */
class UpsellRateDifferentialTest {

    @TempDir
    Path dir;

    /** Questions whose answer was neither no data nor 0, so the comparison is not vacuous. */
    static final AtomicInteger upsoldAnswers = new AtomicInteger();

    static KpiResult reference(Dataset d, KpiQuery q) {
        Set<Long> active = Reference.payingDuring(d, q, d.customersIn(q.segment()));
        if (active.isEmpty()) {
            return KpiResult.noData("no paying customers");
        }
        if (d.deals.stream().noneMatch(deal -> deal.createdAt().getEpochSecond() < Reference.to(q)
                && d.inSegment(deal.customerId(), q.segment()))) {
            return KpiResult.noData("no deals recorded");
        }
        Map<Long, Long> dealsPerUpsold = new HashMap<>();
        long amount = 0;
        for (Deal deal : d.deals) {
            boolean upsell = deal.kind() == DealKind.UPSELL && deal.stage() == DealStage.WON;
            if (upsell && Reference.in(deal.closedAt(), q.period()) && deal.customerId() != null
                    && active.contains(deal.customerId())) {
                dealsPerUpsold.merge(deal.customerId(), 1L, Long::sum);
                amount += deal.amountCents();
            }
        }
        long upsold = dealsPerUpsold.size();
        if (upsold > 0) {
            upsoldAnswers.incrementAndGet();
        }
        long deals = dealsPerUpsold.values().stream().mapToLong(Long::longValue).sum();
        return new KpiResult(100.0 * upsold / active.size(), (double) upsold, (double) active.size(), active.size(), null,
                Map.of("activeCustomers", (long) active.size(), "upsoldCustomers", upsold, "upsellDeals", deals,
                        "upsellAmount", amount / 100.0));
    }

    @Test
    void matchesTheReference() {
        Differential.check(dir, 40, UpsellRate::new, UpsellRateDifferentialTest::reference,
                "activeCustomers", "upsoldCustomers", "upsellDeals", "upsellAmount");
        assertTrue(upsoldAnswers.get() > Differential.scaled(20, 40), "only " + upsoldAnswers + " questions had an upsold customer");
    }
}
