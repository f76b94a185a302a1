package io.vitals.connector.jdbc;

import io.vitals.testkit.Configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/**
 * The product's own database, a real SQLite file made by the test: accounts, users and usage
 * events, read by JDBC sources the way a product team would configure them.
 */
class JdbcSourceTest {

    static final String SECRET = "s3cr3t-Pa55word";
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path home;
    SourceHarness harness;
    String productUrl;

    @BeforeEach
    void open() throws Exception {
        harness = SourceHarness.in(home);
        Files.createDirectories(home.resolve("product"));
        productUrl = "jdbc:sqlite:" + home.resolve("product/app.db");
        Files.writeString(home.resolve("secrets.properties"), "db = " + SECRET + "\n");
        sql("CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT, owner_email TEXT, created_at TEXT, plan TEXT, updated_at INTEGER)",
                "CREATE TABLE users (id TEXT PRIMARY KEY, account_id TEXT, created INTEGER)",
                "CREATE TABLE events (id INTEGER PRIMARY KEY, account_id TEXT, user_id TEXT, name TEXT, ts TEXT)");
        for (int a = 1; a <= 3; a++) {
            sql("INSERT INTO accounts VALUES ('a" + a + "', 'Account " + a + "', 'owner" + a + "@example.com', '2025-0" + a
                    + "-15 09:00:00', 'pro', " + a + ")");
            sql("INSERT INTO users VALUES ('u" + a + "', 'a" + a + "', " + (T0.getEpochSecond() - 86400L * a) + ")");
        }
        addEvents(1, 25);
        harness.sync(accounts());
    }

    @AfterEach
    void close() {
        harness.close();
    }

    // ---------------------------------------------------------------- the product database

