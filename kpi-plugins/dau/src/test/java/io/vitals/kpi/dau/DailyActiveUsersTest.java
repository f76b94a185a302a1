package io.vitals.kpi.dau;

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

import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.dau.DailyActiveUsers.Settings;
import io.vitals.testkit.Fixture;

class DailyActiveUsersTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of());
    }

    @AfterEach
    void close() {
        data.close();
    }

    private DailyActiveUsers dau() {
        return new DailyActiveUsers(data.metrics(), Settings.DEFAULT);
    }

    private DailyActiveUsers dau(String events) {
        return new DailyActiveUsers(data.metrics(), new Settings(events));
    }

    /** u1 active on the 5th (twice) and 6th, u2 on the 5th, u3 on the 5th and (one second later) the 6th. */
    private void january() {
        data.event(1, "u1", "login", "2026-01-05T10:00")
            .event(1, "u1", "view_dashboard", "2026-01-05T11:00")
            .event(1, "u1", "login", "2026-01-06T09:00")
            .event(1, "u2", "login", "2026-01-05T12:00")
            .event(2, "u3", "export_csv", "2026-01-05T23:59:59")
            .event(2, "u3", "export_csv", "2026-01-06T00:00");
    }

    @Test
    void distinctUserDaysOverDaysInThePeriod() {
        january();
        KpiResult r = dau().compute(query("2026-01-01", "2026-02-01"));
        // pairs: (u1, 5th), (u1, 6th), (u2, 5th), (u3, 5th), (u3, 6th) = 5 over 31 days
        assertEquals(5.0 / 31, r.value(), 1e-12);
        assertEquals(5.0, r.numerator());
        assertEquals(31.0, r.denominator());
        assertEquals(3, r.sampleSize());
        assertEquals(5L, r.details().get("activeUserDays"));
        assertEquals(31L, r.details().get("days"));
        // the 5th: u1, u2, u3; the 6th: u1, u3
        assertEquals(3L, r.details().get("peakDau"));
        assertEquals(3L, r.details().get("activeUsers"));
    }

    @Test
    void quietDaysCountAsZero() {
        data.event(1, "u1", "login", "2026-01-05T10:00");
        // one user on one day of a 7-day week: 1 / 7, not 1 (the average over active days)
        assertEquals(1.0 / 7, dau().compute(query("2026-01-05", "2026-01-12")).value(), 1e-12);
        // a one-day period: 1 / 1
        assertEquals(1.0, dau().compute(query("2026-01-05", "2026-01-06")).value(), 1e-12);
    }

    @Test
    void noQualifyingEventIsNoData() {
        data.event(1, "u1", "login", "2025-12-31T23:59:59").event(1, "u1", "login", "2026-02-01");
        KpiResult r = dau().compute(query("2026-01-01", "2026-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no users with any usage event in 2026-01-01..2026-02-01 for all customers"),
                r.noDataReason());
    }

    @Test
    void periodIsHalfOpen() {
        data.event(1, "u1", "login", "2026-01-01T00:00")      // first instant: in
            .event(1, "u2", "login", "2026-01-31T23:59:59")    // last second: in
            .event(1, "u3", "login", "2026-02-01T00:00")       // the next period: out
            .event(1, "u4", "login", "2025-12-31T23:59:59");   // before: out
        KpiResult r = dau().compute(query("2026-01-01", "2026-02-01"));
        // (u1, 1st) and (u2, 31st): 2 / 31
        assertEquals(2.0 / 31, r.value(), 1e-12);
        assertEquals(2, r.sampleSize());
        assertEquals(1L, r.details().get("peakDau"));
    }

    @Test
    void daysAreUtcCalendarDays() {
        data.event(1, "u1", "login", "2026-01-05T00:00")
            .event(1, "u1", "login", "2026-01-05T23:59:59")  // same day
            .event(1, "u1", "login", "2026-01-06T00:00:01"); // a new day, 2 seconds later
        KpiResult r = dau().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(2L, r.details().get("activeUserDays"));
        assertEquals(1L, r.details().get("activeUsers"));
    }

    @Test
    void onlyConfiguredEventsQualify() {
        january();
        KpiResult exports = dau("export_csv").compute(query("2026-01-01", "2026-02-01"));
        // only u3's exports: (u3, 5th), (u3, 6th) = 2 / 31
        assertEquals(2.0 / 31, exports.value(), 1e-12);
        assertEquals(1L, exports.details().get("activeUsers"));
        assertEquals(1L, exports.details().get("peakDau"));
        KpiResult two = dau(" view_dashboard , export_csv ").compute(query("2026-01-01", "2026-02-01"));
        // (u1, 5th) by its dashboard view, u3's two days: 3 / 31
        assertEquals(3.0 / 31, two.value(), 1e-12);
        assertEquals(2, two.sampleSize());
        KpiResult none = dau("invite_user").compute(query("2026-01-01", "2026-02-01"));
        assertFalse(none.hasValue(), "events happened but none qualify: no data");
        assertTrue(none.noDataReason().contains("invite_user"), none.noDataReason());
    }

    @Test
    void segmentRestrictsToItsCustomersUsers() {
        january();
        KpiResult starter = dau().compute(query("2026-01-01", "2026-02-01", "plan", "starter"));
        // customer 2's u3 only: 2 / 31
        assertEquals(2.0 / 31, starter.value(), 1e-12);
        assertEquals(1, starter.sampleSize());
        KpiResult alice = dau().compute(query("2026-01-01", "2026-02-01", "csm", "alice"));
        // customer 1's u1 (2 days) and u2 (1 day): 3 / 31, peak 2 on the 5th
        assertEquals(3.0 / 31, alice.value(), 1e-12);
        assertEquals(2L, alice.details().get("peakDau"));
    }

    @Test
    void seriesPointsEqualTheirOwnPeriods() {
        january();
        data.event(2, "u3", "login", "2026-02-10");
        KpiSeries series = dau().series(query("2026-01-01", "2026-03-01"), Grain.MONTH);
        assertEquals(5.0 / 31, series.points().get(0).result().value(), 1e-12);
        assertEquals(1.0 / 28, series.points().get(1).result().value(), 1e-12);
        assertEquals(dau().compute(query("2026-02-01", "2026-03-01")), series.points().get(1).result());
    }

    @Test
    void settingsAreNormalisedAndNullRefused() {
        assertEquals("login,export_csv", new Settings(" login, ,export_csv,login ").events());
        assertEquals(List.of("login", "export_csv"), new Settings("login,export_csv").eventList());
        assertEquals(List.of(), Settings.DEFAULT.eventList());
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }

    @Test
    void definitionStatesTheEventsInForce() {
        assertTrue(dau().definition().formula().contains("any usage event"), dau().definition().formula());
        String formula = dau("create_report,export_csv").definition().formula();
        assertTrue(formula.contains("create_report, export_csv"), formula);
        assertEquals("create_report,export_csv", dau("create_report,export_csv").definition().parameters().get(0).value());
    }
}
