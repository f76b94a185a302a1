package io.vitals.kpi.costtoserve;

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
import io.vitals.kpi.costtoserve.CostToServe.Settings;
import io.vitals.testkit.Fixture;

class CostToServeTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 5; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)
            .subscription(2, 10_000, "2025-06-01", null)
            .subscription(3, 10_000, "2025-06-01", null)
            .subscription(4, 10_000, "2025-06-01", "2026-02-01")   // ended as February began: not paying during it
            .subscription(5, 0, "2025-06-01", null);               // trial: not paying
        data.cost(1L, "support", 10_000, "2026-02-01T00:00")         // first instant: in
            .cost(1L, "infrastructure", 5_000, "2026-02-10")
            .cost(2L, "success", 20_000, "2026-02-28T23:59:59")       // last second: in
            .cost(3L, "support", 1_000, "2026-03-01T00:00")           // March's
            .cost(2L, "support", 4_000, "2026-01-31T23:59:59")        // January's
            .cost(4L, "support", 3_000, "2026-02-10")                 // a customer not paying still cost something
            .cost(5L, "churn", 50_000, "2026-02-10")                  // churn costs are not a cost of serving
            .cost(null, "support", 6_000, "2026-02-10")               // shared
            .cost(null, "infrastructure", 9_000, "2026-02-10")        // shared
            .cost(null, "support", 7_000, "2024-01-10");              // shared, in a month nobody paid
    }

    @AfterEach
    void close() {
        data.close();
    }

    private CostToServe kpi(String categories) {
        return new CostToServe(data.metrics(), Settings.parse(categories));
    }

    @Test
    void costsOverCustomersPayingDuringThePeriod() {
        KpiResult r = new CostToServe(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01"));
        // attributed: 100 + 50 (1) + 200 (2) + 30 (4) = 380; shared 60 + 90 = 150; total 530 over 1, 2, 3
        assertEquals(530.0 / 3, r.value(), 1e-9);
        assertEquals(530.0, r.numerator());
        assertEquals(3.0, r.denominator());
        assertEquals(3, r.sampleSize());
        Map<String, Object> d = r.details();
        assertEquals(530.0, d.get("totalCost"));
        assertEquals(150.0, d.get("sharedCost"));
        assertEquals(380.0, d.get("attributedCost"));
        assertEquals(3L, d.get("activeCustomers"));
        // per category: support 100 + 30 + 60, success 200, infrastructure 50 + 90
        assertEquals(190.0, d.get("support"));
        assertEquals(200.0, d.get("success"));
        assertEquals(140.0, d.get("infrastructure"));
        assertEquals(List.of("totalCost", "sharedCost", "attributedCost", "activeCustomers", "support", "success", "infrastructure"),
                List.copyOf(d.keySet()));
    }

    @Test
    void configuredCategories() {
        // support alone: 190 / 3
        KpiResult support = kpi("support").compute(query("2026-02-01", "2026-03-01"));
        assertEquals(190.0 / 3, support.value(), 1e-9);
        assertFalse(support.details().containsKey("success"));
        // spaces are trimmed; churn now counts: 190 + 500
        KpiResult withChurn = kpi(" support , churn ").compute(query("2026-02-01", "2026-03-01"));
        assertEquals(690.0 / 3, withChurn.value(), 1e-9);
        assertEquals(500.0, withChurn.details().get("churn"));
    }

    @Test
    void halfOpenPeriod() {
        // January: 1, 2, 3, 4 pay; 2's support cost at Jan 31 23:59:59 is January's, 1's at Feb 1 00:00 is not
        KpiResult january = kpi("support").compute(query("2026-01-01", "2026-02-01"));
        assertEquals(40.0 / 4, january.value(), 1e-9);
        // March: 3's cost at the first instant
        assertEquals(10.0 / 3, kpi("support").compute(query("2026-03-01", "2026-04-01")).value(), 1e-9);
    }

    @Test
    void noPayingCustomersIsNoDataButACostOfZeroIsZero() {
        KpiResult none = kpi("support").compute(query("2024-01-01", "2024-02-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no customers paying during 2024-01-01..2024-02-01 for all customers"),
                none.noDataReason());
        data.cost(1L, "support", 0, "2025-08-15");                 // booked, and nothing
        KpiResult quiet = kpi("support").compute(query("2025-08-01", "2025-09-01"));
        assertEquals(0.0, quiet.value());
        assertEquals(4.0, quiet.denominator());
    }

    @Test
    void noCostRecordsInThePeriodIsNoData() {
        // August 2025: four customers pay, and no cost of any category was recorded
        KpiResult august = kpi("support,success,infrastructure").compute(query("2025-08-01", "2025-09-01"));
        assertFalse(august.hasValue());
        assertTrue(august.noDataReason().contains("no costs (support, success, infrastructure) recorded in 2025-08-01..2025-09-01"
                + " for all customers"), august.noDataReason());
        // February has costs, but none of the category asked for
        KpiResult other = kpi("marketing").compute(query("2026-02-01", "2026-03-01"));
        assertFalse(other.hasValue());
        assertTrue(other.noDataReason().contains("no costs (marketing) recorded"), other.noDataReason());
        // March: only pro customer 3 has a cost; starter customer 2 pays and has none, and shared costs are in no segment
        KpiResult starter = kpi("support").compute(query("2026-03-01", "2026-04-01", "plan", "starter"));
        assertFalse(starter.hasValue());
        assertTrue(starter.noDataReason().contains("no costs (support) recorded in 2026-03-01..2026-04-01 for plan=starter"),
                starter.noDataReason());
    }

    @Test
    void aSegmentLeavesSharedCostsOut() {
        // pro = 1, 3, 5: 1's 100 + 50 over 1 and 3 paying; the shared 150 belongs to no segment
        KpiResult pro = kpi("support,success,infrastructure").compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(75.0, pro.value(), 1e-9);
        assertEquals(0.0, pro.details().get("sharedCost"));
        assertEquals(150.0, pro.details().get("attributedCost"));
        // starter = 2, 4: 200 + 30 over 2 alone
        assertEquals(230.0, kpi("support,success,infrastructure").compute(query("2026-02-01", "2026-03-01", "plan", "starter")).value(),
                1e-9);
    }

    @Test
    void drillDownListsTheCostliestCustomers() {
        KpiTable t = kpi("support,success,infrastructure").customers(query("2026-02-01", "2026-03-01"),
                new DrillDown("costliest", null, true, 50));
        assertEquals(List.of(2L, 1L, 4L), t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList());
        assertEquals(List.of(200.0, 150.0, 30.0), t.rows().stream().map(r -> r.get(t.column("cost"))).toList());
        KpiTable cheapest = kpi("support").customers(query("2026-02-01", "2026-03-01", "plan", "pro"),
                new DrillDown("costliest", "cost", false, 5));
        assertEquals(List.of(1L), cheapest.rows().stream().map(r -> r.get(cheapest.column("customer_id"))).toList());
        assertEquals(100.0, cheapest.rows().get(0).get(cheapest.column("cost")));
        assertThrows(InvalidQueryException.class, () -> kpi("support").customers(query("2026-02-01", "2026-03-01"),
                new DrillDown("cheapest", null, true, 5)));
    }

    @Test
    void definitionStatesTheCategoriesAndTheSharedCostRule() {
        KpiDefinition d = kpi("support, success").definition();
        assertTrue(d.formula().contains("categories support, success"), d.formula());
        assertTrue(d.formula().contains("a segment leaves them out"), d.formula());
        assertEquals("support,success", d.parameters().get(0).value());
        assertEquals("support,success,infrastructure", d.parameters().get(0).defaultValue());
    }

    @Test
    void invalidCategoriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(" , "));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("support,,success"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("support,"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("support,support"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new Settings(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Settings(List.of(" support")));
    }
}
