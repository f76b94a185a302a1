package io.vitals.kpi.ttfv;

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
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.ttfv.TimeToFirstValue.Settings;
import io.vitals.testkit.Fixture;

class TimeToFirstValueTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2026-01-01T00:00", "pro", "EMEA", "alice", Map.of())        // first instant: in
            .customer(2, "2026-01-10T12:00", "starter", "NA", "bob", Map.of())
            .customer(3, "2026-01-31T23:59:59", "pro", "EMEA", "alice", Map.of())     // last second: in
            .customer(4, "2026-01-15", "starter", "APAC", "bob", Map.of())
            .customer(5, "2026-02-01T00:00", "pro", "EMEA", "alice", Map.of())        // the period end: out
            .customer(6, "2025-12-31T23:59:59", "pro", "EMEA", "alice", Map.of())     // before: out
            .customer(7, "2026-01-20", "pro", "APAC", "alice", Map.of());
        data.event(1, "u1", "create_report", "2025-12-30")             // before its signup: does not count
            .event(1, "u1", "login", "2026-01-01T01:00")
            .event(1, "u2", "create_report", "2026-01-03T00:00")       // 2 days
            .event(2, "u3", "create_report", "2026-01-10T18:00")       // 0.25 days
            .event(2, "u3", "create_report", "2026-01-20")             // not the first
            .event(3, "u4", "create_report", "2026-03-02T23:59:59")    // 30 days, after the period: "by now"
            .event(4, "u5", "login", "2026-01-15T01:00")
            .event(4, "u5", "export_csv", "2026-01-16T06:00")          // 1.25 days to an export
            .event(5, "u6", "create_report", "2026-02-01T01:00")
            .event(6, "u7", "create_report", "2026-01-01")
            .event(7, "u8", "create_report", "2026-01-19");            // the day before its signup: not yet
    }

    @AfterEach
    void close() {
        data.close();
    }

    private TimeToFirstValue ttfv() {
        return new TimeToFirstValue(data.metrics(), Settings.DEFAULT);
    }

    @Test
    void medianDaysFromSignupToFirstValue() {
        KpiResult r = ttfv().compute(query("2026-01-01", "2026-02-01"));
        // signed up in January: 1, 2, 3, 4, 7; reached: 2 (0.25), 1 (2), 3 (30); median 2
        assertEquals(2.0, r.value(), 1e-9);
        assertEquals(3, r.sampleSize());
        // p90: position 0.9 x 2 = 1.8 between 2 and 30: 2 + 0.8 x 28 = 24.4
        assertEquals(24.4, (Double) r.details().get("p90"), 1e-9);
        assertEquals(3L, r.details().get("reached"));
        // 4 (only a login and an export) and 7 (its report came before signup)
        assertEquals(2L, r.details().get("notYet"));
    }

    @Test
    void periodIsHalfOpenOnSignup() {
        // February: customer 5 (signed up at its first instant), 1 hour to value
        KpiResult february = ttfv().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(1.0 / 24, february.value(), 1e-9);
        assertEquals(0L, february.details().get("notYet"));
        // December 2025: customer 6 in its last second; first value 1 second later
        assertEquals(1.0 / 86400, ttfv().compute(query("2025-12-01", "2026-01-01")).value(), 1e-12);
    }

    @Test
    void noCustomerThatGotThereIsNoData() {
        KpiResult none = ttfv().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no customers signed up in 2026-03-01..2026-04-01 for all customers"),
                none.noDataReason());
        // APAC: customers 4 and 7 signed up in January, neither has created a report since
        KpiResult apac = ttfv().compute(query("2026-01-01", "2026-02-01", "region", "APAC"));
        assertFalse(apac.hasValue());
        assertTrue(apac.noDataReason().contains("none of the 2 customers who signed up in 2026-01-01..2026-02-01 has had a 'create_report' event yet"),
                apac.noDataReason());
    }

    @Test
    void valueEvent() {
        KpiResult exports = new TimeToFirstValue(data.metrics(), new Settings("export_csv")).compute(query("2026-01-01", "2026-02-01"));
        // customer 4: 1.25 days; the other four have not exported
        assertEquals(1.25, exports.value(), 1e-9);
        assertEquals(1.25, (Double) exports.details().get("p90"), 1e-9);
        assertEquals(4L, exports.details().get("notYet"));
    }

    @Test
    void segmentRestrictsToItsCustomers() {
        // starter: 2 (0.25) reached, 4 not yet
        KpiResult starter = ttfv().compute(query("2026-01-01", "2026-02-01", "plan", "starter"));
        assertEquals(0.25, starter.value(), 1e-9);
        assertEquals(1L, starter.details().get("notYet"));
        // alice, January: 1 (2 days), 3 (30 days), 7 not yet; median of two = 16
        KpiResult alice = ttfv().compute(query("2026-01-01", "2026-02-01", "csm", "alice"));
        assertEquals(16.0, alice.value(), 1e-9);
    }

    @Test
    void drillDowns() {
        KpiTable notYet = ttfv().customers(query("2026-01-01", "2026-02-01"), new DrillDown("not-yet", null, true, 50));
        // waiting longest first: 4 (15th), 7 (20th)
        assertEquals(List.of(
                List.of(4L, "c4", "Customer 4", "starter", "APAC", "bob", "2026-01-15"),
                List.of(7L, "c7", "Customer 7", "pro", "APAC", "alice", "2026-01-20")), notYet.rows());

        KpiTable reached = ttfv().customers(query("2026-01-01", "2026-02-01"), new DrillDown("reached", null, true, 50));
        // slowest first: 3 (30), 1 (2), 2 (0.25)
        assertEquals(List.of(3L, 1L, 2L), reached.rows().stream().map(r -> r.get(reached.column("customer_id"))).toList());
        assertEquals(30.0, (Double) reached.rows().get(0).get(reached.column("days")), 1e-9);
        assertEquals("2026-01-31", reached.rows().get(0).get(reached.column("signed_up")));
        assertEquals(0.25, (Double) reached.rows().get(2).get(reached.column("days")), 1e-9);

        KpiTable fastest = ttfv().customers(query("2026-01-01", "2026-02-01", "csm", "alice"), new DrillDown("reached", "days", false, 1));
        assertEquals(List.of(1L), fastest.rows().stream().map(r -> r.get(fastest.column("customer_id"))).toList());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
        assertThrows(IllegalArgumentException.class, () -> new Settings("  "));
        assertEquals("export_csv", new Settings(" export_csv ").valueEvent());
    }

    @Test
    void definitionNamesTheValueEvent() {
        String formula = new TimeToFirstValue(data.metrics(), new Settings("export_csv")).definition().formula();
        assertTrue(formula.contains("first 'export_csv' usage event"), formula);
    }
}
