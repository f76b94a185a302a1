package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.store.Row;

/** The trace holds each query as it ran, in a form the database's own shell (sqlite3, psql) runs to the same answer. */
class StatementTraceTest {

    @TempDir
    Path dir;

    @Test
    void aTracedQueryRunsInTheSqliteShellToTheSameAnswer() throws Exception {
        Path db = dir.resolve("trace.db");
        Path trace = dir.resolve("trace.sql");
        try (SqlStore store = SqlStore.open("jdbc:sqlite:" + db, 1)) {
            store.traceTo(trace);
            Row row = store.queryRow("SELECT :to - :from AS seconds, :name AS name, :missing AS missing, :half * 2 AS one",
                    new KpiQuery(Period.parse("2026-01-01", "2026-02-01"), Segment.ALL),
                    Map.of("name", "O'Brien \"the\" \\ one", "half", 0.5, "missing", ""));
            assertEquals(31 * 86_400L, row.longValue("seconds"));
        }
        String script = Files.readString(trace);
        assertEquals("""
                .parameter clear
                .parameter set :from 1767225600
                .parameter set :half 0.5
                .parameter set :missing "''"
                .parameter set :name "'O''Brien \\"the\\" \\\\ one'"
                .parameter set :to 1769904000
                SELECT :to - :from AS seconds, :name AS name, :missing AS missing, :half * 2 AS one
                ;
                """, script);

        Path sqlite3 = Path.of("/usr/bin/sqlite3");
        assumeTrue(Files.isExecutable(sqlite3), "the sqlite3 shell is not installed");
        Process shell = new ProcessBuilder(sqlite3.toString(), db.toString()).redirectInput(trace.toFile()).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, shell.waitFor(), new String(shell.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("2678400|O'Brien \"the\" \\ one||1.0", out.strip());
    }

    @Test
    void onPostgresqlATracedQueryRunsInPsqlToTheSameAnswer() throws Exception {
        String url = io.vitals.testdb.TestPostgres.newSchema();
        Path trace = dir.resolve("trace.psql");
        try (SqlStore store = SqlStore.open(url, 1)) {
            store.traceTo(trace);
            Row row = store.queryRow("SELECT :to - :from AS seconds, :name AS name, :missing AS missing, :half * 2 AS one",
                    new KpiQuery(Period.parse("2026-01-01", "2026-02-01"), Segment.ALL),
                    Map.of("name", "O'Brien \"the\" \\ one", "half", 0.5, "missing", ""));
            assertEquals(31 * 86_400L, row.longValue("seconds"));
        } finally {
            io.vitals.testdb.TestPostgres.release(url);
        }
        String script = Files.readString(trace);
        assertEquals("""
                \\set from 1767225600
                \\set half 0.5
                \\set missing ''''''
                \\set name '''O''''Brien "the" \\\\ one'''
                \\set to 1769904000
                SELECT :to - :from AS seconds, :name AS name, :missing AS missing, :half * 2 AS one
                ;
                """, script);

        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        // host, port and database from the JDBC URL; user and password as psql takes them, from the environment
        java.net.URI server = java.net.URI.create(url.substring("jdbc:".length()));
        Map<String, String> query = new java.util.HashMap<>();
        for (String pair : server.getRawQuery().split("&")) {
            query.put(pair.substring(0, pair.indexOf('=')), java.net.URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8));
        }
        ProcessBuilder command = new ProcessBuilder(psql.toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", server.getHost(), "-p", String.valueOf(server.getPort()), "-d", server.getPath().substring(1))
                .redirectInput(trace.toFile());
        command.environment().put("PGUSER", query.getOrDefault("user", io.vitals.testdb.TestPostgres.USER));
        command.environment().put("PGPASSWORD", query.getOrDefault("password", io.vitals.testdb.TestPostgres.PASSWORD));
        Process shell = command.start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, shell.waitFor(), new String(shell.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("2678400|O'Brien \"the\" \\ one||1.0", out.strip());
    }
}
