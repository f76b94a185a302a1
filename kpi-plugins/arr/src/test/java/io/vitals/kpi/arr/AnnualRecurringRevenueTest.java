package io.vitals.kpi.arr;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.model.BillingInterval;
import io.vitals.testkit.Fixture;

class AnnualRecurringRevenueTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id <= 5 ? "pro" : "starter", "EMEA", "alice",
                    id == 4 ? Map.of("tier", "gold") : Map.of("tier", "silver"));
        }
        data.subscription(1, 10_000, "2025-06-01", null)                                      // steady 100.00 a month
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

    private AnnualRecurringRevenue kpi() {
        return new AnnualRecurringRevenue(data.metrics());
    }

    @Test
    void endMrrTimesTwelveWithAnnualisedMovements() {
        KpiResult r = kpi().compute(query("2026-03-01", "2026-04-01"));
        // MRR at the start: 100 + 100 + 30 + 20 + 80 + 200 + 7 = 537; at the end: 100 + 100 + 50 + 45 + 60 + 15 + 200 + 7 = 577
        assertEquals(577.0 * 12, r.value());
        assertEquals(8, r.sampleSize());
        Map<String, Object> d = r.details();
        assertEquals(537.0 * 12, d.get("startArr"));
        assertEquals(50.0 * 12, d.get("new"));
        assertEquals(25.0 * 12, d.get("expansion"));
        assertEquals(15.0 * 12, d.get("reactivation"));
        assertEquals(20.0 * 12, d.get("contraction"));
        assertEquals(30.0 * 12, d.get("churn"));
        assertEquals(40.0 * 12, d.get("netNew"));
        assertEquals(577.0 * 12, d.get("endArr"));
        assertEquals(8L, d.get("payingCustomers"));
    }

    @Test
    void movementsTable() {
        KpiTable t = kpi().compute(query("2026-03-01", "2026-04-01")).table("movements").orElseThrow();
        assertEquals(List.of("movement", "arr", "customers"), t.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(Unit.CURRENCY, t.columns().get(1).unit());
        assertEquals(Unit.COUNT, t.columns().get(2).unit());
        // start: 1, 2, 4, 5, 6, 9, 10 = 7; new 3; expansion 5; reactivation 7; contraction 6; churn 4; end 8 customers
        assertEquals(List.of(
                List.of("start", 6444.0, 7L),
                List.of("new", 600.0, 1L),
                List.of("expansion", 300.0, 1L),
                List.of("reactivation", 180.0, 1L),
                List.of("contraction", -240.0, 1L),
                List.of("churn", -360.0, 1L),
                List.of("end", 6924.0, 8L)), t.rows());
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += (double) t.rows().get(i).get(1);
        }
        assertEquals((double) t.rows().get(6).get(1), sum, 1e-9, "start plus the signed movements is the end");
    }

    @Test
    void boundariesAreHalfOpen() {
        // April: customer 10's span ended on Apr 1, which covers the start of April and is April's churn
        KpiResult april = kpi().compute(query("2026-04-01", "2026-05-01"));
        assertEquals(7.0 * 12, april.details().get("churn"));
        assertEquals(570.0 * 12, april.value());
        // a quiet month has no movements; zero losses are 0.0, not -0.0
        KpiTable quiet = kpi().compute(query("2025-10-01", "2025-11-01")).table("movements").orElseThrow();
        assertEquals(List.of("contraction", 0.0, 0L), quiet.rows().get(4));
    }

    @Test
    void monthsChainExactly() {
        KpiSeries s = kpi().series(query("2025-10-01", "2026-05-01"), Grain.MONTH);
        for (int i = 1; i < s.points().size(); i++) {
            assertEquals(s.points().get(i - 1).result().details().get("endArr"), s.points().get(i).result().details().get("startArr"));
        }
    }

    @Test
    void nobodyPayingIsNoData() {
        KpiResult r = kpi().compute(query("2024-01-01", "2024-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no paying subscriptions at the start or end of 2024-01-01..2024-02-01"),
                r.noDataReason());
    }

    @Test
    void churnedToNothingIsZeroNotNoData() {
        // tier=gold is customer 4 alone: 30.00 a month at the start of March, gone by its end
        KpiResult march = kpi().compute(query("2026-03-01", "2026-04-01", "tier", "gold"));
        assertEquals(0.0, march.value());
        assertEquals(360.0, march.details().get("churn"));
        assertEquals(0L, march.details().get("payingCustomers"));
        // April: paying at neither end
        assertFalse(kpi().compute(query("2026-04-01", "2026-05-01", "tier", "gold")).hasValue());
    }

    @Test
    void segment() {
        // pro (1-5) in March: start 100 + 100 + 30 + 20 = 250; end 100 + 100 + 50 + 45 = 295
        KpiResult pro = kpi().compute(query("2026-03-01", "2026-04-01", "plan", "pro"));
        assertEquals(295.0 * 12, pro.value());
        assertEquals(250.0 * 12, pro.details().get("startArr"));
        assertEquals(4L, pro.details().get("payingCustomers"));
    }
}
