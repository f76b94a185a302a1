package io.vitals.kpi.cohort;

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
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.cohort.CohortRetention.CohortBy;
import io.vitals.kpi.cohort.CohortRetention.Settings;
import io.vitals.testkit.Fixture;

class CohortRetentionTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        String[] signups = {null, "2026-01-01", "2026-01-15", "2025-12-20", "2025-11-01", "2026-01-25", "2026-02-14",
            "2026-03-05", "2026-03-31", "2026-03-15", "2025-06-01", "2026-01-10"};
        for (int id = 1; id <= 11; id++) {
            data.customer(id, signups[id], id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2026-01-01", null)                   // joins at the first instant of January; stays
            .subscription(2, 10_000, "2026-01-15", "2026-02-10")           // January; gone by March 1
            .subscription(3, 10_000, "2026-01-31T23:59:59", "2026-03-01")  // joins in January's last second; ends on Mar 1: paying then
            .subscription(4, 0, "2025-12-01", "2026-01-20")                // a trial does not make a cohort;
            .subscription(4, 10_000, "2026-01-20", "2026-01-25")           //   first payment in January, gone,
            .subscription(4, 10_000, "2026-03-10", null)                   //   back in March
            .subscription(5, 10_000, "2026-02-01", null)                   // first instant of February: February's cohort, not January's
            .subscription(6, 10_000, "2026-02-14", "2026-04-01")           // February; ends on Apr 1: paying then
            .subscription(7, 10_000, "2026-03-05", "2026-03-20")           // March; gone by April 1
            .subscription(8, 10_000, "2026-03-31", null)                   // March; stays
            .subscription(9, 10_000, "2026-04-01", null)                   // joins at the first instant after Q1: in none of its cohorts
            .subscription(10, 10_000, "2025-06-01", null)                  // June 2025's cohort
            .subscription(11, 0, "2026-01-10", null);                      // signed up in January, never paid
    }

    @AfterEach
    void close() {
        data.close();
    }

    private CohortRetention kpi() {
        return new CohortRetention(data.metrics(), Settings.DEFAULT);
    }

    private static List<Object> row(Object... cells) {
        return Arrays.asList(cells);
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void matrixOfTheQuarter() {
        KpiResult r = kpi().compute(query("2026-01-01", "2026-04-01"));
        KpiTable t = r.table("cohorts").orElseThrow();
        assertEquals(List.of("cohort", "size", "m0", "m1", "m2"), t.columns().stream().map(KpiTable.Column::name).toList());
        // January: 1, 2, 3, 4. Feb 1: 1, 2, 3 (3 of 4); Mar 1: 1, 3 (3's span ends on Mar 1); Apr 1: 1, 4 (4 came back)
        // February: 5, 6. Mar 1 and Apr 1: both (6's span ends on Apr 1); April 1 + 1 month is after the period: null
        // March: 7, 8. Apr 1: 8
        assertEquals(List.of(row("2026-01", 4L, 75.0, 50.0, 50.0), row("2026-02", 2L, 100.0, 100.0, null),
                row("2026-03", 2L, 50.0, null, null)), t.rows());
        // the value: members paying at Apr 1 (1, 4, 5, 6, 8) / members (8)
        assertEquals(62.5, r.value(), 1e-9);
        assertEquals(5.0, r.numerator());
        assertEquals(8.0, r.denominator());
        assertEquals(8, r.sampleSize());
        assertEquals(3L, r.details().get("cohorts"));
        assertEquals(8L, r.details().get("customers"));
    }

    @Test
    void bySignupEveryCustomerIsAMember() {
        KpiResult r = new CohortRetention(data.metrics(), new Settings(CohortBy.SIGNUP)).compute(query("2026-01-01", "2026-04-01"));
        // January signups: 1, 2, 5, 11. Feb 1: 1, 2 (5 starts on Feb 1, not before); Mar 1: 1, 5; Apr 1: 1, 5
        // February: 6, paying at Mar 1 and Apr 1. March: 7, 8, 9; Apr 1: 8 only (9 starts at Apr 1)
        assertEquals(List.of(row("2026-01", 4L, 50.0, 50.0, 50.0), row("2026-02", 1L, 100.0, 100.0, null),
                row("2026-03", 3L, 100.0 / 3, null, null)), r.table("cohorts").orElseThrow().rows());
        // paying at Apr 1: 1, 5, 6, 8 of 8
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(8L, r.details().get("customers"));
    }

    @Test
    void cohortMonthsAreHalfOpen() {
        // January: 1 (first instant) and 3 (last second) are in, 5 (first instant of February) is not
        KpiResult r = kpi().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(List.of(row("2026-01", 4L, 75.0)), r.table("cohorts").orElseThrow().rows());
        assertEquals(75.0, r.value(), 1e-9);
    }

    @Test
    void monthlySeriesIsEachCohortsFirstMonth() {
        KpiSeries s = kpi().series(query("2026-01-01", "2026-04-01"), Grain.MONTH);
        assertEquals(List.of(75.0, 100.0, 50.0), s.points().stream().map(p -> p.result().value()).toList());
    }

    @Test
    void emptyCohortMonthsShowAndUnobservableAgesAreNull() {
        // December 2025: nobody paid first (4's span was a trial); its ages 0 (Jan 1) and 1 (Feb 1) are observable
        KpiResult r = kpi().compute(query("2025-12-01", "2026-02-01"));
        assertEquals(List.of(row("2025-12", 0L, null, null), row("2026-01", 4L, 75.0, null)), r.table("cohorts").orElseThrow().rows());
        assertEquals(1L, r.details().get("cohorts"));
        assertEquals(75.0, r.value(), 1e-9);
    }

    @Test
    void aPeriodShorterThanItsFirstAgeHasNoAgeColumns() {
        // the only month starting in [Jan 15, Feb 15) is February; its age 0 ends on Mar 1, after the period
        KpiResult r = kpi().compute(query("2026-01-15", "2026-02-15"));
        KpiTable t = r.table("cohorts").orElseThrow();
        assertEquals(List.of("cohort", "size"), t.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(List.of(row("2026-02", 2L)), t.rows());
        // 5 and 6 both pay at Feb 15
        assertEquals(100.0, r.value(), 1e-9);
    }

    @Test
    void noCohortsOrNoMembersIsNoData() {
        KpiResult noMonth = kpi().compute(query("2026-01-05", "2026-01-20"));
        assertFalse(noMonth.hasValue());
        assertTrue(noMonth.noDataReason().contains("no calendar month starts"), noMonth.noDataReason());
        KpiResult empty = kpi().compute(query("2024-01-01", "2024-04-01"));
        assertFalse(empty.hasValue());
        assertTrue(empty.noDataReason().contains("no customers joined"), empty.noDataReason());
    }

    @Test
    void bySignupWithoutAnySubscriptionRecordedIsNoData() {
        // two APAC customers signed up in January and billing knows neither of them
        data.customer(12, "2026-01-05", "pro", "APAC", "bob", Map.of()).customer(13, "2026-01-06", "pro", "APAC", "bob", Map.of());
        CohortRetention bySignup = new CohortRetention(data.metrics(), new Settings(CohortBy.SIGNUP));
        KpiResult r = bySignup.compute(query("2026-01-01", "2026-04-01", "region", "APAC"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no subscriptions recorded for region=APAC by the end of 2026-01-01..2026-04-01"),
                r.noDataReason());
        // a free plan is a subscription billing knows: not paying is then a real 0
        data.subscription(12, 0, "2026-01-05", null).commit();
        assertEquals(0.0, bySignup.compute(query("2026-01-01", "2026-04-01", "region", "APAC")).value());
    }

    @Test
    void segment() {
        // pro (even ids): January 2, 4; February 6; March 8
        KpiResult r = kpi().compute(query("2026-01-01", "2026-04-01", "plan", "pro"));
        assertEquals(List.of(row("2026-01", 2L, 50.0, 0.0, 50.0), row("2026-02", 1L, 100.0, 100.0, null),
                row("2026-03", 1L, 100.0, null, null)), r.table("cohorts").orElseThrow().rows());
        // paying at Apr 1: 4, 6, 8 of 4
        assertEquals(75.0, r.value(), 1e-9);
    }

    @Test
    void drillDown() {
        KpiTable lost = kpi().customers(query("2026-01-01", "2026-04-01"), new DrillDown("lost", null, true, 50));
        // not paying at Apr 1: 2, 3 (January, by join date), 7 (March)
        assertEquals(List.of(2L, 3L, 7L), column(lost, "customer_id"));
        assertEquals(List.of("2026-01", "2026-01", "2026-03"), column(lost, "cohort"));
        assertEquals("2026-01-31", lost.rows().get(1).get(lost.column("joined")));
        assertEquals("Customer 2", lost.rows().get(0).get(lost.column("customer")));

        KpiTable retained = kpi().customers(query("2026-01-01", "2026-04-01"), new DrillDown("retained", null, true, 50));
        assertEquals(List.of(1L, 4L, 5L, 6L, 8L), column(retained, "customer_id"));

        KpiTable bySignup = new CohortRetention(data.metrics(), new Settings(CohortBy.SIGNUP))
                .customers(query("2026-01-01", "2026-04-01"), new DrillDown("lost", null, true, 50));
        // January signups by date: 11 (Jan 10), 2 (Jan 15); March: 7 (Mar 5), 9 (Mar 15)
        assertEquals(List.of(11L, 2L, 7L, 9L), column(bySignup, "customer_id"));

        KpiTable pro = kpi().customers(query("2026-01-01", "2026-04-01", "plan", "pro"), new DrillDown("lost", null, true, 50));
        assertEquals(List.of(2L), column(pro, "customer_id"));

        KpiTable sorted = kpi().customers(query("2026-01-01", "2026-04-01"), new DrillDown("retained", "cohort", true, 2));
        assertEquals(List.of("2026-03", "2026-02"), column(sorted, "cohort"));

        assertThrows(InvalidQueryException.class,
                () -> kpi().customers(query("2026-01-01", "2026-04-01"), new DrillDown("churned", null, true, 50)));
    }

    @Test
    void definitionAndSettings() {
        assertEquals(List.of("lost", "retained"), kpi().definition().drillDowns());
        assertTrue(kpi().definition().formula().contains("first paying subscription"));
        assertTrue(new CohortRetention(data.metrics(), new Settings(CohortBy.SIGNUP)).definition().formula().contains("signup"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }
}
