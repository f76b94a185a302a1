package io.vitals.kpi.mrr;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
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
}
