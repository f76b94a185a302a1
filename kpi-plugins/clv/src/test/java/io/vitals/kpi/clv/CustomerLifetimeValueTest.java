package io.vitals.kpi.clv;

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
import io.vitals.kpi.clv.CustomerLifetimeValue.Mode;
import io.vitals.kpi.clv.CustomerLifetimeValue.Settings;
import io.vitals.testkit.Fixture;

class CustomerLifetimeValueTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 6; id++) {
            data.customer(id, "2025-01-01", id % 2 == 1 ? "pro" : "starter", "EMEA", id == 4 ? "bob" : "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)
            .subscription(2, 10_000, "2025-06-01", null)
            .subscription(3, 10_000, "2025-06-01", null)
            .subscription(4, 10_000, "2025-06-01", "2026-02-15")    // churns in February
            .subscription(5, 20_000, "2026-02-10", null)            // new in February: not in the churn rate
            .subscription(6, 0, "2025-06-01", null);                // trial: never paying
        data.invoice(1, 10_000, 0, "2026-02-01T00:00", "paid", "recurring")       // first instant: in
            .invoice(1, 5_000, 0, "2026-02-10", "paid", "one_off")                // one-off purchases count
            .invoice(2, 10_000, 0, "2026-02-28T23:59:59", "paid", "recurring")    // last second: in
            .invoice(3, 10_000, 0, "2026-02-10", "open", "recurring")             // not paid
            .invoice(3, 2_000, 0, "2026-02-10", "paid", "refund")                 // a refund is no purchase
            .invoice(4, 10_000, 0, "2026-03-01T00:00", "paid", "recurring")       // March's
            .invoice(5, 20_000, 4_000, "2026-02-10", "paid", "recurring")         // tax is not revenue: 200.00
            .invoice(6, 10_000, 0, "2026-02-10", "void", "recurring")             // void
            .invoice(1, 10_000, 0, "2026-01-10", "paid", "recurring");            // January's
    }

    @AfterEach
    void close() {
        data.close();
    }

    private CustomerLifetimeValue kpi(Mode mode, double grossMargin) {
        return new CustomerLifetimeValue(data.metrics(), new Settings(mode, grossMargin));
    }

    /** 1 - (1 - c)^(30.436875 / days). */
    private static double monthly(double c, int days) {
        return 1 - Math.pow(1 - c, 30.436875 / days);
    }

