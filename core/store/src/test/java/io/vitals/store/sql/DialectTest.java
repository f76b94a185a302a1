package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.store.Row;
import io.vitals.store.SqlDialect;
import io.vitals.testdb.TestStores;

/** The dialect's pieces of SQL answer the same on SQLite and on PostgreSQL (this class runs on both). */
class DialectTest {

    @TempDir
    Path dir;
    String url;
    SqlStore store;
    SqlDialect d;

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "dialect");
        store = SqlStore.open(url, 1);
        d = store.dialect();
    }

    @AfterEach
    void close() {
        store.close();
        TestStores.release(url);
    }

    Row row(String select) {
        List<Row> rows = store.query("SELECT " + select, new KpiQuery(Period.parse("2026-01-01", "2026-02-01"), Segment.ALL),
                Map.of(), Row::copy);
        return rows.get(0);
    }

    @Test
    void datesAreUtcCalendarText() {
        long t = 1_772_361_045L; // 2026-03-01T10:30:45Z
        Row r = row(d.monthOf(String.valueOf(t)) + " AS month, " + d.isoDate(String.valueOf(t)) + " AS day, "
                + d.isoTime(String.valueOf(t)) + " AS at, " + d.monthOf(":from") + " AS from_month");
        assertEquals("2026-03", r.string("month"));
        assertEquals("2026-03-01", r.string("day"));
        assertEquals("2026-03-01T10:30:45Z", r.string("at"));
        assertEquals("2026-01", r.string("from_month"));
    }

    @Test
    void floorAndDaysBetween() {
        Row r = row(d.floor("7.9") + " AS a, " + d.floor("7 / 2.0") + " AS b, " + d.floor("0.0") + " AS c, "
                + d.daysBetween("0", "129600") + " AS days");
        assertEquals(7L, r.longValue("a"));
        assertEquals(3L, r.longValue("b"));
        assertEquals(0L, r.longValue("c"));
        assertEquals(1.5, r.doubleValue("days"), 1e-12);
    }

    @Test
    void numbersFromTextAreNullWhenTheTextIsNoNumber() {
        Row r = row(d.number("'4'") + " AS four, " + d.number("' 4.5 '") + " AS four_half, " + d.number("'-2'") + " AS minus, "
                + d.number("'great'") + " AS word, " + d.number("''") + " AS empty, " + d.number("'4 stars'") + " AS mixed, "
                + d.number("NULL") + " AS missing");
        assertEquals(4.0, r.doubleValue("four"), 0);
        assertEquals(4.5, r.doubleValue("four_half"), 0);
        assertEquals(-2.0, r.doubleValue("minus"), 0);
        assertNull(r.get("word"));
        assertNull(r.get("empty"));
        assertNull(r.get("mixed"));
        assertNull(r.get("missing"));
    }

    @Test
    void usageDaysAreTheUtcDaysFromTheFirstUpToTheLast() {
        // a derived table stands in for usage_events: the first and last seconds of January, and
        // the first second of February; :fromDay and :toDay are the query's 2026-01-01 and 2026-02-01
        Row r = row("count(*) AS n, min(occurred_at) AS first, max(occurred_at) AS last FROM (\n"
                + "SELECT 1767225600 AS occurred_at UNION ALL SELECT 1769903999 UNION ALL SELECT 1769904000"
                + " UNION ALL SELECT 1767225599) usage_events WHERE " + d.usageDays(":fromDay", ":toDay"));
        assertEquals(2L, r.longValue("n"));
        assertEquals(1_767_225_600L, r.longValue("first"));
        assertEquals(1_769_903_999L, r.longValue("last"));
    }

    @Test
    void doublePrecisionCastsKeepFifteenDigits() {
        Row r = row("CAST(1 AS DOUBLE PRECISION) / 3 AS third");
        assertEquals(1.0 / 3, r.doubleValue("third"), 1e-15);
    }
}
