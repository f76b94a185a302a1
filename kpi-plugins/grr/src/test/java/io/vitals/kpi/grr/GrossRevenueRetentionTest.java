package io.vitals.kpi.grr;

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
import io.vitals.testkit.Fixture;

class GrossRevenueRetentionTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", "2026-02-10")     // 100 ->
            .subscription(1, 15_000, "2026-02-10", null)             //   150: expansion 50
            .subscription(2, 20_000, "2025-06-01", "2026-02-01")     // 200, covering the start ->
            .subscription(2, 30_000, "2026-02-01", null)             //   300 from the first instant: expansion 100
            .subscription(3, 10_000, "2025-06-01", "2026-03-01")     // 100 through February ->
            .subscription(3, 50_000, "2026-03-01", null)             //   500 from March
            .subscription(4, 10_000, "2025-06-01", "2026-02-15")     // 100 ->
            .subscription(4, 5_000, "2026-02-15", null)              //   50: contraction 50
            .subscription(5, 10_000, "2026-02-05", null)             // new in February: excluded
            .subscription(6, 10_000, "2025-06-01", "2026-02-20")     // churns: 100
            .subscription(7, 8_000, "2025-06-01", "2025-12-01")      // left in December,
            .subscription(7, 8_000, "2026-02-10", null)              //   reactivated in February: excluded
            .subscription(8, 0, "2025-06-01", null)                  // trial: never paying
            .subscription(9, 4_000, "2025-06-01", "2026-03-01")      // ends at the period's end: still 40 at the end
            .subscription(10, 3_000, "2025-06-01", null)             // two spans at once: 30 +
            .subscription(10, 2_000, "2025-06-01", "2026-02-15");    //   20 until mid-February: contraction 20
    }

    @AfterEach
    void close() {
        data.close();
    }

    private GrossRevenueRetention kpi() {
        return new GrossRevenueRetention(data.metrics());
    }

    @Test
    void keptRevenueOfTheCustomersAtTheStart() {
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        // at the start: 1: 100, 2: 200, 3: 100, 4: 100, 6: 100, 9: 40, 10: 50 = 690 (7 customers)
        // kept, min(start, end): 100 + 200 + 100 + 50 + 0 + 40 + 30 = 520 = 690 - 70 contraction - 100 churn
        assertEquals(520.0 / 690 * 100, r.value(), 1e-9);
        assertEquals(520.0, r.numerator());
        assertEquals(690.0, r.denominator());
        assertEquals(7, r.sampleSize());
        Map<String, Object> d = r.details();
        assertEquals(690.0, d.get("startMrr"));
        assertEquals(70.0, d.get("contraction"));
        assertEquals(100.0, d.get("churn"));
    }

    @Test
    void expansionNeverHidesLosses() {
        // pro in March, at the start: 1: 150, 3: 100, 5: 100, 7: 80, 9: 40 = 470; 3 grows to 500, 9 churns
        // NRR would be 830 / 470 = 177 %; GRR keeps 150 + 100 + 100 + 80 + 0 = 430
        KpiResult r = kpi().compute(query("2026-03-01", "2026-04-01", "plan", "pro"));
        assertEquals(430.0 / 470 * 100, r.value(), 1e-9);
        assertEquals(40.0, r.details().get("churn"));
        // all customers in March: 850 at the start, min kept 810: still below 100 though NRR is 142
        KpiResult all = kpi().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(810.0 / 850 * 100, all.value(), 1e-9);
    }

    @Test
    void newAndReactivatedCustomersAreExcludedAndNoStartMrrIsNoData() {
        // 5 (new) and 7 (reactivated) are not in February's 690
        assertEquals(690.0, kpi().compute(query("2026-02-01", "2026-03-01")).denominator());
        KpiResult june = kpi().compute(query("2025-06-01", "2025-07-01"));
        assertFalse(june.hasValue());
        assertTrue(june.noDataReason().contains("no MRR at the start of 2025-06-01..2025-07-01 for all customers"),
                june.noDataReason());
    }

    @Test
    void nothingLostIsOneHundred() {
        assertEquals(100.0, kpi().compute(query("2025-08-01", "2025-09-01")).value());
        // starter in March: 2, 4 and 10 stay as they are
        assertEquals(100.0, kpi().compute(query("2026-03-01", "2026-04-01", "plan", "starter")).value());
    }

    @Test
    void halfOpenBoundaries() {
        // Feb 28: customer 9's span ends on Mar 1, so it is still paying at the end of that day
        assertEquals(100.0, kpi().compute(query("2026-02-28", "2026-03-01")).value());
        // Mar 1: at its end 9 is gone (40 of 850)
        assertEquals(810.0 / 850 * 100, kpi().compute(query("2026-03-01", "2026-03-02")).value(), 1e-9);
    }

    @Test
    void drillDownListsTheLossesBiggestFirst() {
        KpiTable t = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50));
        assertEquals(List.of(6L, 4L, 10L), t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList());
        assertEquals(List.of(100.0, 50.0, 20.0), t.rows().stream().map(r -> r.get(t.column("lost"))).toList());
        assertEquals(List.of(100.0, 100.0, 50.0), t.rows().stream().map(r -> r.get(t.column("mrr_before"))).toList());
        assertEquals(List.of(0.0, 50.0, 30.0), t.rows().stream().map(r -> r.get(t.column("mrr_after"))).toList());

        KpiTable smallest = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "starter"),
                new DrillDown("lost", "lost", false, 2));
        assertEquals(List.of(10L, 4L), smallest.rows().stream().map(r -> r.get(smallest.column("customer_id"))).toList());
        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("changed", null, true, 5)));
    }
}
