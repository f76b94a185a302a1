package io.vitals.kpi.arpa;

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

import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.arpa.AverageRevenuePerAccount.Per;
import io.vitals.kpi.arpa.AverageRevenuePerAccount.Settings;
import io.vitals.model.BillingInterval;
import io.vitals.testkit.Fixture;

class AverageRevenuePerAccountTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 7; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", id == 6 ? "bob" : "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)                                 // 100.00
            .subscription(2, BillingInterval.YEAR, 1, 1, 120_000, "2025-06-01", null)    // 1,200.00 a year: 100.00 a month
            .subscription(3, 5_000, "2025-06-01", "2026-03-01")                          // ends at the period's end: still paying
            .subscription(4, 5_000, "2025-06-01", "2026-02-28")                          // gone before the end
            .subscription(5, 0, "2025-06-01", null)                                      // trial: not paying
            .subscription(6, 3_000, "2025-06-01", null)                                  // two spans at once: 30.00 +
            .subscription(6, 2_000, "2025-06-01", null)                                  //   20.00 = 50.00, one account
            .subscription(7, 9_000, "2026-03-01", null);                                 // starts after February
        data.user("u1a", 1, "2025-06-01")
            .user("u1b", 1, "2026-02-28T23:59:59")    // created in the last second: in
            .user("u1c", 1, "2026-03-01T00:00")       // created at the end: out
            .user("u1d", 1, "2025-07-01")
            .user("u2a", 2, "2025-06-01")
            .user("u3a", 3, "2025-06-01")
            .user("u4a", 4, "2025-06-01")             // customer 4 no longer pays
            .user("u5a", 5, "2025-06-01")             // trial customer
            .user("u7a", 7, "2025-06-01");            // customer 7 does not pay yet
    }

    @AfterEach
    void close() {
        data.close();
    }

    private AverageRevenuePerAccount kpi(Per per) {
        return new AverageRevenuePerAccount(data.metrics(), new Settings(per));
    }

    @Test
    void mrrPerPayingAccount() {
        // paying at the end of February: 1 (100), 2 (100), 3 (50), 6 (50): 300 / 4
        KpiResult r = kpi(Per.ACCOUNT).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(75.0, r.value());
        assertEquals(300.0, r.numerator());
        assertEquals(4.0, r.denominator());
        assertEquals(4, r.sampleSize());
        assertEquals(300.0, r.details().get("mrr"));
        assertEquals(4L, r.details().get("accounts"));
        assertEquals(r, new AverageRevenuePerAccount(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01")));
    }

    @Test
    void mrrPerUserOfThePayingAccounts() {
        // users of 1, 2, 3, 6 created before Mar 1: u1a, u1b, u1d, u2a, u3a = 5: 300 / 5
        KpiResult r = kpi(Per.USER).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(60.0, r.value());
        assertEquals(5.0, r.denominator());
        assertEquals(5L, r.details().get("users"));
        assertEquals(300.0, r.details().get("mrr"));
    }

    @Test
    void endBoundaryIsHalfOpen() {
        // March: 3 is gone (its span ended on Mar 1), 7 arrives; u1c (Mar 1) and u7a now count
        KpiResult accounts = kpi(Per.ACCOUNT).compute(query("2026-03-01", "2026-04-01"));
        assertEquals(340.0 / 4, accounts.value(), 1e-9); // 100 + 100 + 50 + 90
        KpiResult users = kpi(Per.USER).compute(query("2026-03-01", "2026-04-01"));
        assertEquals(340.0 / 6, users.value(), 1e-9);    // u1a, u1b, u1c, u1d, u2a, u7a
        // only the end counts: a one-day period on Feb 28 ends where February does
        assertEquals(75.0, kpi(Per.ACCOUNT).compute(query("2026-02-28", "2026-03-01")).value());
    }

    @Test
    void segment() {
        // pro: 1 (100) and 3 (50); users u1a, u1b, u1d, u3a
        assertEquals(75.0, kpi(Per.ACCOUNT).compute(query("2026-02-01", "2026-03-01", "plan", "pro")).value());
        assertEquals(37.5, kpi(Per.USER).compute(query("2026-02-01", "2026-03-01", "plan", "pro")).value());
    }

    @Test
    void nothingToDivideByIsNoData() {
        KpiResult none = kpi(Per.ACCOUNT).compute(query("2024-01-01", "2024-02-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no paying customers at the end of 2024-01-01..2024-02-01 for all customers"),
                none.noDataReason());
        // csm bob has customer 6 alone: an account paying 50.00, but no users
        assertEquals(50.0, kpi(Per.ACCOUNT).compute(query("2026-02-01", "2026-03-01", "csm", "bob")).value());
        KpiResult noUsers = kpi(Per.USER).compute(query("2026-02-01", "2026-03-01", "csm", "bob"));
        assertFalse(noUsers.hasValue());
        assertTrue(noUsers.noDataReason().contains("no users of the paying customers at the end of 2026-02-01..2026-03-01 for csm=bob"),
                noUsers.noDataReason());
    }

    @Test
    void definitionSaysWhichDivisorIsInForce() {
        KpiDefinition account = kpi(Per.ACCOUNT).definition();
        assertEquals(List.of("subscriptions"), account.dataNeeded());
        assertEquals("ACCOUNT", account.parameters().get(0).value());
        KpiDefinition user = kpi(Per.USER).definition();
        assertTrue(user.formula().startsWith("ARPU"), user.formula());
        assertEquals(List.of("subscriptions", "users"), user.dataNeeded());
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }
}
