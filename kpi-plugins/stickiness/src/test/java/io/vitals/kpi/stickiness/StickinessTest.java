package io.vitals.kpi.stickiness;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiResult;
import io.vitals.kpi.stickiness.Stickiness.Settings;
import io.vitals.testkit.Fixture;

class StickinessTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of());
        // January: 31 days; the 30-day MAU window is [2026-01-02, 2026-02-01)
        data.event(1, "u1", "login", "2026-01-05T08:00")
            .event(1, "u1", "create_report", "2026-01-05T09:00")    // same day: one user-day
            .event(1, "u1", "login", "2026-01-06")
            .event(1, "u1", "create_report", "2026-01-07")
            .event(1, "u2", "login", "2026-01-05")
            .event(2, "u3", "create_report", "2026-01-01T10:00")     // in the period, before the window
            .event(1, "u4", "login", "2026-01-31T23:59:59")          // last second: in both
            .event(2, "u5", "login", "2026-02-01T00:00");            // the period end: in neither
    }

    @AfterEach
    void close() {
        data.close();
    }

    private Stickiness stickiness() {
        return new Stickiness(data.metrics(), Settings.DEFAULT);
    }

    private Stickiness stickiness(String events, int windowDays) {
        return new Stickiness(data.metrics(), new Settings(events, windowDays));
    }

    @Test
    void averageDauOverMauAtThePeriodEnd() {
        KpiResult r = stickiness().compute(query("2026-01-01", "2026-02-01"));
        // user-days: u1 3, u2 1, u3 1, u4 1 = 6, so average DAU = 6 / 31
        // MAU: u1, u2, u4 = 3 (u3 acted on the 1st, before the window); 6 / 31 / 3 x 100 = 200 / 31
        assertEquals(200.0 / 31, r.value(), 1e-9);
        assertEquals(6.0 / 31, r.numerator(), 1e-12);
        assertEquals(3.0, r.denominator());
        assertEquals(3, r.sampleSize());
        assertEquals(6.0 / 31, (Double) r.details().get("averageDau"), 1e-12);
        assertEquals(3L, r.details().get("mau"));
    }

    @Test
    void noMauIsNoDataEvenWithActivityInThePeriod() {
        // a one-day window [2026-01-29, 2026-01-30) is empty, though the period has 6 user-days
        KpiResult r = stickiness("", 1).compute(query("2026-01-01", "2026-01-30"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no users with any usage event in the 1 days 2026-01-29..2026-01-30"),
                r.noDataReason());
        assertFalse(stickiness().compute(query("2026-03-01", "2026-04-01")).hasValue());
    }

    @Test
    void mauWithoutActivityInThePeriodIsARealZero() {
        // 2-8 February: no user-days; the window [2026-01-10, 2026-02-09) holds u4 and u5: 0 / 2
        KpiResult r = stickiness().compute(query("2026-02-02", "2026-02-09"));
        assertEquals(0.0, r.value());
        assertEquals(2L, r.details().get("mau"));
    }

    @Test
    void aShortWindowCanExceedOneHundred() {
        // window [2026-01-31, 2026-02-01): u4 only; 6 / 31 / 1 x 100
        KpiResult r = stickiness("", 1).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(600.0 / 31, r.value(), 1e-9);
        // a week 2026-01-05..2026-01-12 with a 7-day window: user-days u1 3 + u2 1 = 4 over 7 days; MAU u1, u2 = 2
        KpiResult week = stickiness("", 7).compute(query("2026-01-05", "2026-01-12"));
        assertEquals(4.0 / 7 / 2 * 100, week.value(), 1e-9);
    }

    @Test
    void onlyConfiguredEventsQualify() {
        // create_report: u1 on the 5th and 7th, u3 on the 1st = 3 user-days; MAU: u1 = 1; 3 / 31 x 100
        KpiResult r = stickiness("create_report", 30).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(300.0 / 31, r.value(), 1e-9);
        assertEquals(1L, r.details().get("mau"));
    }

    @Test
    void segmentRestrictsToItsCustomersUsers() {
        // starter is customer 2: u3 has 1 user-day but is outside the window; u5 is at the end: no MAU
        assertFalse(stickiness().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).hasValue());
        // pro is customer 1: 5 user-days / 31, MAU u1, u2, u4 = 3
        KpiResult pro = stickiness().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(5.0 / 31 / 3 * 100, pro.value(), 1e-9);
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings("", 0));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null, 30));
    }

    @Test
    void definitionStatesTheParametersInForce() {
        String formula = stickiness("login", 28).definition().formula();
        assertTrue(formula.contains("28 days ending at the period end"), formula);
        assertTrue(formula.contains("one of: login"), formula);
    }
}
