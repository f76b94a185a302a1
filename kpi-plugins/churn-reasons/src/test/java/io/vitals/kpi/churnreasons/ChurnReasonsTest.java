package io.vitals.kpi.churnreasons;

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
import io.vitals.kpi.churnreasons.ChurnReasons.Settings;
import io.vitals.testkit.Fixture;

class ChurnReasonsTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-01-01", null)                    // stays
            .subscription(2, 20_000, "2025-01-01", "2026-02-15")            // churns: 200.00, too_expensive
            .subscription(3, 5_000, "2025-01-01", "2026-02-01")             // churns on Feb 1: 50.00
            .subscription(4, 8_000, "2025-01-01", "2026-02-20")             // churns: 80.00, its latest reason
            .subscription(5, 3_000, "2025-01-01", "2026-02-10")             // churns: 30.00, a blank reason
            .subscription(6, 7_000, "2025-01-01", "2026-02-25")             // churns: 70.00, cancelled only after the period
            .subscription(7, 4_000, "2025-01-01", "2026-02-12")             // churns: 40.00, cancelled 123 days before Feb 1
            .subscription(8, 9_000, "2025-01-01", null)                     // cancelled, yet still paying: no churn
            .subscription(9, 6_000, "2025-01-01", "2026-02-10")             // downgrades: no churn
            .subscription(9, 2_000, "2026-02-10", null)
            .subscription(10, 9_000, "2026-02-05", "2026-02-20");           // new in February: not paying at the start
        data.cancellation(2, "2026-02-10", "too_expensive")
            .cancellation(3, "2025-11-20", "switched_service")              // 73 days before Feb 1: within 90
            .cancellation(3, "2025-06-01", "missing_features")              // older, and outside the window
            .cancellation(4, "2026-01-15", "too_expensive")
            .cancellation(4, "2026-02-18", "missing_features")              // the latest wins
            .cancellation(5, "2026-02-09", "  ")
            .cancellation(6, "2026-03-01", "low_quality")                   // the period's end: out
            .cancellation(7, "2025-10-01", "unused")
            .cancellation(8, "2026-02-05", "too_expensive")
            .cancellation(10, "2026-02-19", "too_expensive");
    }

    @AfterEach
    void close() {
        data.close();
    }

    private ChurnReasons kpi() {
        return new ChurnReasons(data.metrics(), Settings.DEFAULT);
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void churnedMrrToldByReason() {
        // churned: 2 (200), 3 (50), 4 (80), 5 (30), 6 (70), 7 (40) = 470.00; 1..9 paying at the start
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(470.0, r.value(), 1e-9);
        assertEquals(9, r.sampleSize());
        assertEquals(6L, r.details().get("churnedCustomers"));
        assertEquals(3L, r.details().get("withReason"));
        KpiTable reasons = r.table("reasons").orElseThrow();
        assertEquals(List.of("too_expensive", ChurnReasons.NO_REASON, "missing_features", "switched_service"), column(reasons, "reason"));
        assertEquals(List.of(1L, 3L, 1L, 1L), column(reasons, "customers"));
        assertEquals(List.of(200.0, 140.0, 80.0, 50.0), column(reasons, "mrr"));
        List<Object> shares = column(reasons, "share");
        assertEquals(100.0 * 200 / 470, (Double) shares.get(0), 1e-9);
        assertEquals(100.0 * 140 / 470, (Double) shares.get(1), 1e-9);
        assertEquals(100.0 * 80 / 470, (Double) shares.get(2), 1e-9);
        assertEquals(100.0 * 50 / 470, (Double) shares.get(3), 1e-9);
    }

    @Test
    void aLongerLookbackFindsOlderReasons() {
        // 180 days before Feb 1 is 2025-08-05: 7's cancellation of 2025-10-01 counts, 3's of June still does not
        KpiResult r = new ChurnReasons(data.metrics(), new Settings(180)).compute(query("2026-02-01", "2026-03-01"));
        KpiTable reasons = r.table("reasons").orElseThrow();
        assertEquals(List.of("too_expensive", ChurnReasons.NO_REASON, "missing_features", "switched_service", "unused"),
                column(reasons, "reason"));
        assertEquals(List.of(200.0, 100.0, 80.0, 50.0, 40.0), column(reasons, "mrr"));
        assertEquals(4L, r.details().get("withReason"));
        assertTrue(new ChurnReasons(data.metrics(), new Settings(180)).definition().formula().contains("at most 180 days"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(-1));
    }

    @Test
    void segment() {
        // pro (even ids) at the start: 2, 4, 6, 8; churned 2 (200, too_expensive), 4 (80, missing_features), 6 (70, none)
        KpiResult r = kpi().compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(350.0, r.value(), 1e-9);
        assertEquals(4, r.sampleSize());
        assertEquals(List.of("too_expensive", "missing_features", ChurnReasons.NO_REASON),
                column(r.table("reasons").orElseThrow(), "reason"));
    }

    @Test
    void nothingLostIsZeroAndNobodyPayingIsNoData() {
        KpiResult quiet = kpi().compute(query("2025-07-01", "2025-08-01"));
        assertEquals(0.0, quiet.value());
        assertEquals(9, quiet.sampleSize());
        assertEquals(List.of(), quiet.table("reasons").orElseThrow().rows());
        KpiResult none = kpi().compute(query("2024-06-01", "2024-07-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no paying customers"), none.noDataReason());
    }

    @Test
    void drillDown() {
        KpiTable churned = kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("churned", null, true, 50));
        assertEquals(List.of(2L, 4L, 6L, 3L, 7L, 5L), column(churned, "customer_id"));
        assertEquals(List.of("too_expensive", "missing_features", ChurnReasons.NO_REASON, "switched_service", ChurnReasons.NO_REASON,
                ChurnReasons.NO_REASON), column(churned, "reason"));
        assertEquals(List.of(200.0, 80.0, 70.0, 50.0, 40.0, 30.0), column(churned, "mrr_lost"));
        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-02-01", "2026-03-01"), new DrillDown("kept", null, true, 50)));
    }

    @Test
    void definitionDeclaresWhatItReads() {
        assertEquals(List.of("subscriptions", "cancellations"), kpi().definition().dataNeeded());
        assertEquals(List.of("churned"), kpi().definition().drillDowns());
    }
}
