package io.vitals.connector.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    static SqlText.Prepared ok(String sql) {
        return SqlText.prepare(sql);
    }

    static String refused(String sql) {
        return assertThrows(IllegalArgumentException.class, () -> SqlText.prepare(sql)).getMessage();
    }

    @Test
    void cursorPlaceholdersBecomeParameters() {
        assertEquals(new SqlText.Prepared("SELECT id FROM t WHERE id > ? OR (id = ? AND x = ':cursor') ORDER BY id", 2),
                ok("SELECT id FROM t WHERE id > :cursor OR (id = :cursor AND x = ':cursor') ORDER BY id;"));
        assertEquals(new SqlText.Prepared("SELECT ts::date, \":cursor\" FROM t WHERE ts > CAST(? AS timestamp) -- :cursor\nORDER BY ts", 1),
                ok("SELECT ts::date, \":cursor\" FROM t WHERE ts > CAST(:cursor AS timestamp) -- :cursor\nORDER BY ts"));
        assertEquals(0, ok("select * from t where name = :cursors").cursorParameters(), "another name");
        assertEquals(1, ok("  WITH recent AS (SELECT * FROM t WHERE id > :cursor) SELECT * FROM recent ORDER BY id").cursorParameters());
        assertEquals(0, ok("(SELECT 1)").cursorParameters());
    }

    @Test
    void wordsInsideStringsNamesAndCommentsAreNotStatements() {
        ok("SELECT id, updated_at, created_by, \"delete\", [drop] FROM t WHERE note = 'drop table; delete' /* update me */ -- insert\n");
        ok("SELECT replace(name, 'a', 'b') AS name FROM t WHERE note = 'it''s; fine'");
    }

    @Test
    void onlyOneReadingStatement() {
        assertEquals("query is required: a SELECT, e.g. query = SELECT id, account_id, name, ts FROM events WHERE id > :cursor ORDER BY id",
                refused("  "));
        assertEquals("query must be a SELECT (or WITH ... SELECT): the connector only reads; got 'UPDATE t SET x = 1'", refused("UPDATE t SET x = 1"));
        assertEquals("query must be a SELECT (or WITH ... SELECT): the connector only reads; got 'PRAGMA writable_schema = 1'",
                refused("PRAGMA writable_schema = 1"));
        assertEquals("query must be one statement (no ';' inside)", refused("SELECT 1; DELETE FROM t"));
        assertEquals("query must only read, but it says INSERT (outside a string): the connector only runs a SELECT",
                refused("WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x"));
        assertEquals("query must only read, but it says UPDATE (outside a string): the connector only runs a SELECT",
                refused("SELECT * FROM t FOR UPDATE"));
        assertEquals("query must only read, but it says REPLACE (outside a string): the connector only runs a SELECT",
                refused("WITH x AS (REPLACE INTO t VALUES (1)) SELECT 1"));
        assertEquals("query has an unclosed string: SELECT 'oops FROM t", refused("SELECT 'oops FROM t"));
        assertEquals("query has an unclosed /* comment", refused("SELECT 1 /* oops"));
    }
}
