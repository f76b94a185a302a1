package io.vitals.kpi.revenuechurn;

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
import io.vitals.kpi.revenuechurn.RevenueChurnRate.Settings;
import io.vitals.testkit.Fixture;

class RevenueChurnRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 14; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", id == 9 ? "NA" : "EMEA", "alice", Map.of());
        }
        data.subscription(1, 39_500, "2025-06-01", null)                  // steady 395.00
            .subscription(2, 20_000, "2025-01-01", "2026-02-15")          // churns mid-February: lost 200.00
            .subscription(3, 5_000, "2026-02-10", null)                   // new: no start MRR, never counts
            .subscription(4, 8_000, "2025-01-01", "2026-02-05")           // downgrades 80.00 ->
            .subscription(4, 6_000, "2026-02-05", null)                   //   60.00: contraction 20.00
            .subscription(5, 3_000, "2025-01-01", "2026-02-01")           // ends on Feb 1: paying at the start, churn of February: 30.00
            .subscription(6, 4_000, "2025-01-01", "2026-03-01")           // ends on Mar 1: still paying at the end
            .subscription(7, 2_000, "2025-01-01", "2026-02-20")           // upgrades 20.00 ->
            .subscription(7, 5_000, "2026-02-20", null)                   //   50.00: expansion offsets nothing, loses nothing
            .subscription(8, 1_500, "2025-01-01", "2025-12-01")           // left in December (churn of December),
            .subscription(8, 1_500, "2026-02-12", null)                   //   back in February: reactivated, not counted
            .subscription(9, 0, "2025-12-01", null)                       // trial: no MRR
            .subscription(10, 5_000, "2025-01-01", null)                  // two seats 50.00 +
            .subscription(10, 2_500, "2025-01-01", "2026-02-10")          //   25.00, one dropped: contraction 25.00
            .subscription(11, 10_000, "2025-01-01", "2026-02-28T23:59:59") // ends in the last second of February: lost 100.00
            .subscription(12, 1_000, "2026-02-01", null)                  // starts on the first instant of February: new
            .subscription(14, 6_000, "2025-01-01", "2026-02-03")          // leaves and
            .subscription(14, 6_000, "2026-02-18", null);                 //   comes back within February: nothing lost
    }

    @AfterEach
    void close() {
        data.close();
    }

    private RevenueChurnRate kpi() {
        return new RevenueChurnRate(data.metrics(), Settings.DEFAULT);
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void churnedPlusContractionOverStartMrr() {
        // start MRR: 395 + 200 + 80 + 30 + 40 + 20 + 75 + 100 + 60 = 1000 over customers 1, 2, 4, 5, 6, 7, 10, 11, 14
        // churned: 2 (200) + 5 (30) + 11 (100) = 330; contraction: 4 (20) + 10 (25) = 45; (330 + 45) / 1000 = 37.5
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(37.5, r.value(), 1e-9);
        assertEquals(375.0, r.numerator(), 1e-9);
        assertEquals(1000.0, r.denominator(), 1e-9);
        assertEquals(9, r.sampleSize());
        assertEquals(1000.0, r.details().get("startMrr"));
        assertEquals(330.0, r.details().get("churnedMrr"));
        assertEquals(45.0, r.details().get("contractionMrr"));
    }

    @Test
    void churnedOnlyWhenContractionIsLeftOut() {
        // 330 / 1000; contraction is still reported
        KpiResult r = new RevenueChurnRate(data.metrics(), new Settings(false)).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(33.0, r.value(), 1e-9);
        assertEquals(330.0, r.numerator(), 1e-9);
        assertEquals(45.0, r.details().get("contractionMrr"));
    }

    @Test
    void periodIsHalfOpen() {
        KpiTable churned = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("churned", null, true, 50));
        // 5 ended at the first instant (paying at the start, then gone): in; 11 ended at the last second: in;
        // 6 ends at the first instant after the period: still paying at the end, out; 12 started at the first instant: not at the start
        assertEquals(List.of(2L, 11L, 5L), column(churned, "customer_id"));
        // December: 8's span ends on Dec 1, so 8 is paying at the start of December and churns in it: 15 / (1000 + 15)
        KpiResult december = kpi().compute(query("2025-12-01", "2026-01-01"));
        assertEquals(100.0 * 15 / 1015, december.value(), 1e-9);
        assertEquals(10, december.sampleSize());
    }

    @Test
    void nothingLostIsZeroNotNoData() {
        // January 2026: the same nine customers at the start and at the end
        KpiResult r = kpi().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.0, r.value());
        assertEquals(9, r.sampleSize());
    }

    @Test
    void noStartMrrIsNoData() {
        KpiResult before = kpi().compute(query("2024-06-01", "2024-07-01"));
        assertFalse(before.hasValue());
        assertTrue(before.noDataReason().contains("no MRR at the start"), before.noDataReason());
        // region NA holds only customer 9, on a trial: zero MRR at the start is no data, not 0
        assertFalse(kpi().compute(query("2026-02-01", "2026-03-01", "region", "NA")).hasValue());
    }

    @Test
    void newAndReactivatedCustomersDoNotOffsetChurn() {
        // customers 3, 8 and 12 add 50 + 15 + 10 at the end, which a net figure would subtract; gross churn ignores them
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(37.5, r.value(), 1e-9);
    }

    @Test
    void segment() {
        // pro (even ids) at the start: 2 (200), 4 (80), 6 (40), 10 (75), 14 (60) = 455; lost 200 + 20 + 25 = 245
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(100.0 * 245 / 455, r.value(), 1e-9);
        assertEquals(5, r.sampleSize());
    }

    @Test
    void drillDownListsTheLostRevenueLargestFirst() {
        KpiTable lost = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50));
        // 2 (200), 11 (100), 5 (30), 10 (25), 4 (20)
        assertEquals(List.of(2L, 11L, 5L, 10L, 4L), column(lost, "customer_id"));
        assertEquals(List.of(200.0, 100.0, 30.0, 25.0, 20.0), column(lost, "lost"));
        List<Object> ten = lost.rows().get(3);
        assertEquals(75.0, ten.get(lost.column("mrr_before")));
        assertEquals(50.0, ten.get(lost.column("mrr_after")));
        assertEquals("Customer 10", ten.get(lost.column("customer")));
        assertEquals(0.0, lost.rows().get(0).get(lost.column("mrr_after")));

        KpiTable contracted = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("contracted", null, true, 50));
        assertEquals(List.of(10L, 4L), column(contracted, "customer_id"));

        // without contraction, "lost" is the churned customers only
        KpiTable churnedOnly = new RevenueChurnRate(data.metrics(), new Settings(false))
                .customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50));
        assertEquals(List.of(2L, 11L, 5L), column(churnedOnly, "customer_id"));

        KpiTable pro = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "pro"), new DrillDown("lost", null, true, 50));
        assertEquals(List.of(2L, 10L, 4L), column(pro, "customer_id"));

        KpiTable smallest = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", "mrr_before", false, 2));
        // mrr_before ascending: 5 (30), 10 (75), then 4 (80) beyond the limit
        assertEquals(List.of(5L, 10L), column(smallest, "customer_id"));

        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("expanded", null, true, 50)));
    }

    @Test
    void definitionStatesTheVariantInForce() {
        KpiDefinition d = kpi().definition();
        assertEquals(List.of("lost", "churned", "contracted"), d.drillDowns());
        assertTrue(d.formula().contains("downgrades"), d.formula());
        KpiDefinition churnedOnly = new RevenueChurnRate(data.metrics(), new Settings(false)).definition();
        assertFalse(churnedOnly.formula().contains("downgrades"), churnedOnly.formula());
        assertEquals("false", churnedOnly.parameters().get(0).value());
        assertEquals("true", churnedOnly.parameters().get(0).defaultValue());
    }
}
