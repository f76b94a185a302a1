package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testdb.TestPostgres;

/**
 * The same distribution with etc/vitals.store.cfg pointing at a real PostgreSQL server: the schema
 * migrates, the demo loads, and every KPI of the report answers exactly what it answers on SQLite.
 * The password comes from an environment variable, as the configuration says it should.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresStoreIT {

    static final String PASSWORD_VARIABLE = "VITALS_TEST_DB_PASSWORD";

    @TempDir
    static Path folder;
    static Path sqliteHome;
    static Path postgresHome;
    static String schemaUrl;

    @BeforeAll
    static void homes() throws Exception {
        sqliteHome = Distribution.copy(folder.resolve("sqlite"), 300);
        postgresHome = Distribution.copy(folder.resolve("postgresql"), 300);
        // the URL names server, database and schema; user and password are separate settings
        schemaUrl = TestPostgres.newSchema().replaceAll("user=[^&]*&password=[^&]*&?", "");
        Distribution.write(postgresHome.resolve("etc/vitals.store.cfg"), "url = " + schemaUrl + "\nuser = "
                + TestPostgres.USER + "\npassword = env:" + PASSWORD_VARIABLE + "\n");
    }

    record Run(int exit, String out, String err) {
    }

    static Run vitals(Path home, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/vitals").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("VITALS_JAVA_OPTS", "-Dvitals.today=" + Distribution.TODAY);
        pb.environment().remove(PASSWORD_VARIABLE);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "bin/vitals did not finish");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** The report without what legitimately differs between two runs (how long it took). */
    static JsonNode numbers(String json) throws Exception {
        JsonNode report = new ObjectMapper().readTree(json);
        ((ObjectNode) report).remove("tookMillis");
        ((ObjectNode) report).remove("asOf"); // when and on which version of its store each was computed
        return report;
    }

    /** Equal JSON, numbers equal to 1e-9 relative (the two databases may sum doubles in another order). */
    static void assertSameAnswers(JsonNode expected, JsonNode actual, String where) {
        if (expected.isNumber() && actual.isNumber()) {
            double e = expected.asDouble();
            double a = actual.asDouble();
            assertTrue(Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(e)), where + ": " + e + " on SQLite, " + a + " on PostgreSQL");
            return;
        }
        assertEquals(expected.getNodeType(), actual.getNodeType(), where);
        if (expected.isObject()) {
            assertEquals(iterable(expected.fieldNames()), iterable(actual.fieldNames()), where);
            expected.fieldNames().forEachRemaining(f -> assertSameAnswers(expected.get(f), actual.get(f), where + "." + f));
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), where);
            for (int i = 0; i < expected.size(); i++) {
                String item = expected.get(i).has("kpi") ? expected.get(i).get("kpi").asText() : String.valueOf(i);
                assertSameAnswers(expected.get(i), actual.get(i), where + "[" + item + "]");
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    @Order(2)
    void everyKpiAnswersOnPostgresqlWhatItAnswersOnSqlite() throws Exception {
        String[] report = {"kpi:report", "--from", "2026-01-01", "--to", "2026-04-01", "--format", "json"};
        Run onSqlite = vitals(sqliteHome, Map.of(), report);
        assertEquals(0, onSqlite.exit(), onSqlite.err());
        Run onPostgres = vitals(postgresHome, Map.of(PASSWORD_VARIABLE, TestPostgres.PASSWORD), report);
        assertEquals(0, onPostgres.exit(), onPostgres.err());

        try {
            assertSameAnswers(numbers(onSqlite.out()), numbers(onPostgres.out()), "report");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nPostgreSQL run said:\n" + onPostgres.err(), e);
        }
        assertEquals(CatalogueIT.SHIPPED.size(), new ObjectMapper().readTree(onPostgres.out()).path("kpis").size(), onPostgres.out());
        assertFalse(postgresHome.resolve("data/vitals.db").toFile().exists(), "nothing went to SQLite");

        // the rows are really in PostgreSQL, in the configured schema
        try (Connection c = DriverManager.getConnection(schemaUrl, TestPostgres.USER, TestPostgres.PASSWORD);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM customers")) {
            rs.next();
            assertEquals(300, rs.getLong(1));
        }

        Run nps = vitals(postgresHome, Map.of(PASSWORD_VARIABLE, TestPostgres.PASSWORD),
                "kpi:compute", "nps", "--from", "2026-01-01", "--to", "2026-04-01", "--segment", "plan:pro");
        assertEquals(0, nps.exit(), nps.err());
        assertTrue(nps.out().startsWith("Net Promoter Score (nps), 2026-01-01 to 2026-04-01 (exclusive), plan=pro"), nps.out());
    }

    /** First, so the next test also shows that a start without the store leaves nothing broken behind. */
    @Test
    @Order(1)
    void aMissingOrWrongPasswordIsSaidPlainlyAndNoSecretIsShown() throws Exception {
        Run run = vitals(postgresHome, Map.of(), "kpi:compute", "nps");
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.err().lines().anyMatch(l -> l.startsWith("error: nps failed: the environment variable "
                + PASSWORD_VARIABLE + " is not set")), run.err());
        assertTrue(run.err().lines().count() < 10, "a few lines, not a cascade: " + run.err());
        assertFalse((run.out() + run.err()).contains(TestPostgres.PASSWORD));

        Run wrong = vitals(postgresHome, Map.of(PASSWORD_VARIABLE, "not-the-password"), "kpi:compute", "nps");
        assertEquals(1, wrong.exit(), wrong.out());
        assertTrue(wrong.err().contains("password authentication failed for user \"" + TestPostgres.USER + "\""), wrong.err());
        assertFalse((wrong.out() + wrong.err()).contains("not-the-password"));
    }
}
