package io.vitals.kpi.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.health.HealthScore.Settings;
import io.vitals.model.Invoice;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Fixture;
import io.vitals.testkit.RandomData;
import io.vitals.testkit.Reference;

/** The health score in SQL against plain loops over the records, on random datasets. */
class HealthScoreDifferentialTest {

    static final long DAY = 86_400;

    @TempDir
    Path dir;

    /** Every customer paying at the end of the period, with its measures usage, adoption, nps, tickets, payment, sentiment. */
    static Map<Long, double[]> measures(Dataset d, KpiQuery q, Settings s) {
        long from = Reference.from(q);
        long to = Reference.to(q);
        Set<Long> segment = d.customersIn(q.segment());
        Set<Long> population = Reference.payingAt(d, to, segment);

        Map<Long, Set<Long>> activeDays = new HashMap<>();
        Map<Long, Set<String>> eventsUsed = new HashMap<>();
        Set<String> anybody = new HashSet<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), q.period()) && segment.contains(e.customerId())) {
                activeDays.computeIfAbsent(e.customerId(), k -> new HashSet<>()).add(e.occurredAt().getEpochSecond() / DAY);
                eventsUsed.computeIfAbsent(e.customerId(), k -> new HashSet<>()).add(e.event());
                anybody.add(e.event());
            }
        }

        Map<Long, double[]> out = new TreeMap<>();
        for (long c : population) {
            double days = activeDays.getOrDefault(c, Set.of()).size();
            double usage = Math.min(1.0, days / (q.period().days() * s.usageTarget()));

            double adoption = anybody.isEmpty() ? 0.0 : (double) eventsUsed.getOrDefault(c, Set.of()).size() / anybody.size();

            SurveyResponse latest = null;
            for (SurveyResponse r : d.responses) {
                long t = r.answeredAt().getEpochSecond();
                if (r.type() == SurveyType.NPS && r.scaleMin() == 0 && r.scaleMax() == 10 && Long.valueOf(c).equals(r.customerId())
                        && t >= to - 365 * DAY && t < to
                        && (latest == null || !r.answeredAt().isBefore(latest.answeredAt()))) {
                    latest = r; // on a tie the one recorded later wins
                }
            }
            double nps = latest == null ? 0.5 : latest.score() / 10.0;

            long open = 0;
            for (SupportTicket t : d.tickets) {
                if (Long.valueOf(c).equals(t.customerId()) && t.createdAt().getEpochSecond() < to
                        && (t.resolvedAt() == null || t.resolvedAt().getEpochSecond() >= to)) {
                    open++;
                }
            }
            double tickets = 1.0 - Math.min(1.0, (double) open / s.ticketCeiling());

            boolean uncollectible = false;
            boolean overdue = false;
            for (Invoice i : d.invoices) {
                long issued = i.issuedAt().getEpochSecond();
                if (i.customerId() == c && issued >= to - 90 * DAY && issued < to) {
                    uncollectible |= i.status().equals("uncollectible");
                    overdue |= i.status().equals("open") && i.dueAt() != null && i.dueAt().getEpochSecond() < to;
                }
            }
            double payment = uncollectible ? 0.0 : overdue ? 0.5 : 1.0;

            double sentiment = 0.5;
            String rating = d.customer(c).attributes().get("csm_sentiment");
            if (rating != null) {
                try {
                    double v = Double.parseDouble(rating.trim());
                    if (v >= 1 && v <= 5) {
                        sentiment = (v - 1) / 4.0;
                    }
                } catch (NumberFormatException notANumber) {
                    // absent
                }
            }
            out.put(c, new double[] {usage, adoption, nps, tickets, payment, sentiment});
        }
        return out;
    }

    static double score(double[] m, Settings s) {
        double total = s.weightUsage() + s.weightAdoption() + s.weightNps() + s.weightTickets() + s.weightPayment()
                + s.weightSentiment();
        return 100.0 * (s.weightUsage() * m[0] + s.weightAdoption() * m[1] + s.weightNps() * m[2] + s.weightTickets() * m[3]
                + s.weightPayment() * m[4] + s.weightSentiment() * m[5]) / total;
    }

    static KpiResult reference(Dataset d, KpiQuery q, Settings s) {
        Map<Long, double[]> all = measures(d, q, s);
        if (all.isEmpty()) {
            return KpiResult.noData("nobody pays at the end");
        }
        Set<Long> segment = d.customersIn(q.segment());
        if (s.weightUsage() + s.weightAdoption() > 0
                && d.events.stream().noneMatch(e -> Reference.in(e.occurredAt(), q.period()) && segment.contains(e.customerId()))) {
            return KpiResult.noData("no usage events");
        }
        double sum = 0;
        long red = 0;
        long yellow = 0;
        long green = 0;
        for (double[] m : all.values()) {
            double score = score(m, s);
            sum += score;
            if (score < s.redBelow()) {
                red++;
            } else if (score < s.greenFrom()) {
                yellow++;
            } else {
                green++;
            }
        }
        return KpiResult.value(sum / all.size(), all.size()).with("red", red).with("yellow", yellow).with("green", green);
    }

    static final Settings VARIANT = new Settings(1.0, 1, 0.1, 0.3, 0, 0.2, 0.25, 0.15, 30, 60);

    @Test
    void defaultSettings() {
        Differential.check(dir, 40, store -> new HealthScore(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Settings.DEFAULT), "red", "yellow", "green");
    }

    @Test
    void otherWeightsTargetCeilingAndBands() {
        Differential.check(dir, 40, store -> new HealthScore(store, VARIANT),
                (d, q) -> reference(d, q, VARIANT), "red", "yellow", "green");
    }

    /** The drill-down's per-customer measures and scores, for every customer of the population. */
    @Test
    void everyCustomersMeasures() throws Exception {
        for (long seed = 1; seed <= 15; seed++) {
            Dataset data = RandomData.generate(seed);
            try (Fixture fixture = Fixture.in(Files.createDirectories(dir.resolve("measures-" + seed)))) {
                fixture.load(data);
                HealthScore kpi = new HealthScore(fixture.metrics(), VARIANT);
                for (KpiQuery q : Differential.queries(data)) {
                    Map<Long, double[]> expected = measures(data, q, VARIANT);
                    KpiTable table = kpi.customers(q, new DrillDown("all", "customer_id", false, 1000));
                    String where = "seed " + seed + ", " + q.period() + ", " + q.segment();
                    assertEquals(List.copyOf(expected.keySet()),
                            table.rows().stream().map(r -> r.get(table.column("customer_id"))).toList(), where);
                    for (List<Object> row : table.rows()) {
                        double[] m = expected.get((Long) row.get(table.column("customer_id")));
                        String[] names = {"usage", "adoption", "nps", "tickets", "payment", "sentiment"};
                        for (int i = 0; i < names.length; i++) {
                            assertEquals(100 * m[i], ((Number) row.get(table.column(names[i]))).doubleValue(), 1e-9,
                                    where + ", customer " + row.get(0) + ", " + names[i]);
                        }
                        assertEquals(score(m, VARIANT), ((Number) row.get(table.column("score"))).doubleValue(), 1e-9,
                                where + ", customer " + row.get(0) + ", score");
                    }
                }
            }
        }
    }
}
