package io.vitals.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitals.alert.Alert;
import io.vitals.kpi.Direction;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;

/** Rules evaluated on values worked out by hand: one alert per confirmed crossing, none for a flap, none again after a restart. */
class AlertingTest {

    static final LocalDate TODAY = LocalDate.parse("2026-06-01");

    final FakeKpis kpis = new FakeKpis()
            .kpi("nps", Direction.HIGHER_IS_BETTER).target("nps", 30, 20.0)        // green >= 30, yellow >= 20, red below
            .kpi("customer-churn-rate", Direction.LOWER_IS_BETTER).target("customer-churn-rate", 2.5, null) // yellow up to 2.75
            .kpi("health-score", Direction.HIGHER_IS_BETTER, "red", "yellow", "green", "all");
    final MemoryAlertStore store = new MemoryAlertStore();
    final TestClock clock = new TestClock("2026-06-01T06:00:00Z");
    final List<Alert> raised = new ArrayList<>();
    Alerting alerting = new Alerting(kpis, kpis, store, clock, () -> TODAY, raised::add);

    static AlertRule.Spec rule(String kpi, int confirmations, int quietMinutes) {
        return new AlertRule.Spec(kpi + "-watch", kpi, Segment.ALL, null, List.of("log", "slack"), "last-30-days", confirmations,
                Duration.ofMinutes(quietMinutes), 10, null);
    }

    static AlertRule.Spec customers(String subset, int confirmations, int max) {
        return new AlertRule.Spec("at-risk", "health-score", Segment.ALL, subset, List.of("log"), "last-30-days", confirmations,
                Duration.ofMinutes(60), max, null);
    }

    /** Sets the KPI's value, evaluates the rule, and moves the clock on by a quarter of an hour. */
    List<Alert> see(AlertRule.Spec rule, double value) {
        kpis.values.put(rule.kpi(), value);
        List<Alert> out = alerting.evaluate(rule).raised();
        clock.advance(Duration.ofMinutes(15));
        return out;
    }

    @Test
    void aStatusChangeAlertsOnceWhenItHasHeldAndAgainWhenItComesBack() {
        AlertRule.Spec nps = rule("nps", 2, 60);
        assertEquals(List.of(), see(nps, 34), "34 >= 30: green, the baseline; nothing to say");
        assertEquals(List.of(), see(nps, 25), "20 <= 25 < 30: yellow, seen once");
        assertEquals(List.of(), see(nps, 18), "18 < 20: red, seen once (yellow did not hold)");
        List<Alert> red = see(nps, 15);
        assertEquals(1, red.size(), "red held for two evaluations");
        Alert a = red.get(0);
        assertEquals("GREEN", a.from());
        assertEquals("RED", a.to());
        assertEquals(15.0, a.value());
        assertEquals(30.0, a.target());
        assertEquals(List.of("log", "slack"), a.deliveries().stream().map(Alert.Delivery::channel).toList());
        assertEquals("nps is red: 15 against a target of 30 (warning 20), was green; rule nps-watch, 2026-05-02 to 2026-05-31",
                a.message());
        assertTrue(a.worse());
        assertEquals(new Period(LocalDate.parse("2026-05-02"), TODAY), kpis.asked.get(0).period());

        assertEquals(List.of(), see(nps, 16), "still red: no second alert");
        assertEquals(List.of(), see(nps, 12.5));
        clock.advance(Duration.ofHours(1));
        assertEquals(List.of(), see(nps, 31), "green, seen once");
        List<Alert> back = see(nps, 32);
        assertEquals(1, back.size());
        assertEquals("RED", back.get(0).from());
        assertEquals("GREEN", back.get(0).to());
        assertTrue(back.get(0).message().startsWith("nps is back to green: 32 against a target of 30"), back.get(0).message());
        assertEquals(2, store.all().size());
    }

    @Test
    void aKpiAlreadyOffTargetAlertsAtTheFirstLookAndAQuietPeriodHoldsTheNextAlertBack() {
        AlertRule.Spec churn = rule("customer-churn-rate", 1, 60);
        List<Alert> first = see(churn, 2.6); // lower is better: 2.5 < 2.6 <= 2.75 (10 % above the target) is yellow
        assertEquals(1, first.size());
        assertEquals("GREEN", first.get(0).from());
        assertEquals("YELLOW", first.get(0).to());
        assertEquals(List.of(), see(churn, 3.0), "red 15 minutes after the last alert: held back");
        assertEquals(List.of(), see(churn, 3.1), "30 minutes");
        assertEquals(List.of(), see(churn, 3.2), "45 minutes");
        List<Alert> red = see(churn, 3.3);
        assertEquals(1, red.size(), "an hour after the last alert, still red: now it alerts");
        assertEquals("YELLOW", red.get(0).from());
        assertEquals("RED", red.get(0).to());
        assertEquals(3.3, red.get(0).value());
    }

