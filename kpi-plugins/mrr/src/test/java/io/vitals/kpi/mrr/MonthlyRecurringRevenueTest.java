package io.vitals.kpi.mrr;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import io.vitals.model.BillingInterval;
import io.vitals.testkit.Fixture;

class MonthlyRecurringRevenueTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01");
        }
        data.subscription(1, 10_000, "2025-06-01", null)                                      // steady 100.00
            .subscription(2, BillingInterval.YEAR, 1, 1, 120_000, "2025-09-01", null)         // 1,200.00 a year: 100.00
            .subscription(3, 5_000, "2026-03-10", null)                                       // new 50.00
            .subscription(4, 3_000, "2025-01-01", "2026-03-20")                               // churn 30.00
            .subscription(5, 2_000, "2025-01-01", "2026-03-15")                               // expansion 20.00 ->
            .subscription(5, 4_500, "2026-03-15", null)                                       //   45.00: +25.00
            .subscription(6, 8_000, "2025-01-01", "2026-03-05")                               // contraction 80.00 ->
            .subscription(6, 6_000, "2026-03-05", null)                                       //   60.00: -20.00
            .subscription(7, 1_500, "2025-01-01", "2025-12-01")                               // left in December,
            .subscription(7, 1_500, "2026-03-12", null)                                       //   back in March: reactivation 15.00
            .subscription(8, 0, "2026-03-01", null)                                           // trial: no MRR
            .subscription(9, BillingInterval.QUARTER, 1, 2, 30_000, "2025-11-01", null)       // 2 seats x 300.00 a quarter: 200.00
            .subscription(10, 700, "2025-01-01", "2026-04-01");                               // ends at the period's end: still in it
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void endMrrAndMovementsReconcile() {
        KpiResult r = new MonthlyRecurringRevenue(data.metrics()).compute(query("2026-03-01", "2026-04-01"));
        // start: 100 + 100 + 30 + 20 + 80 + 200 + 7 = 537; end: 100 + 100 + 50 + 45 + 60 + 15 + 200 + 7 = 577
        assertEquals(577.0, r.value());
        Map<String, Object> d = r.details();
        assertEquals(537.0, d.get("startMrr"));
        assertEquals(50.0, d.get("new"));
        assertEquals(25.0, d.get("expansion"));
        assertEquals(15.0, d.get("reactivation"));
        assertEquals(20.0, d.get("contraction"));
        assertEquals(30.0, d.get("churn"));
        assertEquals(40.0, d.get("netNew"));
        assertEquals(8L, d.get("payingCustomers"));
    }

    @Test
    void monthsChainExactly() {
        KpiSeries s = new MonthlyRecurringRevenue(data.metrics()).series(query("2025-10-01", "2026-05-01"), Grain.MONTH);
        for (int i = 1; i < s.points().size(); i++) {
            Map<String, Object> previous = s.points().get(i - 1).result().details();
            Map<String, Object> current = s.points().get(i).result().details();
            assertEquals(previous.get("endMrr"), current.get("startMrr"), "month " + s.points().get(i).period());
            double moved = (double) current.get("startMrr") + (double) current.get("new") + (double) current.get("expansion")
                    + (double) current.get("reactivation") - (double) current.get("contraction") - (double) current.get("churn");
            assertEquals((double) current.get("endMrr"), moved, 1e-9);
        }
        // April: customer 10's subscription ended on Apr 1, which is churn of April
        assertEquals(7.0, s.points().get(6).result().details().get("churn"));
    }

    @Test
    void nothingPayingIsNoData() {
        assertFalse(new MonthlyRecurringRevenue(data.metrics()).compute(query("2024-01-01", "2024-02-01")).hasValue());
    }

    private KpiTable drill(String subset) {
        return new MonthlyRecurringRevenue(data.metrics()).customers(query("2026-03-01", "2026-04-01"),
                new DrillDown(subset, null, true, 50));
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void movementsTableAddsUpFromStartToEnd() {
        KpiTable t = new MonthlyRecurringRevenue(data.metrics()).compute(query("2026-03-01", "2026-04-01")).table("movements").orElseThrow();
        assertEquals(List.of("movement", "mrr", "customers"), t.columns().stream().map(KpiTable.Column::name).toList());
        // start 537 over 1, 2, 4, 5, 6, 9, 10; new 3; expansion 5; reactivation 7; contraction 6; churn 4;
        // end 577 over 1, 2, 3, 5, 6, 7, 9, 10 (8 on a trial is in none)
        assertEquals(List.of(
                List.of("start", 537.0, 7L),
                List.of("new", 50.0, 1L),
                List.of("expansion", 25.0, 1L),
                List.of("reactivation", 15.0, 1L),
                List.of("contraction", -20.0, 1L),
                List.of("churn", -30.0, 1L),
                List.of("end", 577.0, 8L)), t.rows());
        // a month without movements has zeros, not minus zeros: October 2025 (9 joined on Nov 1)
        KpiTable quiet = new MonthlyRecurringRevenue(data.metrics()).compute(query("2025-10-01", "2025-11-01")).table("movements").orElseThrow();
        assertEquals(List.of("contraction", 0.0, 0L), quiet.rows().get(4));
        assertEquals(List.of("churn", 0.0, 0L), quiet.rows().get(5));
    }

    @Test
    void drillDownListsTheCustomersOfAMovement() {
        KpiTable churn = drill("churn");
        assertEquals(List.of(4L), column(churn, "customer_id"));
        assertEquals(30.0, churn.rows().get(0).get(churn.column("mrr_before")));
        assertEquals(0.0, churn.rows().get(0).get(churn.column("mrr_after")));
        assertEquals(-30.0, churn.rows().get(0).get(churn.column("change")));
        assertEquals(List.of(3L), column(drill("new"), "customer_id"));
        assertEquals(List.of(25.0), column(drill("expansion"), "change"));
        assertEquals(List.of(7L), column(drill("reactivation"), "customer_id"));
        KpiTable contraction = drill("contraction");
        assertEquals(List.of(6L), column(contraction, "customer_id"));
        assertEquals(List.of(80.0), column(contraction, "mrr_before"));
        assertEquals(List.of(60.0), column(contraction, "mrr_after"));
        // April: 10's span ended on Apr 1
        KpiTable april = new MonthlyRecurringRevenue(data.metrics()).customers(query("2026-04-01", "2026-05-01"),
                new DrillDown("churn", null, true, 50));
        assertEquals(List.of(10L), column(april, "customer_id"));
        assertEquals(List.of("churn", "new", "expansion", "reactivation", "contraction"),
                new MonthlyRecurringRevenue(data.metrics()).definition().drillDowns());
        assertThrows(InvalidQueryException.class, () -> drill("downgrades"));
    }

    @Test
    void drillDownOrdersByTheSizeOfTheChange() {
        data.customer(11, "2025-01-01").customer(12, "2025-01-01")
            .subscription(11, 1_000, "2026-03-02", null)     // new 10.00
            .subscription(12, 30_000, "2026-03-03", null);   // new 300.00
        // new in March, largest first: 12 (300), 3 (50), 11 (10)
        assertEquals(List.of(12L, 3L, 11L), column(drill("new"), "customer_id"));
        KpiTable smallest = new MonthlyRecurringRevenue(data.metrics()).customers(query("2026-03-01", "2026-04-01"),
                new DrillDown("new", "change", false, 2));
        assertEquals(List.of(10.0, 50.0), column(smallest, "change"));
    }
}
