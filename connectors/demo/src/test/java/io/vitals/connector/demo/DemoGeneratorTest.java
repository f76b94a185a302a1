package io.vitals.connector.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.store.Row;
import io.vitals.store.StoreTime;
import io.vitals.testkit.Fixture;

class DemoGeneratorTest {

    static final DemoGenerator.Settings SMALL = new DemoGenerator.Settings(300, 7, LocalDate.parse("2026-06-01"), 24, 120);

    @TempDir
    Path dir;

    /** A fingerprint of the data: counts and sums that any difference would change. */
    private static List<Object> fingerprint(Fixture f) {
        KpiQuery all = new KpiQuery(Period.parse("1990-01-01", "2100-01-01"), null);
        Row r = f.metrics().queryRow("""
                SELECT (SELECT count(*) || ':' || sum(mrr_cents) || ':' || sum(started_at) FROM subscriptions) AS subs,
                       (SELECT count(*) || ':' || sum(score) || ':' || sum(answered_at) FROM survey_responses) AS surveys,
                       (SELECT count(*) || ':' || sum(occurred_at) FROM usage_events) AS usage,
                       (SELECT count(*) || ':' || sum(coalesce(resolved_at, 0)) FROM tickets) AS tickets,
                       (SELECT count(*) || ':' || sum(amount_cents) FROM invoices) AS invoices,
                       (SELECT count(*) || ':' || sum(amount_cents) FROM deals) AS deals
                """, all, Map.of());
        return List.copyOf(r.columns().values());
    }

    @Test
    void sameSettingsGiveTheSameData() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        try (Fixture one = Fixture.in(a); Fixture two = Fixture.in(b)) {
            new DemoGenerator(one.store()).generate(SMALL, (d, t) -> { });
            new DemoGenerator(two.store()).generate(SMALL, (d, t) -> { });
            assertEquals(fingerprint(one), fingerprint(two));
            new DemoGenerator(two.store()).generate(new DemoGenerator.Settings(300, 8, SMALL.today(), 24, 120), (d, t) -> { });
            assertTrue(!fingerprint(one).equals(fingerprint(two)), "another seed gives other data");
        }
    }

    @Test
    void regeneratingReplacesRatherThanAdds() {
        try (Fixture f = Fixture.in(dir)) {
            DemoGenerator.Summary first = new DemoGenerator(f.store()).generate(SMALL, (d, t) -> { });
            List<Object> before = fingerprint(f);
            new DemoGenerator(f.store()).generate(SMALL, (d, t) -> { });
            assertEquals(before, fingerprint(f));
            Map<String, Long> counts = f.store().counts();
            first.rows().forEach((table, rows) -> assertEquals(rows, counts.get(table), table));
        }
    }

    @Test
    void everyTableHasDataAndNothingIsInTheFuture() {
        try (Fixture f = Fixture.in(dir)) {
            new DemoGenerator(f.store()).generate(SMALL, (d, t) -> { });
            f.store().counts().forEach((table, rows) -> assertTrue(rows > 0, table + " is empty"));
            long today = StoreTime.epochSeconds(SMALL.today());
            Row latest = f.metrics().queryRow("""
                    SELECT max(answered_at) AS surveys, max(occurred_at) AS usage, max(created_at) AS tickets,
                           (SELECT max(started_at) FROM subscriptions) AS subscriptions,
                           (SELECT max(issued_at) FROM invoices) AS invoices
                    FROM survey_responses, (SELECT max(occurred_at) AS occurred_at FROM usage_events),
                         (SELECT max(created_at) AS created_at FROM tickets)""",
                    new KpiQuery(Period.parse("2000-01-01", "2001-01-01"), null), Map.of());
            latest.columns().forEach((what, when) -> assertTrue(((Number) when).longValue() < today, what + " after today"));
        }
    }

    @Test
    void looksLikeACustomerBase() {
        try (Fixture f = Fixture.in(dir)) {
            new DemoGenerator(f.store()).generate(new DemoGenerator.Settings(1000, 42, SMALL.today(), 24, 120), (d, t) -> { });
            KpiQuery lastYear = new KpiQuery(Period.parse("2025-06-01", "2026-06-01"), null);
            Row nps = f.metrics().queryRow("""
                    SELECT count(*) AS n, 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*) AS nps
                    FROM survey_responses WHERE survey_type = 'nps' AND answered_at >= :from AND answered_at < :to""", lastYear, Map.of());
            assertTrue(nps.count("n") > 500, "NPS responses: " + nps.count("n"));
            double score = nps.doubleValue("nps");
            assertTrue(score > 0 && score < 60, "a plausible NPS, got " + score);
            Row churn = f.metrics().queryRow("""
                    SELECT count(*) FILTER (WHERE ended_at >= :from AND ended_at < :to AND mrr_cents > 0) AS ended,
                           count(*) FILTER (WHERE started_at >= :from AND started_at < :to AND mrr_cents > 0) AS started
                    FROM subscriptions""", lastYear, Map.of());
            assertTrue(churn.count("ended") > 50 && churn.count("started") > 50, churn.columns().toString());
        }
    }

    @Test
    void aDatasetBeyondAnyTestIsRefusedAsATypo() {
        IllegalArgumentException customers = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DemoGenerator.Settings(2_000_000_000, 7, SMALL.today(), 24, 120));
        assertEquals("the demo has from 1 to 10,000,000 customers, got 2,000,000,000", customers.getMessage());
        IllegalArgumentException months = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DemoGenerator.Settings(300, 7, SMALL.today(), 100_000, 120));
        assertEquals("the demo has from 1 to 120 months of history (10 years), got 100000", months.getMessage());
    }
}
