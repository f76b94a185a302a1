package io.vitals.kpi.nrr;

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

class NetRevenueRetentionTest {

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

    private NetRevenueRetention kpi() {
        return new NetRevenueRetention(data.metrics());
    }

    @Test
    void retainedRevenueOfTheCustomersAtTheStart() {
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        // at the start: 1: 100, 2: 200, 3: 100, 4: 100, 6: 100, 9: 40, 10: 50 = 690 (7 customers)
        // at the end, the same customers: 150 + 300 + 100 + 50 + 0 + 40 + 30 = 670 = 690 + 150 - 70 - 100
        assertEquals(670.0 / 690 * 100, r.value(), 1e-9);
        assertEquals(670.0, r.numerator());
        assertEquals(690.0, r.denominator());
        assertEquals(7, r.sampleSize());
        Map<String, Object> d = r.details();
        assertEquals(690.0, d.get("startMrr"));
        assertEquals(150.0, d.get("expansion"));
        assertEquals(70.0, d.get("contraction"));
        assertEquals(100.0, d.get("churn"));
        assertEquals(7L, d.get("customersAtStart"));
    }

    @Test
    void canExceedOneHundred() {
        // March, at the start: 1: 150, 2: 300, 3: 100, 4: 50, 5: 100, 7: 80, 9: 40 (its span ends on Mar 1), 10: 30 = 850
        // at the end: 150 + 300 + 500 + 50 + 100 + 80 + 0 + 30 = 1210
        KpiResult r = kpi().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(1210.0 / 850 * 100, r.value(), 1e-9);
        assertTrue(r.value() > 100);
        assertEquals(400.0, r.details().get("expansion"));
        assertEquals(40.0, r.details().get("churn"));
    }

    @Test
    void newAndReactivatedCustomersAreExcluded() {
        // customers 5 (new, 100) and 7 (back, 80) pay at the end of February but were not at its start
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(670.0, r.numerator());
        // June 2025: every span starts on Jun 1, so nobody was paying at its start: no data, not 0
        KpiResult june = kpi().compute(query("2025-06-01", "2025-07-01"));
        assertFalse(june.hasValue());
        assertTrue(june.noDataReason().contains("no MRR at the start of 2025-06-01..2025-07-01 for all customers"),
                june.noDataReason());
    }

    @Test
    void nothingChangedIsOneHundred() {
        assertEquals(100.0, kpi().compute(query("2025-08-01", "2025-09-01")).value());
    }

    @Test
    void halfOpenBoundaries() {
        // one day, Feb 28: customer 9's span ends on Mar 1 and still counts at the end; 3's rise on Mar 1 does not
        KpiResult lastDay = kpi().compute(query("2026-02-28", "2026-03-01"));
        assertEquals(100.0, lastDay.value());
        // one day, Mar 1: 9 is gone and 3 has risen by the end of it
        KpiResult firstDay = kpi().compute(query("2026-03-01", "2026-03-02"));
        assertEquals(1210.0 / 850 * 100, firstDay.value(), 1e-9);
    }

    @Test
    void segment() {
        // pro = odd ids; at the start of February: 1: 100, 3: 100, 9: 40 = 240; at the end 150 + 100 + 40 = 290
        KpiResult pro = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(290.0 / 240 * 100, pro.value(), 1e-9);
        assertEquals(3L, pro.details().get("customersAtStart"));
    }

    @Test
    void drillDownListsTheChangesBiggestLossFirst() {
        KpiTable t = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("changed", null, true, 50));
        // 3 and 9 did not change; 5 and 7 were not there at the start
        assertEquals(List.of(6L, 4L, 10L, 1L, 2L), t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList());
        assertEquals(List.of(-100.0, -50.0, -20.0, 50.0, 100.0), t.rows().stream().map(r -> r.get(t.column("change"))).toList());
        assertEquals(List.of(100.0, 100.0, 50.0, 100.0, 200.0), t.rows().stream().map(r -> r.get(t.column("mrr_before"))).toList());
        assertEquals(List.of(0.0, 50.0, 30.0, 150.0, 300.0), t.rows().stream().map(r -> r.get(t.column("mrr_after"))).toList());

        KpiTable gains = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "starter"),
                new DrillDown("changed", "change", true, 1));
        assertEquals(List.of(2L), gains.rows().stream().map(r -> r.get(gains.column("customer_id"))).toList());
        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 5)));
    }
}
