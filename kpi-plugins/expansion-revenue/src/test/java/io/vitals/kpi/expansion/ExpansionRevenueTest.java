package io.vitals.kpi.expansion;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.expansion.ExpansionRevenue.Settings;
import io.vitals.kpi.expansion.ExpansionRevenue.Source;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testkit.Fixture;

class ExpansionRevenueTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 7; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", "2026-02-10")     // 100.00 ->
            .subscription(1, 15_000, "2026-02-10", null)             //   150.00: expansion 50.00
            .subscription(2, 20_000, "2025-06-01", "2026-02-01")     // 200.00, still covering the start ->
            .subscription(2, 30_000, "2026-02-01", null)             //   300.00 from the first instant: expansion 100.00
            .subscription(3, 10_000, "2025-06-01", "2026-03-01")     // 100.00 covers the end of February ->
            .subscription(3, 50_000, "2026-03-01", null)             //   500.00 from March: March's expansion, not February's
            .subscription(4, 10_000, "2025-06-01", "2026-02-15")     // contraction: not expansion
            .subscription(4, 5_000, "2026-02-15", null)
            .subscription(5, 10_000, "2026-02-05", null)             // new: not expansion
            .subscription(6, 10_000, "2025-06-01", "2026-02-20");    // churn
        // customer 7 never pays
        data.deal(1L, DealKind.UPSELL, DealStage.WON, 30_000, "2026-01-10", "2026-02-01T00:00")        // first instant: in
            .deal(2L, DealKind.CROSS_SELL, DealStage.WON, 12_345, "2026-01-10", "2026-02-28T23:59:59") // last second: in
            .deal(3L, DealKind.UPSELL, DealStage.WON, 99_999, "2026-01-10", "2026-03-01T00:00")        // March: out
            .deal(4L, DealKind.UPSELL, DealStage.LOST, 50_000, "2026-01-10", "2026-02-10")             // lost
            .deal(4L, DealKind.UPSELL, DealStage.OPEN, 50_000, "2026-01-10", "2026-02-10")             // open
            .deal(4L, DealKind.RENEWAL, DealStage.WON, 40_000, "2026-01-10", "2026-02-10")             // a renewal
            .deal(4L, DealKind.NEW_BUSINESS, DealStage.WON, 40_000, "2026-01-10", "2026-02-10")        // new business
            .deal(5L, DealKind.CROSS_SELL, DealStage.WON, 20_000, "2026-01-10", "2026-02-10")          // in
            .deal(7L, DealKind.UPSELL, DealStage.WON, 7_000, "2026-01-10", "2026-02-10")               // in, though 7 never paid
            .deal(null, DealKind.UPSELL, DealStage.WON, 1_000, "2026-01-10", "2026-02-10")             // no customer: all customers only
            .deal(7L, DealKind.UPSELL, DealStage.WON, 5_000, "2024-01-01", "2024-01-10");              // a period nobody paid in
    }

    @AfterEach
    void close() {
        data.close();
    }

    private ExpansionRevenue kpi(Source source) {
        return new ExpansionRevenue(data.metrics(), new Settings(source));
    }

    @Test
    void wonUpsellAndCrossSellDealsOfThePeriod() {
        KpiResult r = kpi(Source.DEALS).compute(query("2026-02-01", "2026-03-01"));
        // upsells 300.00 (1) + 70.00 (7) + 10.00 (no customer) = 380.00; cross-sells 123.45 (2) + 200.00 (5) = 323.45
        assertEquals(703.45, r.value(), 1e-9);
        assertEquals(380.0, r.details().get("upsellRevenue"));
        assertEquals(323.45, (double) r.details().get("crossSellRevenue"), 1e-9);
        assertEquals(5L, r.details().get("deals"));
        // paying during February: 1, 2, 3, 4, 5, 6
        assertEquals(6, r.sampleSize());
        assertEquals(r, new ExpansionRevenue(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01")));
    }

    @Test
    void expansionMrrOfThePeriod() {
        KpiResult r = kpi(Source.MRR).compute(query("2026-02-01", "2026-03-01"));
        // 1: 100 -> 150, 2: 200 -> 300; 3 changes only on Mar 1, 4 contracts, 5 is new, 6 churns
        assertEquals(150.0, r.value());
        assertEquals(2L, r.details().get("expandedCustomers"));
        assertEquals(6, r.sampleSize());
        // March: customer 3's increase at the first instant of March is March's
        assertEquals(400.0, kpi(Source.MRR).compute(query("2026-03-01", "2026-04-01")).value());
    }

    @Test
    void halfOpenPeriodForDeals() {
        // January ends before customer 1's upsell at Feb 1 00:00; March starts with customer 3's
        assertEquals(0.0, kpi(Source.DEALS).compute(query("2026-01-01", "2026-02-01")).value());
        assertEquals(999.99, kpi(Source.DEALS).compute(query("2026-03-01", "2026-04-01")).value(), 1e-9);
        // one day: Feb 28 holds the cross-sell at 23:59:59
        assertEquals(123.45, kpi(Source.DEALS).compute(query("2026-02-28", "2026-03-01")).value(), 1e-9);
    }

    @Test
    void payingCustomersWithoutExpansionIsZeroNotNoData() {
        KpiResult deals = kpi(Source.DEALS).compute(query("2025-08-01", "2025-09-01"));
        assertEquals(0.0, deals.value());
        assertEquals(0L, deals.details().get("deals"));
        assertEquals(0.0, kpi(Source.MRR).compute(query("2025-08-01", "2025-09-01")).value());
    }

    @Test
    void noDealsRecordedIsNoDataForDealsButNotForMrr() {
        // customer 8 pays and the CRM has no deal of it: expansion deals are unknown, its MRR says no expansion
        data.customer(8, "2025-01-01", "pro", "APAC", "bob", Map.of()).subscription(8, 10_000, "2025-06-01", null);
        KpiResult deals = kpi(Source.DEALS).compute(query("2026-02-01", "2026-03-01", "region", "APAC"));
        assertFalse(deals.hasValue());
        assertTrue(deals.noDataReason().contains("no deals recorded for region=APAC by the end of 2026-02-01..2026-03-01"),
                deals.noDataReason());
        assertEquals(0.0, kpi(Source.MRR).compute(query("2026-02-01", "2026-03-01", "region", "APAC")).value());
    }

    @Test
    void nobodyPayingIsNoDataEvenWithDeals() {
        for (Source source : Source.values()) {
            KpiResult r = kpi(source).compute(query("2024-01-01", "2024-02-01"));
            assertFalse(r.hasValue());
            assertTrue(r.noDataReason().contains("no customers paying during 2024-01-01..2024-02-01 for all customers"),
                    r.noDataReason());
        }
    }

    @Test
    void segmentDropsOtherCustomersAndDealsWithoutACustomer() {
        // pro = odd ids: upsells 300.00 (1) + 70.00 (7), cross-sell 200.00 (5)
        KpiResult deals = kpi(Source.DEALS).compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(570.0, deals.value(), 1e-9);
        assertEquals(370.0, deals.details().get("upsellRevenue"));
        assertEquals(3L, deals.details().get("deals"));
        assertEquals(3, deals.sampleSize()); // 1, 3, 5 paid in February
        assertEquals(50.0, kpi(Source.MRR).compute(query("2026-02-01", "2026-03-01", "plan", "pro")).value());
    }

    @Test
    void drillDownListsWhatEachCustomerBrought() {
        KpiTable deals = kpi(Source.DEALS).customers(query("2026-02-01", "2026-03-01"), new DrillDown("expanded", null, true, 50));
        // the deal without a customer has nobody to list
        assertEquals(List.of(1L, 5L, 2L, 7L), deals.rows().stream().map(r -> r.get(deals.column("customer_id"))).toList());
        assertEquals(List.of(300.0, 200.0, 123.45, 70.0), deals.rows().stream().map(r -> r.get(deals.column("amount"))).toList());

        KpiTable mrr = kpi(Source.MRR).customers(query("2026-02-01", "2026-03-01"), new DrillDown("expanded", null, true, 50));
        assertEquals(List.of(2L, 1L), mrr.rows().stream().map(r -> r.get(mrr.column("customer_id"))).toList());
        assertEquals(List.of(100.0, 50.0), mrr.rows().stream().map(r -> r.get(mrr.column("amount"))).toList());

        KpiTable smallest = kpi(Source.DEALS).customers(query("2026-02-01", "2026-03-01", "plan", "pro"),
                new DrillDown("expanded", "amount", false, 2));
        assertEquals(List.of(7L, 5L), smallest.rows().stream().map(r -> r.get(smallest.column("customer_id"))).toList());
        assertThrows(InvalidQueryException.class, () -> kpi(Source.MRR).customers(query("2026-02-01", "2026-03-01"),
                new DrillDown("churned", null, true, 5)));
    }

    @Test
    void definitionSaysWhichSourceIsInForce() {
        KpiDefinition deals = kpi(Source.DEALS).definition();
        assertEquals("DEALS", deals.parameters().get(0).value());
        assertTrue(deals.formula().contains("won 'upsell' and 'cross_sell' deals"), deals.formula());
        KpiDefinition mrr = kpi(Source.MRR).definition();
        assertEquals("MRR", mrr.parameters().get(0).value());
        assertEquals("DEALS", mrr.parameters().get(0).defaultValue());
        assertTrue(mrr.formula().startsWith("expansion MRR"), mrr.formula());
        assertEquals(List.of("expanded"), mrr.drillDowns());
    }

    @Test
    void missingSourceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }
}
