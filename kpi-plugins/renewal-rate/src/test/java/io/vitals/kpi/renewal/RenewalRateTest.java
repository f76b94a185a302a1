package io.vitals.kpi.renewal;

import static io.vitals.model.DealKind.RENEWAL;
import static io.vitals.model.DealKind.UPSELL;
import static io.vitals.model.DealStage.LOST;
import static io.vitals.model.DealStage.OPEN;
import static io.vitals.model.DealStage.WON;
import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.vitals.kpi.renewal.RenewalRate.Basis;
import io.vitals.kpi.renewal.RenewalRate.Settings;
import io.vitals.testkit.Fixture;

class RenewalRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 5; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.deal(1L, RENEWAL, WON, 100_000, "2025-12-01", "2026-02-10")             // renewed 1,000.00
            .deal(2L, RENEWAL, WON, 50_000, "2025-12-01", "2026-02-01T00:00")        // decided at the first instant: in
            .deal(3L, RENEWAL, LOST, 200_000, "2025-12-01", "2026-02-28T23:59:59")   // lost in the last second: in
            .deal(4L, RENEWAL, LOST, 30_000, "2025-12-01", "2026-03-01")             // lost at the first instant of March: out
            .deal(5L, RENEWAL, OPEN, 70_000, "2025-12-01", "2026-02-20")             // due in February, undecided: pending
            .deal(1L, RENEWAL, OPEN, 40_000, "2025-12-01", null)                     // open without a due date: due in no period
            .deal(2L, UPSELL, WON, 500_000, "2025-12-01", "2026-02-15")              // not a renewal
            .deal(3L, RENEWAL, WON, 80_000, "2025-12-01", "2026-01-31T23:59:59")     // January's
            .deal(2L, RENEWAL, WON, 20_000, "2026-01-01", "2026-02-12")              // a second contract of customer 2
            .deal(null, RENEWAL, LOST, 30_000, "2026-01-01", "2026-02-05")           // no customer: counts for all customers
            .deal(4L, RENEWAL, OPEN, 10_000, "2026-03-01", "2026-04-15")             // April: only pending
            .deal(5L, RENEWAL, WON, 0, "2026-04-01", "2026-05-10");                  // May: renewed, but for nothing
    }

    @AfterEach
    void close() {
        data.close();
    }

    private RenewalRate kpi() {
        return new RenewalRate(data.metrics(), Settings.DEFAULT);
    }

    private RenewalRate byRevenue() {
        return new RenewalRate(data.metrics(), new Settings(Basis.REVENUE));
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void wonOverDecided() {
        // February: won 1,000 + 500 + 200 (3); lost 2,000 + 300 (2); pending 700 (1): 3 / 5
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(60.0, r.value(), 1e-9);
        assertEquals(3.0, r.numerator());
        assertEquals(5.0, r.denominator());
        assertEquals(5, r.sampleSize());
        assertEquals(3L, r.details().get("renewed"));
        assertEquals(2L, r.details().get("lost"));
        assertEquals(1L, r.details().get("pending"));
        assertEquals(1700.0, r.details().get("renewedAmount"));
        assertEquals(2300.0, r.details().get("lostAmount"));
    }

    @Test
    void byRevenueWeighsContractsByAmount() {
        // 1,700 / (1,700 + 2,300) = 42.5
        KpiResult r = byRevenue().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(42.5, r.value(), 1e-9);
        assertEquals(1700.0, r.numerator(), 1e-9);
        assertEquals(4000.0, r.denominator(), 1e-9);
        assertEquals(5, r.sampleSize());
    }

    @Test
    void periodIsHalfOpen() {
        // March: only customer 4's loss on Mar 1 is decided: 0 renewed of 1, a real zero
        KpiResult march = kpi().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(0.0, march.value());
        assertEquals(1, march.sampleSize());
        // January: the win in its last second
        assertEquals(100.0, kpi().compute(query("2026-01-01", "2026-02-01")).value());
    }

    @Test
    void pendingOnlyIsNoData() {
        KpiResult april = kpi().compute(query("2026-04-01", "2026-05-01"));
        assertFalse(april.hasValue());
        assertTrue(april.noDataReason().contains("no renewals decided") && april.noDataReason().contains("1 pending"),
                april.noDataReason());
        assertFalse(kpi().compute(query("2024-01-01", "2024-02-01")).hasValue());
    }

    @Test
    void revenueOfNothingIsNoData() {
        // May: one renewal won for 0.00: 100 by count, no amount to weigh by revenue
        assertEquals(100.0, kpi().compute(query("2026-05-01", "2026-06-01")).value());
        KpiResult r = byRevenue().compute(query("2026-05-01", "2026-06-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no amount"), r.noDataReason());
    }

    @Test
    void segment() {
        // starter (odd ids): 1 won 1,000; 3 lost 2,000; 5 pending: 1 of 2 (the deal without a customer is in no segment)
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "starter"));
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(1L, r.details().get("pending"));
        assertEquals(100.0 / 3, byRevenue().compute(query("2026-02-01", "2026-03-01", "plan", "starter")).value(), 1e-9);
    }

    @Test
    void drillDown() {
        KpiTable lost = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("lost", null, true, 50));
        // 3 (2,000.00), then the deal without a customer (300.00)
        assertEquals(2, lost.rows().size());
        assertEquals(3L, lost.rows().get(0).get(lost.column("customer_id")));
        assertNull(lost.rows().get(1).get(lost.column("customer_id")));
        assertEquals(2000.0, lost.rows().get(0).get(lost.column("amount")));
        assertEquals("2026-02-28", lost.rows().get(0).get(lost.column("due")));
        assertEquals("lost", lost.rows().get(0).get(lost.column("stage")));

        KpiTable renewed = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("renewed", null, true, 50));
        // one row per contract: 1 (1,000), 2 (500), 2 (200)
        assertEquals(List.of(1L, 2L, 2L), column(renewed, "customer_id"));
        assertEquals(List.of(1000.0, 500.0, 200.0), column(renewed, "amount"));

        KpiTable pending = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("pending", null, true, 50));
        assertEquals(List.of(5L), column(pending, "customer_id"));
        assertEquals(List.of("2026-02-20"), column(pending, "due"));
        assertEquals(List.of("open"), column(pending, "stage"));

        KpiTable starter = kpi().customers(query("2026-02-01", "2026-03-01", "plan", "starter"), new DrillDown("lost", null, true, 50));
        assertEquals(List.of(3L), column(starter, "customer_id"));

        KpiTable earliest = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("renewed", "due", false, 1));
        assertEquals(List.of(2L), column(earliest, "customer_id"));

        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("won", null, true, 50)));
    }

    @Test
    void definitionAndSettings() {
        assertEquals(List.of("lost", "renewed", "pending"), kpi().definition().drillDowns());
        assertTrue(kpi().definition().formula().startsWith("renewal deals won"));
        assertTrue(byRevenue().definition().formula().startsWith("amount of"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }
}
