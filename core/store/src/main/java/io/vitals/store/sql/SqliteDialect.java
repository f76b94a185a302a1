package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** SQLite in WAL mode: one writer, many readers that never block it. */
final class SqliteDialect implements StoreDialect {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String monthOf(String epochSeconds) {
        return "strftime('%Y-%m', " + epochSeconds + ", 'unixepoch')";
    }

    @Override
    public String isoTime(String epochSeconds) {
        return "strftime('%Y-%m-%dT%H:%M:%SZ', " + epochSeconds + ", 'unixepoch')";
    }

    @Override
    public String isoDate(String epochSeconds) {
        return "strftime('%Y-%m-%d', " + epochSeconds + ", 'unixepoch')";
    }

    @Override
    public String usageDays(String fromDay, String toDay) {
        // the day index's expression exactly, so the planner reads (day, customer, user) from it in order
        return "occurred_at / 86400 >= " + fromDay + " AND occurred_at / 86400 < " + toDay;
    }

    @Override
    public String floor(String expression) {
        return "CAST((" + expression + ") AS INTEGER)";
    }

    @Override
    public String number(String text) {
        String bare = "ltrim(trim(" + text + "), '-')";
        return "(CASE WHEN " + bare + " GLOB '[0-9]*' AND " + bare + " NOT GLOB '*[^0-9.]*' THEN CAST(trim(" + text
                + ") AS REAL) END)";
    }

    @Override
    public String distinct(String a, String b) {
        return a + " IS NOT " + b;
    }

    @Override
    public String physical(String table) {
        return "main." + table;
    }

    @Override
    public String migrations() {
        return "/db/sqlite/";
    }

    @Override
    public String reason(String message) {
        // "[SQLITE_ERROR] SQL error or missing database (no such column: amount)" -> "no such column: amount"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\[SQLITE_[A-Z_]+\\][^(]*\\((.*)\\)$",
                java.util.regex.Pattern.DOTALL).matcher(message);
        return m.matches() ? m.group(1) : message;
    }

    /**
     * An INTEGER PRIMARY KEY given no value gets the largest id plus one, and one writer at a time
     * holds the database; only a table whose largest id is the largest integer gets random ones.
     */
    @Override
    public boolean newIdsAboveExisting() {
        return true;
    }

    /** {@code PRAGMA data_version}: moved by every commit of another connection, this process's or another's. */
    @Override
    public java.util.OptionalLong commitsByOthers(Connection connection) throws SQLException {
        try (var statement = connection.createStatement(); var rs = statement.executeQuery("PRAGMA data_version")) {
            rs.next();
            return java.util.OptionalLong.of(rs.getLong(1));
        }
    }

    @Override
    public boolean oneWriterAtATime() {
        return true;
    }

    @Override
    public Connection open(String url, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        // Sorts and DISTINCTs over a large month spill to temporary files through the page cache rather
        // than growing in memory: in memory a report on 1 M customers took the process to 854 MB.
        config.setTempStore(SQLiteConfig.TempStore.FILE);
        if (readOnly) {
            // KPI reads keep SQLite's default 2 MiB page cache: the sorter behind GROUP BY and DISTINCT
            // sorts runs as large as the cache before it merges them, and runs of 32 MiB sorted slower (on
            // 1 M customers the health score took 12.9 s with a 32 MiB cache, 10.2 s with 2 MiB)
            config.setReadOnly(true);
        } else {
            config.setCacheSize(-32_768); // the writer: 32 MiB of page cache for index inserts, outside the Java heap
        }
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        Connection connection = dataSource.getConnection();
        try (var statement = connection.createStatement()) {
            statement.execute(readOnly ? "PRAGMA query_only = 1" : "PRAGMA wal_autocheckpoint = 10000");
        }
        return connection;
    }
}
