package io.vitals.kpi.churncost;

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
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.churncost.ChurnCost.Settings;
import io.vitals.testkit.Fixture;

class ChurnCostTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 8; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-01-01", null)                    // stays
            .subscription(2, 20_000, "2025-01-01", "2026-02-15")            // churns: 200.00
            .subscription(3, 5_000, "2025-01-01", "2026-02-01")             // ends on Feb 1: paying at the start, churn of February: 50.00
            .subscription(4, 8_000, "2025-01-01", "2026-03-01")             // ends on Mar 1: still paying at the end
            .subscription(5, 3_000, "2025-01-01", "2026-02-10")             // downgrades: not churn
            .subscription(5, 1_000, "2026-02-10", null)
            .subscription(6, 7_000, "2025-01-01", "2026-02-28T23:59:59")    // ends in the last second: churn 70.00
            .subscription(7, 4_000, "2025-01-01", "2026-02-10")             // two spans, both gone:
            .subscription(7, 2_000, "2025-01-01", "2026-02-10")             //   churn 60.00
            .subscription(8, 9_000, "2026-02-05", null);                    // new: not at the start
        data.cost(2L, "churn", 50_000, "2026-02-01T00:00")                  // first instant: in
            .cost(6L, "churn", 10_000, "2026-02-28T23:59:59")               // last second: in
            .cost(null, "churn", 15_000, "2026-02-20")                      // shared: in for all customers, in no segment
            .cost(3L, "churn", 25_000, "2026-03-01")                        // first instant of March: out
            .cost(3L, "churn", 4_000, "2026-01-31T23:59:59")                // January's
            .cost(1L, "support", 99_900, "2026-02-10")                      // not a churn cost
            .cost(1L, "churn", 6_000, "2024-07-10");                        // a churn cost when nobody paid yet
    }

    @AfterEach
    void close() {
        data.close();
    }

    private ChurnCost kpi() {
        return new ChurnCost(data.metrics(), Settings.DEFAULT);
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void annualisedLostRevenuePlusChurnCosts() {
        // churned: 2 (200), 3 (50), 6 (70), 7 (60) = 380 a month, 4,560 a year; churn costs 500 + 100 + 150 = 750
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(5310.0, r.value(), 1e-9);
        assertEquals(7, r.sampleSize()); // 1..7 paying at the start
        assertEquals(4L, r.details().get("churnedCustomers"));
        assertEquals(380.0, r.details().get("lostMrr"));
        assertEquals(4560.0, r.details().get("lostRecurringRevenue"));
        assertEquals(750.0, r.details().get("churnCosts"));
    }

    @Test
    void oneMonthWhenNotAnnualised() {
        // 380 + 750
        KpiResult r = new ChurnCost(data.metrics(), new Settings(false)).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(1130.0, r.value(), 1e-9);
        assertEquals(380.0, r.details().get("lostRecurringRevenue"));
    }

    @Test
    void periodIsHalfOpen() {
        // January: nobody churned (3 still pays at Feb 1); the churn cost in its last second: 40.00
        KpiResult january = kpi().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(40.0, january.value(), 1e-9);
        assertEquals(0L, january.details().get("churnedCustomers"));
        // March: 4 churns (its span ended on Mar 1): 80 x 12 = 960; the cost on Mar 1: 250
        assertEquals(1210.0, kpi().compute(query("2026-03-01", "2026-04-01")).value(), 1e-9);
    }

    @Test
    void nothingLostIsZero() {
        KpiResult r = kpi().compute(query("2025-07-01", "2025-08-01"));
        assertEquals(0.0, r.value());
        assertEquals(7, r.sampleSize());
    }

    @Test
    void noDataOnlyWithoutCustomersAndCosts() {
        KpiResult none = kpi().compute(query("2024-06-01", "2024-07-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no paying customers"), none.noDataReason());
        // July 2024: nobody paying yet, but a churn cost of 60.00
        KpiResult costOnly = kpi().compute(query("2024-07-01", "2024-08-01"));
        assertEquals(60.0, costOnly.value(), 1e-9);
        assertEquals(0, costOnly.sampleSize());
    }

    @Test
    void segment() {
        // pro (even ids) at the start: 2, 4, 6; churned 2 (200) and 6 (70): 270 x 12 = 3,240;
        // churn costs of 2 (500) and 6 (100), not the shared one: 3,840
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(3840.0, r.value(), 1e-9);
        assertEquals(600.0, r.details().get("churnCosts"));
        assertEquals(3, r.sampleSize());
    }

    @Test
    void drillDown() {
        KpiTable churned = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("churned", null, true, 50));
        assertEquals(List.of(2L, 6L, 7L, 3L), column(churned, "customer_id"));
        assertEquals(List.of(200.0, 70.0, 60.0, 50.0), column(churned, "mrr_lost"));
        assertEquals("Customer 2", churned.rows().get(0).get(churned.column("customer")));

        KpiTable pro = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "pro"), new DrillDown("churned", null, true, 50));
        assertEquals(List.of(2L, 6L), column(pro, "customer_id"));

        KpiTable smallest = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("churned", "mrr_lost", false, 1));
        assertEquals(List.of(3L), column(smallest, "customer_id"));

        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50)));
    }

    @Test
    void definitionStatesTheVariantInForce() {
        assertEquals(List.of("churned"), kpi().definition().drillDowns());
        assertTrue(kpi().definition().formula().contains("x 12"));
        assertTrue(new ChurnCost(data.metrics(), new Settings(false)).definition().formula().contains("x 1 "));
    }
}
