package io.vitals.kpi.upsell;

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
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testkit.Fixture;

class UpsellRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)                 // active
            .subscription(2, 10_000, "2025-06-01", null)                 // active
            .subscription(3, 10_000, "2025-06-01", null)                 // active
            .subscription(4, 10_000, "2025-06-01", null)                 // active
            .subscription(5, 10_000, "2025-06-01", null)                 // active
            .subscription(6, 0, "2025-06-01", null)                      // trial: not a paying customer
            .subscription(7, 10_000, "2025-06-01", "2026-02-01")         // ended on Feb 1: not paying during February
            .subscription(8, 10_000, "2026-02-15", null)                 // new in February: active
            .subscription(9, 10_000, "2026-03-01", null)                 // starts after February
            .subscription(10, 10_000, "2025-06-01", null);               // active
        data.deal(1L, DealKind.UPSELL, DealStage.WON, 50_000, "2026-01-10", "2026-02-10")
            .deal(1L, DealKind.UPSELL, DealStage.WON, 20_000, "2026-01-10", "2026-02-20")          // a second upsell: 1 still counts once
            .deal(2L, DealKind.UPSELL, DealStage.LOST, 40_000, "2026-01-10", "2026-02-10")         // lost
            .deal(2L, DealKind.UPSELL, DealStage.OPEN, 40_000, "2026-01-10", "2026-02-25")         // open
            .deal(2L, DealKind.CROSS_SELL, DealStage.WON, 40_000, "2026-01-10", "2026-02-10")      // not an upsell
            .deal(3L, DealKind.UPSELL, DealStage.WON, 10_000, "2026-01-10", "2026-02-01T00:00")    // first instant: in
            .deal(4L, DealKind.UPSELL, DealStage.WON, 30_000, "2026-01-10", "2026-03-01T00:00")    // first instant of March: out
            .deal(5L, DealKind.UPSELL, DealStage.WON, 5_000, "2026-01-10", "2026-02-28T23:59:59")  // last second: in
            .deal(6L, DealKind.UPSELL, DealStage.WON, 9_000, "2026-01-10", "2026-02-10")           // trial customer: not active
            .deal(7L, DealKind.UPSELL, DealStage.WON, 9_000, "2026-01-10", "2026-02-10")           // not paying in February
            .deal(10L, DealKind.UPSELL, DealStage.WON, 9_000, "2026-01-10", "2026-01-31T23:59:59") // January's
            .deal(null, DealKind.UPSELL, DealStage.WON, 9_000, "2026-01-10", "2026-02-10");        // no customer
    }

    @AfterEach
    void close() {
        data.close();
    }

    private UpsellRate kpi() {
        return new UpsellRate(data.metrics());
    }

    @Test
    void upsoldActiveCustomersOverActiveCustomers() {
        // active in February: 1, 2, 3, 4, 5, 8, 10 = 7; upsold: 1, 3, 5 = 3
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(300.0 / 7, r.value(), 1e-9);
        assertEquals(3.0, r.numerator());
        assertEquals(7.0, r.denominator());
        assertEquals(7, r.sampleSize());
        assertEquals(7L, r.details().get("activeCustomers"));
        assertEquals(3L, r.details().get("upsoldCustomers"));
        // deals of the upsold: 1 (two), 3, 5 = 4, worth 500 + 200 + 100 + 50 = 850.00
        assertEquals(4L, r.details().get("upsellDeals"));
        assertEquals(850.0, r.details().get("upsellAmount"));
    }

    @Test
    void halfOpenPeriod() {
        // January: active 1, 2, 3, 4, 5, 7, 10 (7's span covers January); the upsell closed at Jan 31 23:59:59 is in,
        // customer 3's at the first instant of February is not
        KpiResult january = kpi().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(7.0, january.denominator());
        assertEquals(1.0, january.numerator());
        // March: customer 4's upsell closed at the first instant of March; 9 starts on Mar 1 and is active
        KpiResult march = kpi().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(1.0, march.numerator());
        assertEquals(8.0, march.denominator()); // 1, 2, 3, 4, 5, 8, 9, 10
    }

    @Test
    void noUpsellsIsZeroNotNoData() {
        data.deal(2L, DealKind.RENEWAL, DealStage.WON, 10_000, "2025-06-01", "2025-07-10");   // the CRM knows July
        KpiResult quiet = kpi().compute(query("2025-07-01", "2025-08-01"));
        assertEquals(0.0, quiet.value());
        assertEquals(7.0, quiet.denominator()); // July 2025: 1, 2, 3, 4, 5, 7, 10 pay; nobody bought an upsell
    }

    @Test
    void noDealsRecordedIsNoData() {
        // July 2025: seven customers pay, and the CRM has no deal of anybody before August
        KpiResult july = kpi().compute(query("2025-07-01", "2025-08-01"));
        assertFalse(july.hasValue());
        assertTrue(july.noDataReason().contains("no deals recorded for all customers by the end of 2025-07-01..2025-08-01"),
                july.noDataReason());
        // a paying customer the CRM has nothing on
        data.customer(11, "2025-01-01", "pro", "APAC", "bob", Map.of()).subscription(11, 10_000, "2025-06-01", null);
        KpiResult apac = kpi().compute(query("2026-02-01", "2026-03-01", "region", "APAC"));
        assertFalse(apac.hasValue());
        assertTrue(apac.noDataReason().contains("no deals recorded for region=APAC by the end of 2026-02-01..2026-03-01"),
                apac.noDataReason());
    }

    @Test
    void nothingPayingIsNoData() {
        KpiResult r = kpi().compute(query("2024-01-01", "2024-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no customers paying during 2024-01-01..2024-02-01 for all customers"),
                r.noDataReason());
    }

    @Test
    void segmentRestrictsBothSides() {
        // pro (odd ids): active 1, 3, 5; all upsold
        KpiResult pro = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(100.0, pro.value());
        assertEquals(3.0, pro.denominator());
        // starter (even ids): active 2, 4, 8, 10; none upsold in February
        KpiResult starter = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "starter"));
        assertEquals(0.0, starter.value());
        assertEquals(4.0, starter.denominator());
        assertEquals(0.0, starter.details().get("upsellAmount"));
    }

    @Test
    void seriesPointsEqualTheirOwnPeriods() {
        KpiSeries s = kpi().series(query("2026-01-01", "2026-04-01"), Grain.MONTH);
        assertEquals(kpi().compute(query("2026-02-01", "2026-03-01")), s.points().get(1).result());
    }

    @Test
    void drillDownListsTheUpsoldLargestAmountFirst() {
        KpiTable t = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("upsold", null, true, 50));
        assertEquals(List.of(1L, 3L, 5L), t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList());
        assertEquals(List.of(2L, 1L, 1L), t.rows().stream().map(r -> r.get(t.column("deals"))).toList());
        assertEquals(List.of(700.0, 100.0, 50.0), t.rows().stream().map(r -> r.get(t.column("amount"))).toList());
        assertEquals("Customer 1", t.rows().get(0).get(t.column("customer")));
        assertEquals("pro", t.rows().get(0).get(t.column("plan")));

        KpiTable fewest = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("upsold", "amount", false, 1));
        assertEquals(List.of(5L), fewest.rows().stream().map(r -> r.get(fewest.column("customer_id"))).toList());
        KpiTable starter = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "starter"),
                new DrillDown("upsold", null, true, 50));
        assertTrue(starter.rows().isEmpty());
        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("upsold", "colour", true, 5)));
        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 5)));
    }

    @Test
    void definitionNamesItsDrillDown() {
        assertEquals(List.of("upsold"), kpi().definition().drillDowns());
        assertTrue(kpi().definition().parameters().isEmpty());
    }
}