    void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(productUrl); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Events from..to (ids), one a minute, users u1..u3 of accounts a1..a3 in turn. */
    void addEvents(int from, int to) throws SQLException {
        try (Connection c = DriverManager.getConnection(productUrl);
                PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?, ?)")) {
            for (int i = from; i <= to; i++) {
                int who = 1 + i % 3;
                ps.setInt(1, i);
                ps.setString(2, "a" + who);
                ps.setString(3, "u" + who);
                ps.setString(4, i % 2 == 0 ? "create_report" : "login");
                ps.setString(5, T0.plusSeconds(60L * i).toString());
                ps.executeUpdate();
            }
        }
    }

    // ---------------------------------------------------------------- sources

    static Map<String, Object> props(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    JdbcSource source(Map<String, Object> props) {
        return new JdbcSource(Configs.of(JdbcSource.Config.class, props), props, home);
    }

    /** The accounts, re-read whole each sync (no cursor): a small table that changes in place. */
    JdbcSource accounts(String... more) {
        Map<String, Object> p = props("id", "accounts", "url", "jdbc:sqlite:product/app.db",
                "query", "SELECT id, name, owner_email, created_at, plan FROM accounts ORDER BY id",
                "entity", "customers", "map.externalId", "id", "map.name", "name", "map.email", "owner_email",
                "map.signupAt", "created_at", "map.plan", "plan");
        p.putAll(props(more));
        return source(p);
    }

    Map<String, Object> eventProps(String... more) {
        Map<String, Object> p = props("id", "usage", "url", productUrl, "password", "file:secrets.properties#db",
                "query", "SELECT id, account_id, user_id, name, ts FROM events WHERE id > :cursor ORDER BY id",
                "cursorColumn", "id", "pageSize", "10", "interval", "600",
                "entity", "usage_events", "map.externalId", "id", "map.customer", "account_id", "customerSource", "accounts",
                "map.userId", "user_id", "map.event", "name", "map.occurredAt", "ts");
        p.putAll(props(more));
        return p;
    }

    JdbcSource events(String... more) {
        return source(eventProps(more));
    }

    List<Map<String, Object>> rows(String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : harness.rows(sql)) {
            Map<String, Object> row = new LinkedHashMap<>();
            r.forEach((k, v) -> row.put(k, v instanceof Integer i ? Long.valueOf(i) : v));
            rows.add(row);
        }
        return rows;
    }

    List<String> reasons(String source) {
        return harness.rejects(source).stream().map(Rejected::reason).sorted().toList();
    }

    // ---------------------------------------------------------------- incremental reads

    @Test
    void aFirstSyncThenOnlyTheRowsAddedSince() throws Exception {
        assertEquals(3, harness.count("customers"));
        JdbcSource events = events();
        List<Long> pages = new ArrayList<>();
        SyncReport first = harness.sync(events, (s, page, total) -> pages.add(page.read()), () -> false);
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        assertEquals(new PageCounts(25, 25, 0, 0, 0), first.counts());
        assertEquals(List.of(10L, 10L, 5L), pages);
        assertEquals(25, harness.count("usage_events"));
        assertEquals("{\"value\":\"25\",\"type\":\"integer\"}", harness.store().cursor("usage").orElseThrow());
        assertEquals(List.of(Map.of("external_id", "1", "user_id", "u2", "event", "login", "occurred_at", T0.getEpochSecond() + 60,
                "account", "a2")), rows("SELECT e.external_id, e.user_id, e.event, e.occurred_at, c.external_id AS account"
                        + " FROM usage_events e JOIN customers c ON c.id = e.customer_id WHERE e.external_id = '1'"));

        addEvents(26, 28);
        pages.clear();
        SyncReport second = harness.sync(events, (s, page, total) -> pages.add(page.read()), () -> false);
        assertEquals(new PageCounts(3, 3, 0, 0, 0), second.counts(), "the query returned only the three new rows");
        assertEquals(List.of(3L), pages);
        assertEquals(28, harness.count("usage_events"));

        SyncReport third = harness.sync(events, (s, page, total) -> pages.add(page.read()), () -> false);
        assertEquals(new PageCounts(0, 0, 0, 0, 0), third.counts());
        assertEquals(List.of(3L), pages, "no rows, no page");
        assertEquals("{\"value\":\"28\",\"type\":\"integer\"}", harness.store().cursor("usage").orElseThrow());
    }

    @Test
    void readingEverythingAgainChangesNothing() {
        JdbcSource events = events();
        harness.sync(events);
        harness.store().resetCursor("usage");
        assertEquals(new PageCounts(25, 0, 0, 25, 0), harness.sync(events).counts());
        assertEquals(25, harness.count("usage_events"));
        assertEquals(new PageCounts(3, 0, 0, 3, 0), harness.sync(accounts()).counts(), "a table without cursor is read whole");
        assertEquals(3, harness.count("customers"));
    }

    @Test
    void aCompleteQueryTellsWhichAccountsWereDeleted() throws Exception {
        JdbcSource whole = accounts("complete", "true");
        assertEquals(new PageCounts(3, 0, 0, 3, 0), harness.sync(whole).counts());
        sql("DELETE FROM accounts WHERE id = 'a2'");
        SyncReport report = harness.sync(whole);
        assertEquals(new PageCounts(2, 0, 1, 2, 0), report.counts(), "two rows read, one account deleted");
        assertTrue(harness.value("SELECT deleted_at FROM customers WHERE external_id = 'a2'") != null, "a2 is marked deleted");
        assertNull(harness.value("SELECT deleted_at FROM customers WHERE external_id = 'a1'"));
        assertEquals(new PageCounts(2, 0, 0, 2, 0), harness.sync(whole).counts(), "told once");
        IllegalArgumentException incremental = assertThrows(IllegalArgumentException.class, () -> accounts("complete", "true", "query",
                "SELECT id, name, owner_email, created_at, plan, updated_at FROM accounts WHERE updated_at > :cursor ORDER BY updated_at",
                "cursorColumn", "updated_at"));
        assertTrue(incremental.getMessage().startsWith("complete = true needs a query that reads every row"), incremental.getMessage());
    }

    @Test
    void aRowEditedAtTheSourceIsUpdatedNotDuplicated() throws Exception {
        sql("UPDATE accounts SET name = 'Renamed', updated_at = 10 WHERE id = 'a2'");
        assertEquals(new PageCounts(3, 0, 1, 2, 0), harness.sync(accounts()).counts());
        assertEquals(3, harness.count("customers"));
        assertEquals("Renamed", harness.value("SELECT name FROM customers WHERE external_id = 'a2'"));

        // incrementally, on a column that moves when a row changes
        JdbcSource changed = accounts("id", "accounts", "query",
                "SELECT id, name, owner_email, created_at, plan, updated_at FROM accounts WHERE updated_at > :cursor ORDER BY updated_at",
                "cursorColumn", "updated_at");
        assertEquals(new PageCounts(3, 0, 0, 3, 0), harness.sync(changed).counts());
        sql("UPDATE accounts SET plan = 'enterprise', updated_at = 11 WHERE id = 'a1'");
        assertEquals(new PageCounts(1, 0, 1, 0, 0), harness.sync(changed).counts());
        assertEquals("enterprise", harness.value("SELECT plan FROM customers WHERE external_id = 'a1'"));
    }

    @Test
    void aSyncThatFailsMidWayResumesWithoutLosingOrDoublingAnything() {
        JdbcSource events = events();
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(events, 2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 2", failed.message());
        assertEquals(new PageCounts(10, 10, 0, 0, 0), failed.counts());
        assertEquals("{\"value\":\"10\",\"type\":\"integer\"}", harness.store().cursor("usage").orElseThrow());

        SyncReport resumed = harness.sync(events);
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome());
        assertEquals(new PageCounts(15, 15, 0, 0, 0), resumed.counts(), "only the rows after the committed cursor");
        assertEquals(25, harness.count("usage_events"));
    }

    @Test
    void aPageNeverSplitsRowsThatShareTheCursorValue() throws Exception {
        sql("DELETE FROM events");
        sql("INSERT INTO events VALUES (1, 'a1', 'u1', 'login', '2026-03-01T10:00:00Z')",
                "INSERT INTO events VALUES (2, 'a1', 'u1', 'login', '2026-03-01T10:00:00Z')",
                "INSERT INTO events VALUES (3, 'a2', 'u2', 'login', '2026-03-01T10:00:00Z')",
                "INSERT INTO events VALUES (4, 'a2', 'u2', 'login', '2026-03-01T11:00:00Z')",
                "INSERT INTO events VALUES (5, 'a3', 'u3', 'login', '2026-03-01T12:00:00Z')");
        JdbcSource byTime = events("query", "SELECT id, account_id, user_id, name, ts FROM events WHERE ts > :cursor ORDER BY ts",
                "cursorColumn", "ts", "cursorStart", "1970-01-01", "pageSize", "2");
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(byTime, 2));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), failed.counts());
        assertEquals("{\"value\":\"1970-01-01\",\"type\":\"text\"}", harness.store().cursor("usage").orElseThrow(),
                "the page ended inside the 10:00 rows: its cursor is the value before them");
        SyncReport resumed = harness.sync(byTime);
        assertEquals(new PageCounts(5, 3, 0, 2, 0), resumed.counts(), "the 10:00 rows again (unchanged), then the rest");
        assertEquals(5, harness.count("usage_events"));
        assertEquals("{\"value\":\"2026-03-01T12:00:00Z\",\"type\":\"text\"}", harness.store().cursor("usage").orElseThrow());
    }

    @Test
    void aQueryOutOfOrderFailsInOneLine() {
        SyncReport report = harness.sync(events("query", "SELECT id, account_id, user_id, name, ts FROM events WHERE id > :cursor ORDER BY id DESC"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the query must return its rows in order of id (ORDER BY id): 24 came after 25", report.message());
        assertEquals(0, harness.count("usage_events"));
    }

    @Test
    void usersWithEpochTimes() {
        JdbcSource users = source(props("id", "users", "url", productUrl, "query", "SELECT * FROM users ORDER BY id",
                "entity", "users", "map.userId", "id", "map.customer", "account_id", "customerSource", "accounts",
                "map.createdAt", "created", "dateFormat", "epoch"));
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(users).counts());
        assertEquals(List.of(Map.of("user_id", "u1", "created_at", T0.getEpochSecond() - 86400, "account", "a1")),
                rows("SELECT u.user_id, u.created_at, c.external_id AS account FROM users u JOIN customers c ON c.id = u.customer_id"
                        + " WHERE u.user_id = 'u1'"));
    }

    // ---------------------------------------------------------------- bad rows and failures

    @Test
    void badRowsLandInTheRejectsWithTheRowAndTheReason() throws Exception {
        sql("INSERT INTO events VALUES (26, 'a1', NULL, 'login', '2026-03-02T00:00:00Z')",
                "INSERT INTO events VALUES (27, 'a404', 'u9', 'login', '2026-03-02T00:00:00Z')",
                "INSERT INTO events VALUES (28, 'a1', 'u1', 'login', 'yesterday')",
                "INSERT INTO events VALUES (29, NULL, 'u1', 'login', '2026-03-02T00:00:00Z')",
                "INSERT INTO events VALUES (30, 'a1', 'u1', '', '2026-03-02T00:00:00Z')");
        SyncReport report = harness.sync(events());
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome());
        assertEquals(new PageCounts(30, 25, 0, 0, 5), report.counts());
        assertEquals(List.of("missing customer (column account_id)", "missing event (column name)", "missing userId (column user_id)",
                "no customer accounts:a404 in the store",
                "occurredAt: 'yesterday' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)"),
                reasons("usage"));
        assertTrue(harness.rejects("usage").stream().anyMatch(r -> r.raw().equals(
                "{\"id\":\"26\",\"account_id\":\"a1\",\"user_id\":null,\"name\":\"login\",\"ts\":\"2026-03-02T00:00:00Z\"}")));
        assertEquals("{\"value\":\"30\",\"type\":\"integer\"}", harness.store().cursor("usage").orElseThrow(),
                "rejected rows are past too: they are kept, not re-read");
    }

    @Test
    void aQueryWithoutTheCursorColumnOrADriverThatIsNotThereFailsInOneLine() {
        SyncReport noColumn = harness.sync(events("query", "SELECT id AS event_id, account_id, user_id, name, ts FROM events"
                + " WHERE id > :cursor ORDER BY id", "map.externalId", "event_id"));
        assertEquals("the query returns no column id (cursorColumn); it returns event_id, account_id, user_id, name, ts", noColumn.message());
        SyncReport noDriver = harness.sync(events("driver", "org.example.NoSuchDriver"));
        assertEquals("the JDBC driver org.example.NoSuchDriver is not installed: put its jar in deploy/", noDriver.message());
        SyncReport badSql = harness.sync(events("query", "SELECT id, nope FROM events WHERE id > :cursor ORDER BY id"));
        assertEquals(SyncReport.Outcome.FAILED, badSql.outcome());
        assertTrue(badSql.message().startsWith("database error: ") && badSql.message().contains("no such column: nope"), badSql.message());
        SyncReport noFile = harness.sync(events("url", "jdbc:sqlite:product/missing.db"));
        assertEquals(SyncReport.Outcome.FAILED, noFile.outcome());
        assertFalse(Files.exists(home.resolve("product/missing.db")), "read-only: a wrong path makes no empty database");
    }

    @Test
    void theConnectionOnlyReads() throws Exception {
        try (Connection c = events().connect(null); Statement st = c.createStatement()) {
            assertTrue(c.isReadOnly());
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM events"));
            assertTrue(e.getMessage().contains("readonly"), e.getMessage());
        }
        sql("SELECT 1"); // the file is intact and writable by its owner
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void thePasswordIsNeverInSettingsMessagesOrRejects() throws Exception {
        JdbcSource events = events();
        assertEquals("file:secrets.properties#db", events.settings().get("password"));
        assertFalse(events.settings().toString().contains(SECRET));
        assertFalse(events.toString().contains(SECRET));
        sql("INSERT INTO events VALUES (26, 'a1', NULL, 'login', '2026-03-02T00:00:00Z')");
        harness.sync(events);
        SyncReport failed = harness.sync(events("query", "SELECT id, nope FROM events WHERE id > :cursor ORDER BY id"));
        SyncReport unset = harness.sync(events("password", "env:VITALS_TEST_NO_SUCH_PASSWORD"));
        assertEquals("password (env:VITALS_TEST_NO_SUCH_PASSWORD): the environment variable VITALS_TEST_NO_SUCH_PASSWORD is not set",
                unset.message());
        for (SyncReport r : List.of(failed, unset)) {
            assertFalse(String.valueOf(r.message()).contains(SECRET), r.message());
        }
        for (Rejected r : harness.rejects("usage")) {
            assertFalse(r.raw().contains(SECRET) || r.reason().contains(SECRET), r.toString());
        }
        assertEquals(List.of(0L), rows("SELECT count(*) AS n FROM sync_rejects WHERE raw LIKE '%" + SECRET + "%' OR reason LIKE '%"
                + SECRET + "%'").stream().map(m -> m.get("n")).toList());
        assertEquals("password failed for *** at host", JdbcSource.scrub("password failed for " + SECRET + " at host", SECRET));

        IllegalArgumentException inline = assertThrows(IllegalArgumentException.class, () -> events("password", SECRET));
        assertFalse(inline.getMessage().contains(SECRET), inline.getMessage());
        assertTrue(inline.getMessage().startsWith("password must name where the secret is, not hold it"), inline.getMessage());

        JdbcSource inUrl = events("url", productUrl + "?user=app&password=" + SECRET, "password", "");
        assertEquals(productUrl + "?user=app&password=***", inUrl.settings().get("url"));
        assertFalse(inUrl.toString().contains(SECRET));
    }

    // ---------------------------------------------------------------- configuration

    String refused(String... kv) {
        return assertThrows(IllegalArgumentException.class, () -> events(kv)).getMessage();
    }

    @Test
    void aConfigurationIsCheckedWhenTheSourceStarts() {
        assertEquals("url must be a JDBC URL, e.g. url = jdbc:postgresql://db:5432/app or url = jdbc:sqlite:data/product.db; got"
                + " 'postgres://db/app'", refused("url", "postgres://db/app"));
        assertEquals("driver is needed for jdbc:oracle: URLs: driver = <the driver's class name>", refused("url", "jdbc:oracle:thin:@db:1521/x"));
        assertEquals("query must be a SELECT (or WITH ... SELECT): the connector only reads; got 'DELETE FROM events'",
                refused("query", "DELETE FROM events"));
        assertEquals("query must be one statement (no ';' inside)", refused("query", "SELECT 1; DROP TABLE events"));
        assertEquals("query must only read, but it says DELETE (outside a string): the connector only runs a SELECT",
                refused("query", "WITH gone AS (DELETE FROM events RETURNING *) SELECT * FROM gone"));
        assertEquals("query must only read, but it says INTO (outside a string): the connector only runs a SELECT",
                refused("query", "SELECT * INTO copy FROM events"));
        assertEquals("cursorColumn is required when the query uses :cursor: the column whose last value the next sync starts after"
                + " (e.g. cursorColumn = id)", refused("cursorColumn", ""));
        assertEquals("the query has no :cursor for cursorColumn = id: add e.g. WHERE id > :cursor ORDER BY id, or leave cursorColumn"
                + " out to read every row each sync", refused("query", "SELECT * FROM events ORDER BY id"));
        assertEquals("pageSize must be between 1 and 100000; got 0", refused("pageSize", "0"));
        assertEquals("map.userId needs a column name", refused("map.userId", ""));
        assertEquals("usage_events need map.event (the column with the event's name) or default.event", refused("map.event", null));
    }

    @Test
    void theIdComesFromTheFileNameAndSettingsShowTheConfiguration() {
        Map<String, Object> p = eventProps("id", "", "felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.jdbc-product.cfg",
                "user", "reader");
        JdbcSource source = source(p);
        assertEquals("product", source.id());
        assertEquals("jdbc", source.kind());
        assertEquals(Duration.ofMinutes(10), source.interval());
        Map<String, String> s = source.settings();
        assertEquals(List.of("url", "user", "password", "driver", "query", "cursorColumn", "cursorStart", "pageSize", "interval",
                "entity", "map.externalId", "map.customer", "map.userId", "map.event", "map.occurredAt", "dateFormat", "timezone",
                "amountsIn", "duplicates", "customerSource", "customerBy"), List.copyOf(s.keySet()));
        assertEquals("org.sqlite.JDBC", s.get("driver"));
        assertEquals("0", s.get("cursorStart"));
        assertEquals("reader", s.get("user"));
    }

    @Test
    void aRelativeSqlitePathIsUnderTheHome() {
        assertEquals("jdbc:sqlite:" + home.resolve("data/product.db").toAbsolutePath(), JdbcSource.resolveSqlite("jdbc:sqlite:data/product.db", home));
        assertEquals("jdbc:sqlite:/abs/p.db", JdbcSource.resolveSqlite("jdbc:sqlite:/abs/p.db", home));
        assertEquals("jdbc:sqlite::memory:", JdbcSource.resolveSqlite("jdbc:sqlite::memory:", home));
        assertEquals("jdbc:postgresql://db/app", JdbcSource.resolveSqlite("jdbc:postgresql://db/app", home));
        assertNull(CursorValue.parse("not json"));
    }

    // ---------------------------------------------------------------- the shipped examples

    JdbcSource example(String name, String url) throws Exception {
        String file = "vitals.source.jdbc-" + name + ".cfg";
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = getClass().getClassLoader().getResourceAsStream("examples/" + file)) {
            p.load(in);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        p.forEach((k, v) -> props.put((String) k, v));
        props.put("felix.fileinstall.filename", "file:" + home.resolve("etc").resolve(file));
        props.put("url", url);
        props.put("password", "file:secrets.properties#db");
        return source(props);
    }

    @Test
    void theExamplesReadAProductDatabaseOfTheirShape() throws Exception {
        String url = "jdbc:sqlite:" + home.resolve("product/example.db");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT, billing_email TEXT, created_at TIMESTAMP, plan TEXT,"
                    + " region TEXT, industry TEXT, seats INTEGER)");
            st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, account_id INTEGER, user_id TEXT, name TEXT, created_at TIMESTAMP)");
            st.execute("INSERT INTO accounts VALUES (1, 'Acme', 'billing@acme.test', '2025-11-02 08:30:00', 'pro', 'EMEA', 'software', 12)");
            st.execute("INSERT INTO accounts VALUES (2, 'Beta', NULL, '2025-12-24 17:00:00', 'starter', 'AMER', NULL, 3)");
            st.execute("INSERT INTO events VALUES (1, 1, 'u1', 'login', '2026-03-01 09:00:00')");
            st.execute("INSERT INTO events VALUES (2, 2, 'u2', 'create_report', '2026-03-01 09:05:00.123')");
        }
        JdbcSource accounts = example("product-accounts", url);
        JdbcSource events = example("product-events", url);
        assertEquals("SELECT id, account_id, user_id, name, created_at FROM events WHERE id > :cursor ORDER BY id",
                events.settings().get("query"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), harness.sync(accounts).counts());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), harness.sync(events).counts());
        assertEquals(List.of(), harness.rejects("product-accounts"));
        assertEquals(List.of(), harness.rejects("product-events"));
        assertEquals(List.of(Map.of("external_id", "2", "event", "create_report", "occurred_at", Instant.parse("2026-03-01T09:05:00Z").getEpochSecond(),
                "account", "2")), rows("SELECT e.external_id, e.event, e.occurred_at, c.external_id AS account FROM usage_events e"
                        + " JOIN customers c ON c.id = e.customer_id WHERE e.source = 'product-events' AND e.external_id = '2'"));
        assertEquals(List.of(Map.of("name", "seats", "value", "12")), rows("SELECT a.name, a.value FROM customer_attributes a"
                + " JOIN customers c ON c.id = a.customer_id WHERE c.source = 'product-accounts' AND c.external_id = '1'"));
    }
}
