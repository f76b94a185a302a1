package io.vitals.kpi.mau;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiResult;
import io.vitals.kpi.mau.MonthlyActiveUsers.Settings;
import io.vitals.testkit.Fixture;

class MonthlyActiveUsersTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of());
        // for January the 30-day window is [2026-01-02, 2026-02-01)
        data.event(1, "u1", "login", "2026-01-01T23:59:59")        // in January, before the window: out
            .event(1, "u2", "login", "2026-01-02T00:00")           // first instant of the window: in
            .event(1, "u2", "create_report", "2026-01-20")         // u2 again: still one user
            .event(1, "u3", "export_csv", "2026-01-31T23:59:59")   // last second: in
            .event(1, "u4", "login", "2026-02-01T00:00")           // the period end: out
            .event(2, "u5", "create_report", "2026-01-15T08:00");
    }

    @AfterEach
    void close() {
        data.close();
    }

    private MonthlyActiveUsers mau() {
        return new MonthlyActiveUsers(data.metrics(), Settings.DEFAULT);
    }

    private MonthlyActiveUsers mau(String events, int windowDays) {
        return new MonthlyActiveUsers(data.metrics(), new Settings(events, windowDays));
    }

    @Test
    void distinctUsersInTheThirtyDaysEndingAtThePeriodEnd() {
        KpiResult r = mau().compute(query("2026-01-01", "2026-02-01"));
        // u2, u3, u5; u1 is in January but before the window, u4 at the end instant
        assertEquals(3.0, r.value());
        assertEquals(3, r.sampleSize());
        assertEquals("2026-01-02", r.details().get("windowFrom"));
        assertEquals(30L, r.details().get("windowDays"));
    }

    @Test
    void theWindowIsAnchoredAtThePeriodEndWhateverItsLength() {
        // a week ending on 2026-02-01 looks at the same 30 days as January: 3
        assertEquals(3.0, mau().compute(query("2026-01-25", "2026-02-01")).value());
        // February: [2026-01-30, 2026-03-01) holds u3 (31 January) and u4 (1 February): 2
        KpiResult february = mau().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(2.0, february.value());
        assertEquals("2026-01-30", february.details().get("windowFrom"));
    }

    @Test
    void noActiveUserInTheWindowIsNoData() {
        // March's window [2026-03-02, 2026-04-01) is empty
        KpiResult r = mau().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(r.hasValue());
        assertNull(r.value());
        assertTrue(r.noDataReason().contains("no users with any usage event in the 30 days 2026-03-02..2026-04-01"),
                r.noDataReason());
        assertTrue(r.noDataReason().contains("all customers"), r.noDataReason());
    }

    @Test
    void windowDays() {
        // [2026-01-25, 2026-02-01): u3 only
        KpiResult week = mau("", 7).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(1.0, week.value());
        assertEquals("2026-01-25", week.details().get("windowFrom"));
        assertEquals(7L, week.details().get("windowDays"));
        // [2026-01-31, 2026-02-01): u3 again, one second before the end
        assertEquals(1.0, mau("", 1).compute(query("2026-01-01", "2026-02-01")).value());
        // [2025-12-02, 2026-02-01): everyone in January, u1 too: 4
        assertEquals(4.0, mau("", 61).compute(query("2026-01-01", "2026-02-01")).value());
    }

    @Test
    void onlyConfiguredEventsQualify() {
        // create_report: u2 (20th) and u5
        assertEquals(2.0, mau("create_report", 30).compute(query("2026-01-01", "2026-02-01")).value());
        // login: u1 is outside the window, u2's login at its first instant counts: 1
        assertEquals(1.0, mau("login", 30).compute(query("2026-01-01", "2026-02-01")).value());
        assertFalse(mau("invite_user", 30).compute(query("2026-01-01", "2026-02-01")).hasValue());
    }

    @Test
    void segmentRestrictsToItsCustomersUsers() {
        assertEquals(1.0, mau().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).value()); // u5
        assertEquals(2.0, mau().compute(query("2026-01-01", "2026-02-01", "region", "EMEA")).value());  // u2, u3
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings("", 0));
        assertThrows(IllegalArgumentException.class, () -> new Settings("", -30));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null, 30));
        assertEquals("login,export_csv", new Settings("login , export_csv,,", 30).events());
    }

    @Test
    void definitionStatesTheWindowInForce() {
        String formula = mau("export_csv", 28).definition().formula();
        assertTrue(formula.contains("28 days ending at the period end"), formula);
        assertTrue(formula.contains("export_csv"), formula);
    }
}
