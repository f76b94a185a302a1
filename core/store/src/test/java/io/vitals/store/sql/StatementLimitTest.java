package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.TimeLimit;
import io.vitals.kpi.TimeLimitExceededException;
import io.vitals.testdb.TestStores;

/** A statement that outlives its computation's time limit is cancelled in the database, and its connection serves again. */
class StatementLimitTest {

    /** Counts for ever: only a cancel in the database ends it. */
    static final String ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) AS c FROM n";

    @TempDir
    Path dir;
    String url;
    SqlStore store;
    final KpiQuery january = KpiQuery.of(Period.month(2026, 1));

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "limit");
        store = SqlStore.open(url, 1); // one read connection: a statement left running would starve the next
    }

    @AfterEach
    void close() {
        store.close();
        TestStores.release(url);
    }

    @Test
    void aStatementPastTheLimitIsCancelledAndTheConnectionAnswersTheNextQuestion() {
        long started = System.nanoTime();
        TimeLimitExceededException e = assertThrows(TimeLimitExceededException.class,
                () -> TimeLimit.within(Duration.ofSeconds(1), () -> store.queryRow(ENDLESS, january, Map.of())));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(1, e.limitSeconds());
        assertTrue(seconds < 30, "stopped at its limit, not left to run: " + seconds + " s");
        // the one read connection came back, not stuck in the endless statement
        assertEquals(42L, store.queryRow("SELECT 42 AS answer", january, Map.of()).count("answer"));
        assertEquals(List.of(3L), store.query("SELECT 1 + 2 AS three", january, Map.of(), row -> row.count("three")));
    }

    @Test
    void withoutALimitAQuickStatementRunsAsBeforeAndALimitOnlyTakesWhatIsLeft() {
        assertEquals(7L, store.queryRow("SELECT 7 AS seven", january, Map.of()).count("seven"));
        assertEquals(7L, (long) TimeLimit.within(Duration.ofSeconds(30),
                () -> store.queryRow("SELECT 7 AS seven", january, Map.of()).count("seven")));
        // a limit inside a longer one does not extend the shorter: the inner 30 s stay within the outer 1 s
        assertThrows(TimeLimitExceededException.class, () -> TimeLimit.within(Duration.ofSeconds(1),
                () -> TimeLimit.within(Duration.ofSeconds(30), () -> store.queryRow(ENDLESS, january, Map.of()))));
    }
}