    @Test
    void classicValueTimesFrequencyTimesLifetime() {
        KpiResult r = kpi(Mode.CLASSIC, 1.0).compute(query("2026-02-01", "2026-03-01"));
        // purchases: 100 + 50 (1), 100 (2), 200 (5) = 450.00 in 4; value 112.50, frequency 4 / 3 buyers
        // churn: 1, 2, 3, 4 paying at the start, 4 gone at the end: c = 1/4, lifetime 4 periods
        // 112.50 x 4/3 x 4 = 600.00
        assertEquals(600.0, r.value(), 1e-9);
        assertEquals(4, r.sampleSize());
        assertEquals(112.5, (double) r.details().get("averagePurchaseValue"), 1e-9);
        assertEquals(4.0 / 3, (double) r.details().get("purchaseFrequency"), 1e-9);
        assertEquals(25.0, (double) r.details().get("churnRate"), 1e-9);
        assertEquals(4.0, (double) r.details().get("lifetimePeriods"), 1e-9);
        assertEquals(r, new CustomerLifetimeValue(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01")));
    }

    @Test
    void grossMarginScalesBothVariants() {
        assertEquals(480.0, kpi(Mode.CLASSIC, 0.8).compute(query("2026-02-01", "2026-03-01")).value(), 1e-9);
        double full = kpi(Mode.SUBSCRIPTION, 1.0).compute(query("2026-02-01", "2026-03-01")).value();
        assertEquals(full * 0.5, kpi(Mode.SUBSCRIPTION, 0.5).compute(query("2026-02-01", "2026-03-01")).value(), 1e-9);
    }

    @Test
    void subscriptionArpaOverMonthlyChurn() {
        KpiResult r = kpi(Mode.SUBSCRIPTION, 0.8).compute(query("2026-02-01", "2026-03-01"));
        // ARPA at the end: 1, 2, 3 (100 each) and 5 (200): 500 / 4 = 125.00
        // c = 1/4 over 28 days; a month is 30.436875 days: 1 - 0.75^1.0870 = 0.2685 a month
        // 125 x 0.8 / 0.2685 = 372.4
        assertEquals(125 * 0.8 / monthly(0.25, 28), r.value(), 1e-9);
        assertEquals(372.4, r.value(), 0.05);
        assertEquals(125.0, r.details().get("arpa"));
        assertEquals(0.8, r.details().get("grossMargin"));
        assertEquals(25.0, (double) r.details().get("churnRate"), 1e-9);
        assertEquals(100 * monthly(0.25, 28), (double) r.details().get("monthlyChurnRate"), 1e-9);
    }

    @Test
    void zeroChurnIsNoDataWithTheReason() {
        // January: 1, 2, 3, 4 pay at both ends; customer 1 bought in January
        for (Mode mode : Mode.values()) {
            KpiResult r = kpi(mode, 1.0).compute(query("2026-01-01", "2026-02-01"));
            assertFalse(r.hasValue(), mode.name());
            assertEquals("the customer churn rate is 0 in 2026-01-01..2026-02-01 for all customers, so a lifetime cannot be estimated",
                    r.noDataReason());
        }
    }

    @Test
    void otherMissingPiecesAreNoData() {
        // June 2025: every span starts on Jun 1, so nobody pays at its start
        KpiResult june = kpi(Mode.CLASSIC, 1.0).compute(query("2025-06-01", "2025-07-01"));
        assertFalse(june.hasValue());
        assertTrue(june.noDataReason().contains("no paying customers at the start of 2025-06-01..2025-07-01"), june.noDataReason());
        // csm bob is customer 4 alone: it churns in February (c = 1), has no February purchase and nobody pays at the end
        KpiResult classic = kpi(Mode.CLASSIC, 1.0).compute(query("2026-02-01", "2026-03-01", "csm", "bob"));
        assertTrue(classic.noDataReason().contains("no paid purchases (recurring or one-off invoices) issued in 2026-02-01..2026-03-01"
                + " for csm=bob"), classic.noDataReason());
        KpiResult subscription = kpi(Mode.SUBSCRIPTION, 1.0).compute(query("2026-02-01", "2026-03-01", "csm", "bob"));
        assertTrue(subscription.noDataReason().contains("no paying customers at the end of 2026-02-01..2026-03-01 for csm=bob"),
                subscription.noDataReason());
    }

    @Test
    void halfOpenPeriod() {
        // the last day of February alone: 1, 2, 3, 5 pay at both ends (c = 0); its one purchase is 2's at 23:59:59
        assertTrue(kpi(Mode.CLASSIC, 1.0).compute(query("2026-02-28", "2026-03-01")).noDataReason()
                .startsWith("the customer churn rate is 0"));
        // Feb 15 alone: 4's span ends at Feb 15 00:00, so it covers the start of the day and not its end: c = 1/5
        // (1, 2, 3, 4, 5 at the start); ARPA at the end 500 / 4; the one-day rate compounds to almost 1 a month
        KpiResult day = kpi(Mode.SUBSCRIPTION, 1.0).compute(query("2026-02-15", "2026-02-16"));
        assertEquals(125.0 / monthly(0.2, 1), day.value(), 1e-9);
        // and nobody bought anything that day
        assertTrue(kpi(Mode.CLASSIC, 1.0).compute(query("2026-02-15", "2026-02-16")).noDataReason().startsWith("no paid purchases"));
    }

    @Test
    void segment() {
        // starter: 2 and 4 at the start, 4 churns: c = 1/2; purchases: 2's 100.00 alone: 100 x 1 x 2 = 200
        KpiResult classic = kpi(Mode.CLASSIC, 1.0).compute(query("2026-02-01", "2026-03-01", "plan", "starter"));
        assertEquals(200.0, classic.value(), 1e-9);
        assertEquals(2, classic.sampleSize());
        // ARPA: 2 alone pays at the end, 100.00
        KpiResult subscription = kpi(Mode.SUBSCRIPTION, 1.0).compute(query("2026-02-01", "2026-03-01", "plan", "starter"));
        assertEquals(100.0 / monthly(0.5, 28), subscription.value(), 1e-9);
    }

    @Test
    void definitionStatesTheVariantInForce() {
        KpiDefinition classic = kpi(Mode.CLASSIC, 1.0).definition();
        assertTrue(classic.formula().startsWith("average purchase value x purchase frequency x average lifetime;"), classic.formula());
        assertEquals(List.of("mode", "grossMargin"), classic.parameters().stream().map(p -> p.name()).toList());
        KpiDefinition subscription = kpi(Mode.SUBSCRIPTION, 0.7).definition();
        assertTrue(subscription.formula().contains("x gross margin 0.7 / monthly churn"), subscription.formula());
        assertEquals("0.7", subscription.parameters().get(1).value());
        assertEquals("1.0", subscription.parameters().get(1).defaultValue());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(Mode.CLASSIC, 0));
        assertThrows(IllegalArgumentException.class, () -> new Settings(Mode.CLASSIC, -0.2));
        assertThrows(IllegalArgumentException.class, () -> new Settings(Mode.CLASSIC, 1.01));
        assertThrows(IllegalArgumentException.class, () -> new Settings(Mode.CLASSIC, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Settings(null, 1.0));
        assertEquals(1.0, new Settings(Mode.SUBSCRIPTION, 1.0).grossMargin());
    }
}
