package io.vitals.kpi.health;

import static io.vitals.testkit.Fixture.at;
import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.kpi.health.HealthScore.Settings;
import io.vitals.model.Invoice;
import io.vitals.store.DataWriter;
import io.vitals.testkit.Fixture;

/**
 * January 2026 (31 days; full usage at 15.5 active days by default). Three customers pay at its end:
 * <ul>
 * <li>1 (pro): usage 3/15.5, adoption 3/5, nps 0.3, tickets 1 - 2/3, payment 0.5, sentiment 0.75: 41.92 yellow;</li>
 * <li>2 (starter): usage 1, adoption 2/5, nps 0.9, tickets 1, payment 1, sentiment 0.5: 81.5 green;</li>
 * <li>4 (pro): usage 0, adoption 0, nps 0.5, tickets 0, payment 0, sentiment 0: 10 red.</li>
 * </ul>
 * Customer 3 (starter, free plan) uses the product but is not in the population.
 */
class HealthScoreTest {

    static final double SCORE_1 = 100 * (0.25 * (3 / 15.5) + 0.15 * (3 / 5.0) + 0.20 * 0.3 + 0.10 * (1 - 2 / 3.0)
            + 0.15 * 0.5 + 0.15 * 0.75);
    static final double SCORE_2 = 100 * (0.25 * 1 + 0.15 * (2 / 5.0) + 0.20 * 0.9 + 0.10 * 1 + 0.15 * 1 + 0.15 * 0.5);
    static final double SCORE_4 = 100 * (0.20 * 0.5);

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of("csm_sentiment", "4"))
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of())
            .customer(3, "2025-01-01", "starter", "NA", "bob", Map.of("csm_sentiment", "5"))
            .customer(4, "2025-01-01", "pro", "NA", "bob", Map.of("csm_sentiment", "1"));
    }

    @AfterEach
    void close() {
        data.close();
    }

    private HealthScore health() {
        return new HealthScore(data.metrics(), Settings.DEFAULT);
    }

    private void januaryCustomers() {
        data.subscription(1, 10_000, "2025-06-01", null)
            .subscription(2, 5_000, "2025-06-01", null)
            .subscription(3, 0, "2025-06-01", null)          // free: not in the population
            .subscription(4, 5_000, "2025-06-01", null);
        // customer 1: active on 01-05, 01-06 and 01-31 (3 days); login, create_report, export_csv
        data.event(1, "u1", "login", "2026-01-05T08:00").event(1, "u1", "create_report", "2026-01-05T09:00")
            .event(1, "u1", "login", "2026-01-06T23:59:59").event(1, "u1", "export_csv", "2026-01-31T23:59:59")
            .event(1, "u1", "invite_user", "2026-02-01T00:00")     // February: out
            .event(1, "u1", "view_dashboard", "2025-12-31T23:59:59"); // December: out
        // customer 1: latest NPS answer in the 365 days before the end is a 3
        data.nps(1L, 10, "2025-03-01").nps(1L, 3, "2026-01-20").nps(1L, 10, "2026-02-01");
        // customer 1: two tickets open at the end: one unresolved, one resolved at the end's instant
        data.ticket(1L, "normal", "2026-01-10", null, null, 0, 0)
            .ticket(1L, "normal", "2025-12-01", "2025-12-02", "2026-02-01T00:00", 0, 1)
            .ticket(1L, "normal", "2026-01-15", "2026-01-15", "2026-01-31T23:59:59", 0, 1)  // resolved before the end
            .ticket(1L, "normal", "2026-02-01", null, null, 0, 0);                          // created after it
        // customer 1: an open invoice, due when issued (past due); an uncollectible one a day before the 90-day window
        data.invoice(1, 10_000, 0, "2026-01-10", "open", "recurring")
            .invoice(1, 10_000, 0, "2025-11-02T23:59:59", "uncollectible", "recurring");

        // customer 2: active on 16 days (>= 15.5: full usage); login, invite_user
        for (int day = 1; day <= 16; day++) {
            data.event(2, "u2", "login", String.format("2026-01-%02dT10:00", day));
        }
        data.event(2, "u2", "invite_user", "2026-01-16T11:00");
        data.nps(2L, 9, "2025-02-01T00:00");                  // the window's first instant: in
        data.invoice(2, 5_000, 0, "2026-01-02", "paid", "recurring");

        // customer 3, not paying, used a fifth event name
        data.event(3, "u3", "view_dashboard", "2026-01-20");

        // customer 4: no usage; its NPS answer is a second too old; three open tickets; uncollectible at the window's start
        data.nps(4L, 10, "2025-01-31T23:59:59")
            .ticket(4L, "high", "2026-01-02", null, null, 0, 0)
            .ticket(4L, "high", "2026-01-03", null, null, 0, 0)
            .ticket(4L, "high", "2026-01-04", "2026-01-04", null, 0, 1)
            .invoice(4, 5_000, 0, "2025-11-03T00:00", "uncollectible", "recurring")
            .invoice(4, 5_000, 0, "2026-01-03", "paid", "recurring");
    }

    @Test
    void meanScoreAndBands() {
        januaryCustomers();
        KpiResult r = health().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(41.922043010752685, SCORE_1, 1e-9);
        assertEquals(81.5, SCORE_2, 1e-9);
        assertEquals(10.0, SCORE_4, 1e-9);
        assertEquals((SCORE_1 + SCORE_2 + SCORE_4) / 3, r.value(), 1e-9);
        assertEquals(3, r.sampleSize());
        assertEquals(1L, r.details().get("red"));
        assertEquals(1L, r.details().get("yellow"));
        assertEquals(1L, r.details().get("green"));

        KpiTable bands = r.table("bands").orElseThrow();
        assertEquals(List.of("band", "customers", "share"), bands.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(Unit.COUNT, bands.columns().get(1).unit());
        assertEquals(Unit.PERCENT, bands.columns().get(2).unit());
        assertEquals(List.of("red", "yellow", "green"), bands.rows().stream().map(row -> row.get(0)).toList());
        assertEquals(List.of(1L, 1L, 1L), bands.rows().stream().map(row -> row.get(1)).toList());
        assertEquals(100.0 / 3, (Double) bands.rows().get(0).get(2), 1e-9);
    }

    @Test
    void drillDownListsTheAtRiskCustomersByDefaultWithTheirMeasures() {
        januaryCustomers();
        KpiTable red = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("red", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "score", "usage", "adoption", "nps", "tickets",
                "payment", "sentiment"), red.columns().stream().map(KpiTable.Column::name).toList());
        assertTrue(red.columns().subList(6, 13).stream().allMatch(c -> c.unit() == Unit.SCORE));
        assertEquals(List.of(4L), red.rows().stream().map(row -> row.get(red.column("customer_id"))).toList());
        assertCells(List.of(10.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0), red.rows().get(0).subList(6, 13));

        KpiTable yellow = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("yellow", null, true, 50));
        assertEquals(1, yellow.rows().size());
        List<Object> one = yellow.rows().get(0);
        assertEquals(1L, one.get(yellow.column("customer_id")));
        assertEquals(SCORE_1, (Double) one.get(yellow.column("score")), 1e-9);
        assertEquals(100 * 3 / 15.5, (Double) one.get(yellow.column("usage")), 1e-9);
        assertEquals(60.0, (Double) one.get(yellow.column("adoption")), 1e-9);
        assertEquals(30.0, (Double) one.get(yellow.column("nps")), 1e-9);
        assertEquals(100.0 / 3, (Double) one.get(yellow.column("tickets")), 1e-9);
        assertEquals(50.0, (Double) one.get(yellow.column("payment")), 1e-9);
        assertEquals(75.0, (Double) one.get(yellow.column("sentiment")), 1e-9);

        KpiTable green = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("green", null, true, 50));
        assertEquals(List.of(2L), green.rows().stream().map(row -> row.get(green.column("customer_id"))).toList());
        assertCells(List.of(81.5, 100.0, 40.0, 90.0, 100.0, 100.0, 50.0), green.rows().get(0).subList(6, 13));

        // all, lowest score first; the free customer 3 is not in the population
        KpiTable all = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", null, true, 50));
        assertEquals(List.of(4L, 1L, 2L), all.rows().stream().map(row -> row.get(all.column("customer_id"))).toList());
        KpiTable leastUsage = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "usage", false, 1));
        assertEquals(4L, leastUsage.rows().get(0).get(leastUsage.column("customer_id")));
        assertThrows(InvalidQueryException.class,
                () -> health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "band", true, 5)));
    }

    @Test
    void noPayingCustomerAtTheEndIsNoData() {
        januaryCustomers();
        KpiResult r = health().compute(query("2025-01-01", "2025-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no paying customers at the end of 2025-01-01..2025-02-01 for all customers"),
                r.noDataReason());
        assertTrue(health().customers(query("2025-01-01", "2025-02-01"), new DrillDown("all", null, true, 50)).rows().isEmpty());
    }

    @Test
    void noUsageEventsInThePeriodIsNoData() {
        januaryCustomers();
        // March: customers 1, 2 and 4 pay, and no usage event was recorded in it
        KpiResult march = health().compute(query("2026-03-01", "2026-04-01"));
        assertFalse(march.hasValue());
        assertTrue(march.noDataReason().contains("no usage events in 2026-03-01..2026-04-01 for all customers"),
                march.noDataReason());
        assertTrue(march.noDataReason().contains("weightUsage and weightAdoption"), march.noDataReason());
        // a score without usage misses nothing: payment alone still answers
        Settings noUsage = new Settings(0.5, 3, 0, 0, 0, 0, 1, 0, 40, 70);
        assertTrue(new HealthScore(data.metrics(), noUsage).compute(query("2026-03-01", "2026-04-01")).hasValue());
    }

    @Test
    void populationIsWhoPaysJustBeforeTheEnd() {
        data.subscription(1, 1_000, "2025-06-01", "2026-02-01")            // ends at the end's instant: covers it, in
            .subscription(2, 1_000, "2025-06-01", "2026-01-31T23:59:59")   // ended a second earlier: out
            .subscription(3, 1_000, "2026-02-01", null)                    // starts at the end: out
            .subscription(4, 1_000, "2026-01-31T23:59:59", null);          // started in the last second: in
        data.event(3, "u3", "login", "2026-01-10");                        // usage is recorded, by customer 3 (out)
        KpiResult r = health().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(2, r.sampleSize());
        // neither did anything: usage 0, adoption 0, nps 0.5, tickets 1, payment 1; sentiment 0.75 for 1 and 0 for 4
        double one = 100 * (0.20 * 0.5 + 0.10 + 0.15 + 0.15 * 0.75);
        double four = 100 * (0.20 * 0.5 + 0.10 + 0.15);
        assertEquals((one + four) / 2, r.value(), 1e-9);
    }

    @Test
    void aCustomerWithNoSignalsIsJudgedNeutrallyWhereThereIsNone() {
        data.customer(5, "2025-01-01").subscription(5, 1_000, "2025-06-01", null);
        data.customer(6, "2025-01-01").event(6, "u6", "login", "2026-01-10");   // usage is recorded, by a customer not paying
        KpiResult r = health().compute(query("2026-01-01", "2026-02-01"));
        // 5 did not use the product: usage and adoption 0; no NPS and no sentiment: 0.5 each; no tickets, no invoices: 1 each
        assertEquals(100 * (0.20 * 0.5 + 0.10 * 1 + 0.15 * 1 + 0.15 * 0.5), r.value(), 1e-9);
        assertEquals(42.5, r.value(), 1e-9);
    }

    @Test
    void openInvoiceNotYetDueIsNoPaymentProblem() throws Exception {
        data.subscription(1, 1_000, "2025-06-01", null).subscription(2, 1_000, "2025-06-01", null);
        try (DataWriter.Batch batch = data.store().batch()) {
            // issued in January, due in February: open but not past due at the end
            batch.add(new Invoice(0, Fixture.SOURCE, "due-later", 1, null, at("2026-01-20"), at("2026-02-19"), null, 1_000, 0,
                    "USD", "open", "recurring"));
            // due exactly at the end: not before it, so not past due either
            batch.add(new Invoice(0, Fixture.SOURCE, "due-at-end", 2, null, at("2026-01-02"), at("2026-02-01"), null, 1_000, 0,
                    "USD", "open", "recurring"));
            batch.commit();
        }
        KpiTable all = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "customer_id", false, 50));
        assertCells(List.of(100.0, 100.0), all.rows().stream().map(row -> row.get(all.column("payment"))).toList());
        // a period ending on 2026-02-20 sees the first one past due: 0.5
        KpiTable later = health().customers(query("2026-02-01", "2026-02-20"), new DrillDown("all", "customer_id", false, 50));
        assertCells(List.of(50.0, 50.0), later.rows().stream().map(row -> row.get(later.column("payment"))).toList());
    }

    @Test
    void sentimentOutsideOneToFiveIsAbsentAndNpsTiesTakeTheLastRecorded() {
        data.customer(5, "2025-01-01", "pro", "EMEA", "alice", Map.of("csm_sentiment", "9"))
            .customer(6, "2025-01-01", "pro", "EMEA", "alice", Map.of("csm_sentiment", "great"))
            .customer(7, "2025-01-01", "pro", "EMEA", "alice", Map.of("csm_sentiment", "3.5"))
            .subscription(5, 1_000, "2025-06-01", null).subscription(6, 1_000, "2025-06-01", null)
            .subscription(7, 1_000, "2025-06-01", null)
            .nps(5L, 2, "2026-01-10").nps(5L, 8, "2026-01-10");   // same instant: the one recorded last counts
        KpiTable all = health().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "customer_id", false, 50));
        assertCells(List.of(50.0, 50.0, 62.5), all.rows().stream().map(row -> row.get(all.column("sentiment"))).toList());
        assertCells(List.of(80.0, 50.0, 50.0), all.rows().stream().map(row -> row.get(all.column("nps"))).toList());
    }

    @Test
    void weightsAndBandsAreParameters() {
        januaryCustomers();
        // payment alone decides: customer 1 50, 2 100, 4 0; red below 50, green from 100
        Settings paymentOnly = new Settings(0.5, 3, 0, 0, 0, 0, 1, 0, 50, 100);
        HealthScore kpi = new HealthScore(data.metrics(), paymentOnly);
        KpiResult r = kpi.compute(query("2026-01-01", "2026-02-01"));
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(1L, r.details().get("red"));     // 0
        assertEquals(1L, r.details().get("yellow"));  // 50 is not below 50
        assertEquals(1L, r.details().get("green"));   // 100
        String formula = kpi.definition().formula();
        assertTrue(formula.contains("100 x (0 usage + 0 adoption + 0 nps + 0 tickets + 1 payment + 0 sentiment) / 1"), formula);
        assertTrue(formula.contains("Red below 50, yellow below 100"), formula);

        // weights need not add up to 1: doubling them all changes nothing
        Settings doubled = new Settings(0.5, 3, 0.5, 0.3, 0.4, 0.2, 0.3, 0.3, 40, 70);
        assertEquals(health().compute(query("2026-01-01", "2026-02-01")).value(),
                new HealthScore(data.metrics(), doubled).compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void usageTargetAndTicketCeilingAreParameters() {
        januaryCustomers();
        // usage alone, target every day: customer 1 3/31, 2 16/31, 4 0
        Settings usageOnly = new Settings(1.0, 3, 1, 0, 0, 0, 0, 0, 40, 70);
        KpiResult r = new HealthScore(data.metrics(), usageOnly).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(100 * (3 / 31.0 + 16 / 31.0) / 3, r.value(), 1e-9);
        // tickets alone, ceiling 4: customer 1 1 - 2/4, 2 1, 4 1 - 3/4
        Settings ticketsOnly = new Settings(0.5, 4, 0, 0, 0, 1, 0, 0, 40, 70);
        KpiResult t = new HealthScore(data.metrics(), ticketsOnly).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(100 * (0.5 + 1 + 0.25) / 3, t.value(), 1e-9);
    }

    @Test
    void segmentRestrictsThePopulationAndTheEventsAdoptionIsJudgedAgainst() {
        januaryCustomers();
        KpiResult pro = health().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(2, pro.sampleSize());
        // among pro customers only customer 1 used the product: its adoption is 3/3 = 1 there
        double oneInPro = SCORE_1 + 100 * 0.15 * (1 - 3 / 5.0);
        assertEquals((oneInPro + SCORE_4) / 2, pro.value(), 1e-9);
        KpiTable red = health().customers(query("2026-01-01", "2026-02-01", "csm", "bob"), new DrillDown("red", null, true, 50));
        assertEquals(List.of(4L), red.rows().stream().map(row -> row.get(red.column("customer_id"))).toList());
    }

    @Test
    void definitionStatesTheMeasuresAndWeightsInForce() {
        KpiDefinition d = health().definition();
        assertEquals("health-score", d.id());
        assertEquals(Unit.SCORE, d.unit());
        assertEquals(Direction.HIGHER_IS_BETTER, d.direction());
        assertEquals(List.of("red", "yellow", "green", "all"), d.drillDowns());
        assertTrue(d.formula().contains("100 x (0.25 usage + 0.15 adoption + 0.2 nps + 0.1 tickets + 0.15 payment + 0.15 sentiment)"),
                d.formula());
        assertTrue(d.formula().contains("days in the period x 0.5"), d.formula());
        assertTrue(d.formula().contains("tickets open at the end / 3"), d.formula());
        assertEquals(10, d.parameters().size());
    }

    @Test
    void theConfigurationFileIsWhatItComputes() {
        januaryCustomers();
        // an edited file reactivates the component (no @Modified: a wrong value then shows as misconfigured)
        HealthScore kpi = new HealthScore(data.metrics(), config(1.0, 1, 0, 0, 0, 0, 1, 0, 10, 20));
        // payment alone: 50, 100, 0 -> mean 50; red below 10 (customer 4), green from 20 (1 and 2)
        KpiResult r = kpi.compute(query("2026-01-01", "2026-02-01"));
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(1L, r.details().get("red"));
        assertEquals(0L, r.details().get("yellow"));
        assertEquals(2L, r.details().get("green"));
        assertEquals("1.0", kpi.definition().parameters().get(0).value());
        assertThrows(IllegalArgumentException.class, () -> new HealthScore(data.metrics(), config(0, 1, 1, 0, 0, 0, 0, 0, 10, 20)));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 3, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1.5, 3, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 0, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, -0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, 0, 0, 0, 0, 0, 0, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, Double.NaN, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 70, 40));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, -1, 70));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 3, 0.25, 0.15, 0.2, 0.1, 0.15, 0.15, 40, 101));
    }

    /** Numbers computed in floating point, compared to 1e-9. */
    static void assertCells(List<Double> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size(), () -> "cells " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), ((Number) actual.get(i)).doubleValue(), 1e-9, "cell " + i + " of " + actual);
        }
    }

    static HealthScore.Config config(double usageTarget, int ticketCeiling, double wUsage, double wAdoption, double wNps,
            double wTickets, double wPayment, double wSentiment, double redBelow, double greenFrom) {
        return new HealthScore.Config() {
            @Override public Class<? extends Annotation> annotationType() { return HealthScore.Config.class; }
            @Override public double usageTarget() { return usageTarget; }
            @Override public int ticketCeiling() { return ticketCeiling; }
            @Override public double weightUsage() { return wUsage; }
            @Override public double weightAdoption() { return wAdoption; }
            @Override public double weightNps() { return wNps; }
            @Override public double weightTickets() { return wTickets; }
            @Override public double weightPayment() { return wPayment; }
            @Override public double weightSentiment() { return wSentiment; }
            @Override public double redBelow() { return redBelow; }
            @Override public double greenFrom() { return greenFrom; }
        };
    }
}
