package io.vitals.kpi.adoption;

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
import io.vitals.kpi.adoption.AdoptionRate.Settings;
import io.vitals.testkit.Fixture;

class AdoptionRateTest {

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
        data.subscription(1, 10_000, "2025-06-01", null)
            .subscription(2, 0, "2026-01-20", "2026-02-03")        // a trial during January: its users count
            .subscription(3, 5_000, "2025-01-01", "2026-01-01")    // ended as January began: no overlap
            .subscription(4, 5_000, "2026-02-01", null);           // starts as January ends: no overlap
        data.user("a1", 1, "2025-06-01")
            .user("a2", 1, "2026-01-31T23:59:59")   // created in the last second: counts
            .user("a3", 1, "2026-02-01")            // created at the period end: does not
            .user("a4", 1, "2025-06-01")            // never active
            .user("b1", 2, "2026-01-20")
            .user("x1", 3, "2025-01-01")
            .user("y1", 4, "2025-01-01");
        // a1: 4 active days, one key feature (create_report) in January, export_csv only in February
        data.event(1, "a1", "login", "2026-01-05")
            .event(1, "a1", "create_report", "2026-01-06T10:00")
            .event(1, "a1", "login", "2026-01-06T11:00")
            .event(1, "a1", "view_dashboard", "2026-01-07")
            .event(1, "a1", "login", "2026-01-08")
            .event(1, "a1", "export_csv", "2026-02-02");
        // a2: one day, an export in the last second
        data.event(1, "a2", "export_csv", "2026-01-31T23:59:59");
        // a3: active, but created after the period
        data.event(1, "a3", "login", "2026-01-10").event(1, "a3", "login", "2026-01-11").event(1, "a3", "login", "2026-01-12");
        // b1: the first instant, the 20th, the last second = 3 days; the second before and the end instant are out
        data.event(2, "b1", "login", "2026-01-01T00:00")
            .event(2, "b1", "login", "2026-01-20")
            .event(2, "b1", "login", "2026-01-31T23:59:59")
            .event(2, "b1", "login", "2025-12-31T23:59:59")
            .event(2, "b1", "login", "2026-02-01T00:00");
        // users of customers without a subscription in January, however active
        for (String day : List.of("2026-01-03", "2026-01-04", "2026-01-05")) {
            data.event(3, "x1", "create_report", day).event(4, "y1", "create_report", day);
        }
    }

    @AfterEach
    void close() {
        data.close();
    }

    private AdoptionRate adoption() {
        return new AdoptionRate(data.metrics(), Settings.DEFAULT);
    }

    private AdoptionRate adoption(int minActiveDays, String keyFeatures, int minKeyFeatures) {
        return new AdoptionRate(data.metrics(), new Settings(minActiveDays, keyFeatures, minKeyFeatures));
    }

    @Test
    void adoptersOverUsersOfSubscribedCustomers() {
        KpiResult r = adoption().compute(query("2026-01-01", "2026-02-01"));
        // users: a1, a2, a4 (customer 1), b1 (customer 2's trial) = 4; not a3 (created at the end), x1, y1 (no subscription)
        // adopters (3+ days): a1 (4), b1 (3) = 2; 2 / 4 = 50
        assertEquals(50.0, r.value());
        assertEquals(2.0, r.numerator());
        assertEquals(4.0, r.denominator());
        assertEquals(4, r.sampleSize());
        assertEquals(4L, r.details().get("users"));
        assertEquals(2L, r.details().get("adopters"));
    }

    @Test
    void periodIsHalfOpen() {
        // b1 reaches 3 days only with the first instant and the last second; one day fewer and it would not adopt
        KpiResult fourDays = adoption(4, "", 1).compute(query("2026-01-01", "2026-02-01"));
        // only a1 has 4 days: 1 / 4
        assertEquals(25.0, fourDays.value());
        // February: customer 1 (a1..a4: a3 created on the 1st is before 1 March) and 2 (trial until the 3rd), 4 (from the 1st)
        // users: a1, a2, a3, a4, b1, y1 = 6; active days: a1 1, b1 1 (the 1st) - nobody reaches 3
        KpiResult february = adoption().compute(query("2026-02-01", "2026-03-01"));
        assertEquals(6L, february.details().get("users"));
        assertEquals(0.0, february.value(), "users and no adopter is a real zero");
    }

    @Test
    void noUsersIsNoData() {
        KpiResult r = adoption().compute(query("2024-06-01", "2024-07-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no users of customers with a subscription during 2024-06-01..2024-07-01 for all customers"),
                r.noDataReason());
    }

    @Test
    void noUsageEventsInThePeriodIsNoData() {
        // March: customers 1 and 4 are subscribed with five users, and no usage event was recorded at all
        KpiResult march = adoption().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(march.hasValue());
        assertTrue(march.noDataReason().contains("no usage events in 2026-03-01..2026-04-01 for all customers"),
                march.noDataReason());
        // one event by anybody shows usage is tracked: the users who did nothing are then real non-adopters
        data.event(4, "y1", "login", "2026-03-10");
        KpiResult one = adoption().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(0.0, one.value());
        assertEquals(5L, one.details().get("users"));
    }

    @Test
    void minActiveDays() {
        // one day is enough: a1, a2, b1 of 4
        assertEquals(75.0, adoption(1, "", 1).compute(query("2026-01-01", "2026-02-01")).value());
    }

    @Test
    void keyFeatures() {
        // 3 days and one of create_report, export_csv: a1 (create_report); b1 only logs in: 1 / 4
        assertEquals(25.0, adoption(3, "create_report,export_csv", 1).compute(query("2026-01-01", "2026-02-01")).value());
        // both key features: a1's export was in February: nobody, a real 0
        KpiResult both = adoption(3, "create_report, export_csv", 2).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.0, both.value());
        assertEquals(4L, both.details().get("users"));
        // one day and one key feature: a1 and a2 (export_csv in the last second): 2 / 4
        assertEquals(50.0, adoption(1, "create_report,export_csv", 1).compute(query("2026-01-01", "2026-02-01")).value());
    }

    @Test
    void segmentRestrictsToItsCustomersUsers() {
        // alice owns customers 1 and 4: a1, a2, a4 (4 has no January subscription); a1 adopts: 1 / 3
        KpiResult alice = adoption().compute(query("2026-01-01", "2026-02-01", "csm", "alice"));
        assertEquals(100.0 / 3, alice.value(), 1e-9);
        assertEquals(3, alice.sampleSize());
        // starter is customer 2: b1 adopts: 1 / 1
        assertEquals(100.0, adoption().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).value());
    }

    @Test
    void drillDownListsUsersLeastActiveFirst() {
        KpiTable non = adoption().customers(query("2026-01-01", "2026-02-01"), new DrillDown("non-adopters", null, true, 50));
        // a4 (0 days), a2 (1 day)
        assertEquals(List.of("a4", "a2"), non.rows().stream().map(r -> r.get(non.column("user_id"))).toList());
        assertEquals(List.of(0L, 1L), non.rows().stream().map(r -> r.get(non.column("active_days"))).toList());
        assertEquals(1L, non.rows().get(0).get(non.column("customer_id")));
        assertEquals("Customer 1", non.rows().get(0).get(non.column("customer")));
        assertEquals("alice", non.rows().get(0).get(non.column("csm")));

        KpiTable adopters = adoption().customers(query("2026-01-01", "2026-02-01"), new DrillDown("adopters", null, true, 50));
        // a1 (4 days) before b1 (3 days)
        assertEquals(List.of("a1", "b1"), adopters.rows().stream().map(r -> r.get(adopters.column("user_id"))).toList());
        assertEquals(List.of(4L, 3L), adopters.rows().stream().map(r -> r.get(adopters.column("active_days"))).toList());

        KpiTable byUser = adoption().customers(query("2026-01-01", "2026-02-01", "csm", "alice"),
                new DrillDown("adopters", "user_id", false, 1));
        assertEquals(List.of(List.of(1L, "c1", "Customer 1", "pro", "EMEA", "alice", "a1", 4L)), byUser.rows());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, "", 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(3, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(3, "", 0));
        assertThrows(IllegalArgumentException.class, () -> new Settings(3, "create_report,export_csv", 3));
        assertEquals("create_report,export_csv", new Settings(3, " create_report,,export_csv ", 2).keyFeatures());
    }

    @Test
    void definitionStatesWhatMakesAnAdopter() {
        String formula = adoption(2, "create_report", 1).definition().formula();
        assertTrue(formula.contains("at least 2 distinct UTC days"), formula);
        assertTrue(formula.contains("at least 1 of the key features create_report"), formula);
        assertEquals(List.of("non-adopters", "adopters"), adoption().definition().drillDowns());
    }
}
