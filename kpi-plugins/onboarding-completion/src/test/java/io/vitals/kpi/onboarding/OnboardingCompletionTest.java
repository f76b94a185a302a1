package io.vitals.kpi.onboarding;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.onboarding.OnboardingCompletion.Settings;
import io.vitals.testkit.Fixture;

class OnboardingCompletionTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 9; id++) {
            data.customer(id, "2025-06-01", id % 2 == 0 ? "starter" : "pro", "EMEA", "alice", Map.of());
        }
        data.milestone(1, "started", "2026-01-01T00:00")      // first instant: a January starter
            .milestone(1, "completed", "2026-01-10")          // 9 days
            .milestone(2, "started", "2026-01-05")
            .milestone(2, "completed", "2026-03-01")          // after the period, 55 days: completed by now
            .milestone(3, "started", "2026-01-31T23:59:59")   // last second: in; never completes
            .milestone(4, "started", "2026-02-01T00:00")      // the period end: a February starter
            .milestone(5, "started", "2025-12-31T23:59:59")   // December
            .milestone(6, "started", "2025-12-20")            // a December starter...
            .milestone(6, "started", "2026-01-08")            // ...that restarted in January: still December's
            .milestone(6, "completed", "2026-01-09")
            .milestone(7, "completed", "2026-01-11")          // a completion before its start does not count
            .milestone(7, "started", "2026-01-12")
            .milestone(7, "connected_data", "2026-01-13")     // a step in between is not completion
            .milestone(8, "started", "2026-01-15")
            .milestone(8, "completed", "2026-02-14T00:00")    // exactly 30 days
            .milestone(9, "started", "2026-01-15")
            .milestone(9, "completed", "2026-02-14T00:00:01"); // 30 days and a second
    }

    @AfterEach
    void close() {
        data.close();
    }

    private OnboardingCompletion onboarding() {
        return new OnboardingCompletion(data.metrics(), Settings.DEFAULT);
    }

    private OnboardingCompletion within(int days) {
        return new OnboardingCompletion(data.metrics(), new Settings(days));
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void completedOverStartedInThePeriod() {
        KpiResult r = onboarding().compute(query("2026-01-01", "2026-02-01"));
        // starters: 1, 2, 3, 7, 8, 9 (not 4 at the end, 5 and 6 in December); completed: 1, 2, 8, 9 = 4 / 6
        assertEquals(400.0 / 6, r.value(), 1e-9);
        assertEquals(4.0, r.numerator());
        assertEquals(6.0, r.denominator());
        assertEquals(6, r.sampleSize());
        assertEquals(6L, r.details().get("started"));
        assertEquals(4L, r.details().get("completed"));
    }

    @Test
    void aCustomersStartIsItsFirstStart() {
        // December: 5 (last second, not completed) and 6 (completed on 9 January): 1 / 2
        KpiResult december = onboarding().compute(query("2025-12-01", "2026-01-01"));
        assertEquals(50.0, december.value());
        assertEquals(2L, december.details().get("started"));
        // February: 4 only, never completed: a real 0
        KpiResult february = onboarding().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(0.0, february.value());
        assertEquals(1L, february.details().get("started"));
    }

    @Test
    void noStartersIsNoData() {
        KpiResult r = onboarding().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no customers started onboarding in 2026-03-01..2026-04-01 for all customers"),
                r.noDataReason());
    }

    @Test
    void withinDays() {
        // 30 days: 1 (9 days) and 8 (exactly 30) count; 2 (55 days) and 9 (30 days and a second) do not: 2 / 6
        KpiResult month = within(30).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(200.0 / 6, month.value(), 1e-9);
        assertEquals(2L, month.details().get("completed"));
        // 60 days: 1, 2, 8, 9 as without a limit
        assertEquals(400.0 / 6, within(60).compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
        // 1 day: nobody
        assertEquals(0.0, within(1).compute(query("2026-01-01", "2026-02-01")).value());
    }

    @Test
    void segmentRestrictsToItsCustomers() {
        // starter (even ids), January starters 2 and 8, both completed
        assertEquals(100.0, onboarding().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).value());
        // pro (odd ids): 1, 3, 7, 9; completed 1, 9: 2 / 4
        assertEquals(50.0, onboarding().compute(query("2026-01-01", "2026-02-01", "plan", "pro")).value());
    }

    @Test
    void drillDowns() {
        KpiTable notCompleted = onboarding().customers(query("2026-01-01", "2026-02-01"), new DrillDown("not-completed", null, true, 50));
        // in the order they started: 7 (12th), 3 (31st)
        assertEquals(List.of(
                Arrays.asList(7L, "c7", "Customer 7", "pro", "EMEA", "alice", "2026-01-12", null),
                Arrays.asList(3L, "c3", "Customer 3", "pro", "EMEA", "alice", "2026-01-31", null)), notCompleted.rows());

        KpiTable completed = onboarding().customers(query("2026-01-01", "2026-02-01"), new DrillDown("completed", null, true, 50));
        assertEquals(List.of(1L, 2L, 8L, 9L), column(completed, "customer_id"));
        assertEquals(List.of("2026-01-10", "2026-03-01", "2026-02-14", "2026-02-14"), column(completed, "completed"));

        // within 30 days, the late completions show their date among the not completed
        KpiTable late = within(30).customers(query("2026-01-01", "2026-02-01"), new DrillDown("not-completed", null, true, 50));
        assertEquals(List.of(2L, 7L, 9L, 3L), column(late, "customer_id"));
        assertEquals(Arrays.asList("2026-03-01", null, "2026-02-14", null), column(late, "completed"));

        KpiTable sorted = within(30).customers(query("2026-01-01", "2026-02-01", "plan", "pro"),
                new DrillDown("not-completed", "started", true, 2));
        // pro and not completed within 30 days: 7, 9, 3; latest start first, two of them
        assertEquals(List.of(3L, 9L), column(sorted, "customer_id"));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(-1));
    }

    @Test
    void definitionStatesTheLimitInForce() {
        assertTrue(onboarding().definition().formula().contains("at any time since"), onboarding().definition().formula());
        assertTrue(within(14).definition().formula().contains("no later than 14 days after it"), within(14).definition().formula());
    }
}