    @Test
    void aKpiFlappingAroundItsTargetDoesNotFloodTheChannel() {
        AlertRule.Spec nps = rule("nps", 2, 60);
        double[] values = {31, 29, 31, 29.5, 30, 29.9, 30.2, 28, 33, 27, 30, 29, 31, 29, 31, 29};
        int alerts = 0;
        for (double v : values) {
            alerts += see(nps, v).size();
        }
        assertEquals(0, alerts, "16 evaluations flipping between green and yellow: not one alert");
        alerts += see(nps, 29).size(); // 29 after 29: yellow has held for two evaluations
        assertEquals(1, alerts);
        for (double v : values) {
            alerts += see(nps, v).size();
        }
        assertEquals(1, alerts, "flapping on, with yellow confirmed: still the one alert");
        assertEquals(1, raised.size());
        assertEquals("YELLOW", raised.get(0).to());
    }

    @Test
    void aRestartRemembersWhereTheRuleWasAndDoesNotAlertAgain() {
        AlertRule.Spec nps = rule("nps", 1, 0);
        assertEquals(1, see(nps, 10).size());
        alerting = new Alerting(kpis, kpis, store, clock, () -> TODAY, raised::add); // a restart: the same store, a new engine
        assertEquals(List.of(), see(nps, 10));
        assertEquals(List.of(), see(nps, 11));
        assertEquals(1, store.all().size());
    }

    @Test
    void noDataAndNoTargetRaiseNothingAndForgetNothing() {
        AlertRule.Spec nps = rule("nps", 1, 0);
        assertEquals(1, see(nps, 10).size());
        kpis.values.remove("nps");
        Alerting.Outcome none = alerting.evaluate(nps);
        assertEquals(List.of(), none.raised());
        assertNull(none.problem());
        assertEquals(List.of(), see(nps, 10), "red before the gap, red after it: no new alert");

        Alerting.Outcome noTarget = alerting.evaluate(rule("health-score", 1, 0));
        assertEquals("rule health-score-watch: health-score has no target; add one in etc/vitals.target-<name>.cfg", noTarget.problem());
        Alerting.Outcome unknown = alerting.evaluate(rule("npx", 1, 0));
        assertEquals("rule npx-watch: no KPI 'npx' is installed (kpi:list shows them)", unknown.problem());
    }

    @Test
    void customersEnteringASubsetAlertOneEachAndManyAtOnceAlertOnce() {
        AlertRule.Spec red = customers("red", 1, 2);
        Map<String, String> now = new LinkedHashMap<>();
        kpis.subsets.put("red", now);
        now.put("c1", "Acme");
        now.put("c2", "Birch");
        List<Alert> first = alerting.evaluate(red).raised();
        assertEquals(List.of("c1", "c2"), first.stream().map(Alert::customerId).toList());
        assertEquals("Acme (c1) is now in health-score red; rule at-risk, 2026-05-02 to 2026-05-31", first.get(0).message());
        assertNull(first.get(0).from());
        assertEquals("red", first.get(0).to());
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of(), alerting.evaluate(red).raised(), "the same customers: nothing new");

        now.remove("c1");
        now.put("c3", "Cedar");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of("c3"), alerting.evaluate(red).raised().stream().map(Alert::customerId).toList());
        now.put("c1", "Acme");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of(), alerting.evaluate(red).raised(), "Acme left and came back within the quiet period: no alert");

        now.put("c4", "Dune");
        now.put("c5", "Elm");
        now.put("c6", "Fir");
        clock.advance(Duration.ofMinutes(10));
        List<Alert> many = alerting.evaluate(red).raised();
        assertEquals(1, many.size(), "three customers at once, above the limit of two: one alert naming them");
        assertNull(many.get(0).customerId());
        assertEquals(3.0, many.get(0).value());
        assertTrue(many.get(0).message().startsWith("3 customers are now in health-score red: Dune (c4), Elm (c5), Fir (c6) (kpi:customers"),
                many.get(0).message());
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of(), alerting.evaluate(red).raised());
        assertEquals(4, store.all().size());
    }

    @Test
    void aFirstLookCutShortByTheStoreDoesNotAlertTheSameCustomerTwice() {
        AlertRule.Spec red = customers("red", 1, 5);
        Map<String, String> now = new LinkedHashMap<>();
        kpis.subsets.put("red", now);
        now.put("c1", "Acme");
        now.put("c2", "Birch");
        store.failAtRecord = 2; // the first alert is recorded, the second write fails
        try {
            alerting.evaluate(red);
        } catch (IllegalStateException expected) {
            // the evaluation is retried
        }
        assertEquals(List.of("c1"), store.all().stream().map(Alert::customerId).toList());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("c2"), alerting.evaluate(red).raised().stream().map(Alert::customerId).toList(),
                "the retry alerts only the customer whose alert was not recorded");
        assertEquals(List.of("c1", "c2"), store.all().stream().map(Alert::customerId).sorted().toList());
    }
}
