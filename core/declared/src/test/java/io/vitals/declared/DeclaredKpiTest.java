package io.vitals.declared;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testdb.TestStores;
import io.vitals.testkit.Fixture;

class DeclaredKpiTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "pro", "NA", "bob", Map.of())
            .customer(3, "2025-01-01", "starter", "NA", "bob", Map.of())
            .subscription(1, 10_000, "2025-01-01", null)
            .subscription(2, 10_000, "2025-01-01", null)
            .subscription(3, 5_000, "2025-01-01", null)
            .deal(1L, DealKind.UPSELL, DealStage.WON, 120_000, "2026-02-01", "2026-03-05")
            .deal(2L, DealKind.CROSS_SELL, DealStage.WON, 30_000, "2026-02-01", "2026-03-20")
            .deal(2L, DealKind.UPSELL, DealStage.LOST, 99_000, "2026-02-01", "2026-03-21")
            .deal(3L, DealKind.UPSELL, DealStage.WON, 10_000, "2026-02-01", "2026-04-01"); // April: out of March
    }

    @AfterEach
    void close() {
        data.close();
    }

    static final String EXPANSION_PER_CSM = """
            id: expansion-per-csm
            name: Expansion revenue per CSM
            category: expansion
            unit: currency
            direction: higher
            description: Won upsell and cross-sell revenue per CSM with a book in the period.
            sql: |
              SELECT sum(d.amount_cents) / 100.0 / count(DISTINCT c.csm_owner) AS value,
                     count(*) AS sample_size
              FROM deals d JOIN customers c ON c.id = d.customer_id
              WHERE d.kind IN ('upsell', 'cross_sell') AND d.stage = 'won'
                AND d.closed_at >= :from AND d.closed_at < :to
            """;

    KpiFiles.Loaded load(String text) {
        return KpiFiles.load(text, "deploy/test.kpi", data.metrics());
    }

    @Test
    void aValueKpi() {
        KpiFiles.Loaded loaded = load(EXPANSION_PER_CSM);
        assertNull(loaded.problem(), () -> String.valueOf(loaded.problem()));
        DeclaredKpi kpi = loaded.kpi();
        assertEquals("expansion-per-csm", kpi.definition().id());
        assertEquals(Category.EXPANSION, kpi.definition().category());
        assertEquals(Unit.CURRENCY, kpi.definition().unit());
        assertEquals(Direction.HIGHER_IS_BETTER, kpi.definition().direction());
        // March: 1,200.00 (alice) + 300.00 (bob) won, two CSMs: 750.00 each
        KpiResult march = kpi.compute(query("2026-03-01", "2026-04-01"));
        assertEquals(750.0, march.value(), 1e-9);
        assertEquals(2, march.sampleSize());
        // the platform applies the segment: NA customers' deals only (bob's 300.00)
        assertEquals(300.0, kpi.compute(query("2026-03-01", "2026-04-01", "region", "NA")).value(), 1e-9);
        assertFalse(kpi.compute(query("2026-01-01", "2026-02-01")).hasValue(), "no deals: no data, not 0");
    }

    @Test
    void aRatioKpiWithParametersAndADrillDown() {
        KpiFiles.Loaded loaded = load("""
                id: big-deal-share
                name: Customers with a big won deal
                category: custom
                unit: percent
                direction: higher
                parameters:
                  bigDeal: 100000
                sql: |
                  SELECT count(DISTINCT d.customer_id) AS numerator,
                         (SELECT count(*) FROM customers) AS denominator
                  FROM deals d WHERE d.stage = 'won' AND d.amount_cents >= :bigDeal
                    AND d.closed_at >= :from AND d.closed_at < :to
                customers: |
                  SELECT c.id AS customer_id, c.name AS customer, d.amount_cents / 100.0 AS amount
                  FROM deals d JOIN customers c ON c.id = d.customer_id
                  WHERE d.stage = 'won' AND d.amount_cents >= :bigDeal AND d.closed_at >= :from AND d.closed_at < :to
                  ORDER BY amount DESC
                """);
        assertNull(loaded.problem(), () -> String.valueOf(loaded.problem()));
        // one of three customers won a deal of 1,000.00 or more in March: 33.3 %
        KpiResult r = loaded.kpi().compute(query("2026-03-01", "2026-04-01"));
        assertEquals(100.0 / 3, r.value(), 1e-9);
        assertEquals(1.0, r.numerator());
        assertEquals(3.0, r.denominator());
        assertEquals("bigDeal", loaded.kpi().definition().parameters().get(0).name());
        KpiTable who = loaded.kpi().customers(query("2026-03-01", "2026-04-01"), new DrillDown("all", null, true, 10));
        assertEquals(1, who.rows().size());
        assertEquals("Customer 1", who.rows().get(0).get(who.column("customer")));
    }

    static void assertProblem(KpiFiles.Loaded loaded, int line, String reasonContains) {
        KpiProblem p = loaded.problem();
        assertNotNull(p, "expected the file to be refused");
        assertNull(loaded.kpi());
        assertTrue(p.reason().contains(reasonContains), p.reason());
        assertEquals(line, p.line(), p.toString());
    }

    @Test
    void aValueThatIsTextIsSaidToBeSoNotACastFailure() {
        KpiFiles.Loaded loaded = load("id: texty\nname: Texty\ncategory: custom\nunit: count\nsql: SELECT 'abc' AS value\n");
        assertNull(loaded.problem(), () -> String.valueOf(loaded.problem()));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> loaded.kpi().compute(query("2026-03-01", "2026-04-01")));
        assertEquals("column value is not a number: the query answered the text 'abc'; cast it, e.g. CAST(value AS REAL)", e.getMessage());
        KpiFiles.Loaded digits = load("id: digits\nname: Digits\ncategory: custom\nunit: count\nsql: SELECT '42' AS value\n");
        assertEquals(42.0, digits.kpi().compute(query("2026-03-01", "2026-04-01")).value(), 1e-9, "digits as text still count");
    }

    @Test
    void brokenFilesSayWhatIsWrongAndOnWhichLine() {
        assertProblem(load("id: x\nname: [unclosed\n"), 3, "not valid YAML");
        assertProblem(load("id: x\nname: X\ncategory: expansion\nunit: currency\nvalu: 1\nsql: SELECT 1 AS value\n"), 5, "unknown key 'valu'");
        assertProblem(load("id: x\nname: X\nunit: currency\nsql: SELECT 1 AS value\n"), 1, "'category' is missing");
        assertProblem(load("id: x\nname: X\ncategory: expansion\nunit: euros\nsql: SELECT 1 AS value\n"), 4, "unit 'euros' is not one of");
        assertProblem(load("id: Not An Id\nname: X\ncategory: custom\nunit: count\nsql: SELECT 1 AS value\n"), 1, "lower-case words");
        assertProblem(load("id: x\nname: X\ncategory: custom\nunit: count\nid: y\nsql: SELECT 1 AS value\n"), 5, "duplicate key");
        // the unknown column is on the third line of the SQL block, which starts on line 6
        assertProblem(load("id: x\nname: X\ncategory: custom\nunit: count\nsql: |\n  SELECT count(*) AS value\n  FROM deals\n  WHERE amount > 0\n"),
                8, TestStores.postgresql() ? "column \"amount\" does not exist" : "no such column: amount");
        assertProblem(load("id: x\nname: X\ncategory: custom\nunit: count\nsql: SELECT count(*) AS value FROM dealz\n"), 5,
                TestStores.postgresql() ? "relation \"dealz\" does not exist" : "no such table: dealz");
        assertProblem(load("id: x\nname: X\ncategory: custom\nunit: count\nsql: SELECT count(*) AS n FROM deals\n"), 5,
                "must answer a column named value, or numerator and denominator; it answers n");
    }

    @Test
    void aDeclaredKpiCanNeverWriteDropOrAttachWhateverItsTextSays() {
        String head = "id: evil\nname: Evil\ncategory: custom\nunit: count\nsql: |\n  ";
        String[] attempts = {
            "DELETE FROM customers",
            "DROP TABLE customers",
            "UPDATE customers SET plan = 'free'",
            "INSERT INTO customers (source, external_id, signup_at, cohort) VALUES ('x', 'x', 0, '1970-01')",
            "ATTACH DATABASE '" + dir.resolve("other.db") + "' AS other",
            "PRAGMA query_only = 0",
            "VACUUM",
            "SELECT 1 AS value; DROP TABLE customers",
            "SELECT 1 AS value -- harmless\n  ; DELETE FROM customers",
            "WITH doomed AS (SELECT id FROM customers) DELETE FROM customers WHERE id IN (SELECT id FROM doomed)",
            "WITH x AS (SELECT 1) INSERT INTO deals (source, external_id, kind, stage, amount_cents, created_at) VALUES ('a','b','upsell','won',1,0)",
        };
        for (String attempt : attempts) {
            KpiFiles.Loaded loaded = load(head + attempt + "\n");
            assertNotNull(loaded.problem(), "refused: " + attempt);
            assertTrue(loaded.problem().reason().contains("may only read") || loaded.problem().reason().contains("only one SQL statement"),
                    attempt + " -> " + loaded.problem().reason());
        }
        // a literal that looks like a second statement is fine
        assertNull(load(head + "SELECT count(*) AS value FROM customers WHERE name <> 'x; DROP TABLE customers'\n").problem());
        // and had anything slipped past the check, the store's read-only connection would still refuse it
        assertThrows(RuntimeException.class, () -> data.metrics().queryRow("DELETE FROM customers", query("2026-01-01", "2026-02-01"), Map.of()));
        assertThrows(RuntimeException.class, () -> data.metrics().queryRow("ATTACH DATABASE '" + dir.resolve("x.db") + "' AS x",
                query("2026-01-01", "2026-02-01"), Map.of()));
        assertEquals(3L, data.store().counts().get("customers"), "nothing was deleted");
        assertEquals(4L, data.store().counts().get("deals"));
        assertFalse(dir.resolve("other.db").toFile().exists() || dir.resolve("x.db").toFile().exists(), "nothing was attached");
    }
}
