package io.vitals.kpi.retention;

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
import io.vitals.kpi.retention.CustomerRetentionRate.Settings;
import io.vitals.testkit.Fixture;

class CustomerRetentionRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 14; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)                  // stays
            .subscription(2, 20_000, "2025-06-01", "2026-02-15")          // lost mid-February
            .subscription(3, 3_000, "2026-02-10", null)                   // new in February
            .subscription(4, 4_000, "2026-02-01", null)                   // starts on the first instant of February: new
            .subscription(5, 5_000, "2025-01-01", "2026-02-01")           // ends on Feb 1: active at the start, lost in February
            .subscription(6, 10_000, "2025-01-01", "2026-03-01")          // ends on Mar 1: still active at the end
            .subscription(7, 0, "2025-12-01", null)                       // on a trial: not a paying customer
            .subscription(8, 10_000, "2025-01-01", "2026-02-05")          // leaves and
            .subscription(8, 10_000, "2026-02-20", null)                  //   comes back within February: retained
            .subscription(9, 10_000, "2025-01-01", "2026-01-15")          // lost in January
            .subscription(10, 50_000, "2025-01-01", "2026-02-10")         // downgrades but stays: retained
            .subscription(10, 10_000, "2026-02-10", null)
            .subscription(11, 11_000, "2025-01-01", "2025-11-01")         // left in November,
            .subscription(11, 11_000, "2026-02-20", null)                 //   back in February: reactivated, counts as new
            .subscription(12, 0, "2026-02-05", null)                      // a trial started in February
            .subscription(13, 10_000, "2026-03-01", null)                 // starts at the first instant after February: not at its end
            .subscription(14, 1_400, "2026-02-28T23:59:59", null);              // starts in the last second of February: new
    }

    @AfterEach
    void close() {
        data.close();
    }

    private CustomerRetentionRate kpi() {
        return new CustomerRetentionRate(data.metrics(), Settings.DEFAULT);
    }

    private static List<Object> ids(KpiTable t) {
        return t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList();
    }

    @Test
    void newCustomersAreSubtracted() {
        // S (paying at Feb 1): 1, 2, 5, 6, 8, 10 = 6; E (paying at Mar 1): 1, 3, 4, 6, 8, 10, 11, 14 = 8;
        // N: 3, 4, 11, 14 = 4; (8 - 4) / 6 = 66.7, not 8 / 6 = 133
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(200.0 / 3, r.value(), 1e-9);
        assertEquals(4.0, r.numerator());
        assertEquals(6.0, r.denominator());
        assertEquals(6, r.sampleSize());
        assertEquals(6L, r.details().get("customersAtStart"));
        assertEquals(8L, r.details().get("customersAtEnd"));
        assertEquals(4L, r.details().get("newCustomers"));
        assertEquals(4L, r.details().get("retained"));
    }

    @Test
    void retentionAndChurnAddUpToAHundred() {
        // churned: 2 and 5 of 6 = 33.3; retained 66.7
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        long lost = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50)).rows().size();
        assertEquals(2, lost);
        assertEquals(100.0, r.value() + 100.0 * lost / r.denominator(), 1e-9);
    }

    @Test
    void periodIsHalfOpen() {
        KpiTable fresh = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("new", null, true, 50));
        // 4 (first instant) and 14 (last second) are new; 13 (first instant after) is not; 5 (ended at the first instant) is lost
        assertTrue(ids(fresh).containsAll(List.of(4L, 14L)));
        assertFalse(ids(fresh).contains(13L));
        assertTrue(ids(kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50))).contains(5L));
    }

    @Test
    void trialsAndFreePlansCountWhenAsked() {
        // S adds 7: 7; E adds 7 and 12: 10; N adds 12: 5; (10 - 5) / 7
        KpiResult r = new CustomerRetentionRate(data.metrics(), new Settings(false)).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(500.0 / 7, r.value(), 1e-9);
        assertEquals(7L, r.details().get("customersAtStart"));
        assertEquals(10L, r.details().get("customersAtEnd"));
        assertEquals(5L, r.details().get("newCustomers"));
    }

    @Test
    void nobodyAtTheStartIsNoDataEvenWithNewCustomers() {
        // January 2025: customers 5, 6, 8, 9, 10, 11 start on Jan 1, so nobody is active at its start
        KpiResult r = kpi().compute(query("2025-01-01", "2025-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no active customers at the start"), r.noDataReason());
        assertFalse(kpi().compute(query("2024-01-01", "2024-02-01")).hasValue());
    }

    @Test
    void everyoneStayingIsAHundred() {
        // March 2025: 5, 6, 8, 9, 10, 11 active throughout
        assertEquals(100.0, kpi().compute(query("2025-03-01", "2025-04-01")).value());
    }

    @Test
    void segment() {
        // pro (even ids): S = 2, 6, 8, 10; E = 4, 6, 8, 10, 14; N = 4, 14: (5 - 2) / 4
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(75.0, r.value(), 1e-9);
        assertEquals(4, r.sampleSize());
    }

    @Test
    void drillDown() {
        KpiTable lost = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50));
        // 2 (200.00), 5 (50.00)
        assertEquals(List.of(2L, 5L), ids(lost));
        assertEquals(200.0, lost.rows().get(0).get(lost.column("mrr_at_start")));
        assertEquals(0.0, lost.rows().get(0).get(lost.column("mrr_at_end")));
        assertEquals("Customer 2", lost.rows().get(0).get(lost.column("customer")));

        KpiTable retained = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("retained", null, true, 50));
        // MRR at the start: 10 (500.00), then 1, 6, 8 (100.00 each, by id)
        assertEquals(List.of(10L, 1L, 6L, 8L), ids(retained));
        assertEquals(100.0, retained.rows().get(0).get(retained.column("mrr_at_end")));

        KpiTable fresh = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("new", null, true, 50));
        // MRR at the end: 11 (110.00), 4 (40.00), 3 (30.00), 14 (14.00)
        assertEquals(List.of(11L, 4L, 3L, 14L), ids(fresh));

        KpiTable withTrials = new CustomerRetentionRate(data.metrics(), new Settings(false))
                .customers(query("2026-02-01", "2026-03-01"), new DrillDown("new", null, true, 50));
        assertEquals(List.of(11L, 4L, 3L, 14L, 12L), ids(withTrials));

        KpiTable pro = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "pro"), new DrillDown("retained", "customer_id", false, 2));
        assertEquals(List.of(6L, 8L), ids(pro));

        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("churned", null, true, 50)));
    }

    @Test
    void definitionStatesTheVariantInForce() {
        assertEquals(List.of("lost", "retained", "new"), kpi().definition().drillDowns());
        assertTrue(kpi().definition().formula().contains("paying subscription"));
        assertTrue(new CustomerRetentionRate(data.metrics(), new Settings(false)).definition().formula().contains("trials"));
    }
}
