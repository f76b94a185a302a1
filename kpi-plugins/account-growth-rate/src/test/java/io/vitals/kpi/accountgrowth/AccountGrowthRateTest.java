package io.vitals.kpi.accountgrowth;

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
import io.vitals.kpi.accountgrowth.AccountGrowthRate.Accounts;
import io.vitals.kpi.accountgrowth.AccountGrowthRate.Settings;
import io.vitals.testkit.Fixture;

class AccountGrowthRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", id == 6 ? "bob" : "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", "2026-02-10")     // 100 ->
            .subscription(1, 15_000, "2026-02-10", null)             //   150: expansion 50
            .subscription(2, 20_000, "2025-06-01", "2026-02-01")     // 200, covering the start ->
            .subscription(2, 30_000, "2026-02-01", null)             //   300 from the first instant: expansion 100
            .subscription(3, 10_000, "2025-06-01", "2026-03-01")     // 100 through February ->
            .subscription(3, 50_000, "2026-03-01", null)             //   500 from March
            .subscription(4, 10_000, "2025-06-01", "2026-02-15")     // 100 ->
            .subscription(4, 5_000, "2026-02-15", null)              //   50: contraction 50
            .subscription(5, 10_000, "2026-02-05", null)             // new in February: excluded
            .subscription(6, 10_000, "2025-06-01", "2026-02-20")     // churns: 100
            .subscription(7, 8_000, "2025-06-01", "2025-12-01")      // left in December,
            .subscription(7, 8_000, "2026-02-10", null)              //   reactivated in February: excluded
            .subscription(8, 0, "2025-06-01", null)                  // trial: never paying
            .subscription(9, 4_000, "2025-06-01", "2026-03-01")      // ends at the period's end: still 40 at the end
            .subscription(10, 3_000, "2025-06-01", null)             // two spans at once: 30 +
            .subscription(10, 2_000, "2025-06-01", "2026-02-15");    //   20 until mid-February: contraction 20
    }

    @AfterEach
    void close() {
        data.close();
    }

    private AccountGrowthRate kpi(Accounts accounts) {
        return new AccountGrowthRate(data.metrics(), new Settings(accounts));
    }

    @Test
    void growthOfTheRetainedAccounts() {
        KpiResult r = kpi(Accounts.RETAINED).compute(query("2026-02-01", "2026-03-01"));
        // paying at both ends of February: 1: 100 -> 150, 2: 200 -> 300, 3: 100, 4: 100 -> 50, 9: 40, 10: 50 -> 30
        // start 590, end 670: (670 - 590) / 590; 6 churned, 5 and 7 arrived: none of them is in
        assertEquals(80.0 / 590 * 100, r.value(), 1e-9);
        assertEquals(80.0, r.numerator());
        assertEquals(590.0, r.denominator());
        assertEquals(6, r.sampleSize());
        assertEquals(6L, r.details().get("accounts"));
        assertEquals(590.0, r.details().get("revenueAtStart"));
        assertEquals(670.0, r.details().get("revenueAtEnd"));
        assertEquals(r, new AccountGrowthRate(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01")));
    }

    @Test
    void allAccountsAtTheStartIsNrrMinusOneHundred() {
        KpiResult r = kpi(Accounts.ALL_AT_START).compute(query("2026-02-01", "2026-03-01"));
        // with 6 (100 -> 0): start 690, end 670: -20 / 690 = NRR (670 / 690 = 97.10) - 100
        assertEquals(-20.0 / 690 * 100, r.value(), 1e-9);
        assertEquals(670.0 / 690 * 100 - 100, r.value(), 1e-9);
        assertEquals(7L, r.details().get("accounts"));
    }

    @Test
    void churnedOnlyIsNoDataForRetainedButMinusOneHundredForAll() {
        // csm bob has customer 6 only, who churns in February
        KpiResult retained = kpi(Accounts.RETAINED).compute(query("2026-02-01", "2026-03-01", "csm", "bob"));
        assertFalse(retained.hasValue());
        assertTrue(retained.noDataReason().contains(
                "no accounts paying at both the start and the end of 2026-02-01..2026-03-01 for csm=bob"), retained.noDataReason());
        assertEquals(-100.0, kpi(Accounts.ALL_AT_START).compute(query("2026-02-01", "2026-03-01", "csm", "bob")).value());
    }

    @Test
    void nobodyAtTheStartIsNoData() {
        // every span starts on Jun 1 2025: nobody was paying at the start of June
        for (Accounts accounts : Accounts.values()) {
            KpiResult june = kpi(accounts).compute(query("2025-06-01", "2025-07-01"));
            assertFalse(june.hasValue());
            assertTrue(june.noDataReason().contains("2025-06-01..2025-07-01 for all customers"), june.noDataReason());
        }
        assertEquals(0.0, kpi(Accounts.RETAINED).compute(query("2025-08-01", "2025-09-01")).value());
    }

    @Test
    void halfOpenBoundaries() {
        // Feb 28: 9's span ends on Mar 1 so it still pays at the end; 3's rise on Mar 1 is not in: no growth
        assertEquals(0.0, kpi(Accounts.RETAINED).compute(query("2026-02-28", "2026-03-01")).value());
        // Mar 1: 3 rises 100 -> 500, 9 leaves; retained at start 150 + 300 + 100 + 50 + 100 + 80 + 30 = 810, end 1210
        assertEquals(400.0 / 810 * 100, kpi(Accounts.RETAINED).compute(query("2026-03-01", "2026-03-02")).value(), 1e-9);
        // with 9: 850 -> 1210
        assertEquals(360.0 / 850 * 100, kpi(Accounts.ALL_AT_START).compute(query("2026-03-01", "2026-03-02")).value(), 1e-9);
    }

    @Test
    void segment() {
        // pro in February, retained: 1: 100 -> 150, 3: 100, 9: 40: (290 - 240) / 240
        KpiResult pro = kpi(Accounts.RETAINED).compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(50.0 / 240 * 100, pro.value(), 1e-9);
        assertEquals(3L, pro.details().get("accounts"));
    }

    @Test
    void drillDownListsTheAccountsFastestGrowingFirst() {
        KpiTable t = kpi(Accounts.RETAINED).customers(query("2026-02-01", "2026-03-01"), new DrillDown("accounts", null, true, 50));
        assertEquals(List.of(1L, 2L, 3L, 9L, 10L, 4L), t.rows().stream().map(r -> r.get(t.column("customer_id"))).toList());
        assertEquals(List.of(50.0, 50.0, 0.0, 0.0, -40.0, -50.0),
                t.rows().stream().map(r -> ((Number) r.get(t.column("growth"))).doubleValue()).toList());
        assertEquals(List.of(100.0, 200.0, 100.0, 40.0, 50.0, 100.0), t.rows().stream().map(r -> r.get(t.column("mrr_before"))).toList());
        assertEquals(List.of(150.0, 300.0, 100.0, 40.0, 30.0, 50.0), t.rows().stream().map(r -> r.get(t.column("mrr_after"))).toList());

        KpiTable all = kpi(Accounts.ALL_AT_START).customers(query("2026-02-01", "2026-03-01"), new DrillDown("accounts", null, true, 50));
        assertEquals(7, all.rows().size());
        assertEquals(6L, all.rows().get(6).get(all.column("customer_id")));
        assertEquals(-100.0, ((Number) all.rows().get(6).get(all.column("growth"))).doubleValue());

        KpiTable biggest = kpi(Accounts.RETAINED).customers(query("2026-02-01", "2026-03-01", "plan", "starter"),
                new DrillDown("accounts", "mrr_after", true, 1));
        assertEquals(List.of(2L), biggest.rows().stream().map(r -> r.get(biggest.column("customer_id"))).toList());
        assertThrows(InvalidQueryException.class, () -> kpi(Accounts.RETAINED).customers(query("2026-02-01", "2026-03-01"),
                new DrillDown("changed", null, true, 5)));
    }

    @Test
    void definitionAndSettings() {
        assertEquals("RETAINED", kpi(Accounts.RETAINED).definition().parameters().get(0).value());
        assertTrue(kpi(Accounts.ALL_AT_START).definition().formula().contains("NRR - 100"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null));
    }
}
