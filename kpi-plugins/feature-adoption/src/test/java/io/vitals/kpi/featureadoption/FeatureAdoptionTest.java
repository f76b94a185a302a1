package io.vitals.kpi.featureadoption;

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
import io.vitals.kpi.Unit;
import io.vitals.kpi.featureadoption.FeatureAdoption.Per;
import io.vitals.kpi.featureadoption.FeatureAdoption.Settings;
import io.vitals.testkit.Fixture;

class FeatureAdoptionTest {

    private static final double THIRD = 100.0 / 3;

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of())
            .customer(3, "2025-01-01", "pro", "NA", "bob", Map.of())
            .customer(4, "2025-01-01", "pro", "EMEA", "alice", Map.of());
        data.event(1, "u1", "login", "2026-01-02")
            .event(1, "u1", "create_report", "2026-01-03")
            .event(1, "u1", "export_csv", "2026-01-06")
            .event(1, "u2", "export_csv", "2026-01-04")
            .event(1, "u2", "create_report", "2026-01-05")
            .event(2, "u3", "login", "2026-01-01T00:00")              // first instant; customer 2 only logs in
            .event(3, "u4", "create_report", "2026-01-31T23:59:59")   // last second: in
            .event(3, "u4", "invite_user", "2026-02-01T00:00")        // the period end: out
            .event(3, "u5", "view_dashboard", "2025-12-31T23:59:59")  // before: out
            .event(4, "u6", "view_dashboard", "2026-02-01");          // customer 4 is not active in January
    }

    @AfterEach
    void close() {
        data.close();
    }

    private FeatureAdoption adoption() {
        return new FeatureAdoption(data.metrics(), Settings.DEFAULT);
    }

    private FeatureAdoption adoption(Per per, String exclude) {
        return new FeatureAdoption(data.metrics(), new Settings(per, exclude));
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void sharePerFeatureOfActiveAccounts() {
        KpiResult r = adoption().compute(query("2026-01-01", "2026-02-01"));
        // active accounts: 1, 2 (login only), 3 = 3; features: create_report (1, 3) = 2/3, export_csv (1) = 1/3
        // mean share: (66.7 + 33.3) / 2 = 50
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(3, r.sampleSize());
        assertEquals(2L, r.details().get("features"));
        assertEquals(3L, r.details().get("activeAccounts"));
        KpiTable t = r.table("features").orElseThrow();
        assertEquals(List.of("feature", "accounts", "share"), t.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals("ACCOUNTS", t.columns().get(1).label());
        assertEquals(Unit.PERCENT, t.columns().get(2).unit());
        assertEquals(List.of("create_report", "export_csv"), column(t, "feature"));
        assertEquals(List.of(2L, 1L), column(t, "accounts"));
        assertEquals(2 * THIRD, (Double) t.rows().get(0).get(2), 1e-9);
        assertEquals(THIRD, (Double) t.rows().get(1).get(2), 1e-9);
    }

    @Test
    void perUser() {
        KpiResult r = adoption(Per.USER, "login").compute(query("2026-01-01", "2026-02-01"));
        // active users: u1, u2, u3, u4 = 4; create_report: u1, u2, u4 = 75; export_csv: u1, u2 = 50; mean 62.5
        assertEquals(62.5, r.value(), 1e-9);
        assertEquals(4, r.sampleSize());
        assertEquals(4L, r.details().get("activeAccounts"));
        KpiTable t = r.table("features").orElseThrow();
        assertEquals("USERS", t.columns().get(1).label());
        assertEquals(List.of(3L, 2L), column(t, "accounts"));
        assertEquals(List.of(75.0, 50.0), column(t, "share"));
    }

    @Test
    void nothingExcludedMakesLoginAFeatureAndTiesSortByName() {
        KpiResult r = adoption(Per.ACCOUNT, "").compute(query("2026-01-01", "2026-02-01"));
        // create_report 2/3, login (1, 2) 2/3, export_csv 1/3: mean 5/9 x 100
        assertEquals(500.0 / 9, r.value(), 1e-9);
        KpiTable t = r.table("features").orElseThrow();
        assertEquals(List.of("create_report", "login", "export_csv"), column(t, "feature"));
        // excluding two events: create_report only: 2/3
        assertEquals(2 * THIRD, adoption(Per.ACCOUNT, "login, export_csv").compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void noActiveAccountOrNoFeatureIsNoData() {
        KpiResult none = adoption().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no usage events in 2026-03-01..2026-04-01 for all customers"), none.noDataReason());
        // 1 January: customer 2 logged in, and login is no feature
        KpiResult loginsOnly = adoption().compute(query("2026-01-01", "2026-01-02"));
        assertFalse(loginsOnly.hasValue());
        assertTrue(loginsOnly.noDataReason().contains("no features used in 2026-01-01..2026-01-02"), loginsOnly.noDataReason());
        assertTrue(loginsOnly.noDataReason().contains("other than login"), loginsOnly.noDataReason());
    }

    @Test
    void periodIsHalfOpen() {
        // 31 January alone: u4's create_report in the last second; its invite_user at the end is out
        KpiResult r = adoption().compute(query("2026-01-31", "2026-02-01"));
        assertEquals(100.0, r.value());
        assertEquals(1L, r.details().get("features"));
        // 1 February: customers 3 (invite_user) and 4 (view_dashboard), each feature 1 of 2
        KpiResult february = adoption().compute(query("2026-02-01", "2026-02-02"));
        assertEquals(50.0, february.value());
        assertEquals(List.of("invite_user", "view_dashboard"), column(february.table("features").orElseThrow(), "feature"));
    }

    @Test
    void segmentRestrictsToItsCustomers() {
        // NA: customers 2 and 3 are active; create_report (3): 1 of 2
        KpiResult na = adoption().compute(query("2026-01-01", "2026-02-01", "region", "NA"));
        assertEquals(50.0, na.value());
        assertEquals(2, na.sampleSize());
        // starter: customer 2 only logs in
        assertFalse(adoption().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).hasValue());
    }

    @Test
    void drillDownListsActiveCustomersFewestFeaturesFirst() {
        KpiTable t = adoption().customers(query("2026-01-01", "2026-02-01"), new DrillDown("least-engaged", null, true, 50));
        // customer 2: 0 features, 1 event; 3: 1 feature, 1 event; 1: 2 features, 5 events; 4 is not active
        assertEquals(List.of(2L, 3L, 1L), column(t, "customer_id"));
        assertEquals(List.of(0L, 1L, 2L), column(t, "features_used"));
        assertEquals(List.of(1L, 1L, 5L), column(t, "events"));
        assertEquals(List.of(2L, "c2", "Customer 2", "starter", "NA", "bob", 0L, 1L), t.rows().get(0));

        KpiTable busiest = adoption().customers(query("2026-01-01", "2026-02-01", "csm", "bob"), new DrillDown("least-engaged", "events", true, 1));
        assertEquals(1, busiest.rows().size());
        KpiTable all = adoption(Per.ACCOUNT, "").customers(query("2026-01-01", "2026-02-01"), new DrillDown("least-engaged", null, true, 50));
        // with login a feature customer 2 uses 1, tied with 3 on events too: by id
        assertEquals(List.of(2L, 3L, 1L), column(all, "customer_id"));
        assertEquals(List.of(1L, 1L, 3L), column(all, "features_used"));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(null, "login"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(Per.ACCOUNT, null));
        assertEquals("login,view_dashboard", new Settings(Per.USER, " login,,view_dashboard ").exclude());
    }

    @Test
    void definitionStatesTheVariantInForce() {
        String formula = adoption(Per.USER, "login,view_dashboard").definition().formula();
        assertTrue(formula.contains("users that used it in the period / users with any usage event"), formula);
        assertTrue(formula.contains("other than login, view_dashboard"), formula);
        assertEquals(List.of("least-engaged"), adoption().definition().drillDowns());
    }
}
