package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL: the same schema (see db/postgresql/) and the same KPI SQL; only dates, ids and the
 * schema the tables live in differ. The tables are found in the connection's current schema.
 */
final class PostgresDialect implements StoreDialect {

    private final String user;
    private final String password;
    private String schema = "public";

    PostgresDialect(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Reads the schema the connection's search path puts new tables in. */
    void useSchemaOf(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
            rs.next();
            String current = rs.getString(1);
            if (current == null) {
                throw new SQLException("the connection has no current schema: set currentSchema in the URL or the user's search_path");
            }
            schema = current;
        }
    }

    @Override
    public String name() {
        return "postgresql";
    }

    private static String utc(String epochSeconds) {
        return "(to_timestamp(" + epochSeconds + ") AT TIME ZONE 'UTC')";
    }

    @Override
    public String monthOf(String epochSeconds) {
        return "to_char(" + utc(epochSeconds) + ", 'YYYY-MM')";
    }

    @Override
    public String isoTime(String epochSeconds) {
        return "to_char(" + utc(epochSeconds) + ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    }

    @Override
    public String isoDate(String epochSeconds) {
        return "to_char(" + utc(epochSeconds) + ", 'YYYY-MM-DD')";
    }

    @Override
    public String usageDays(String fromDay, String toDay) {
        // measured on 100 k customers: DISTINCT users of a month 84 ms this way, 181 ms on the day index
        return "occurred_at >= (" + fromDay + ") * 86400 AND occurred_at < (" + toDay + ") * 86400";
    }

    @Override
    public String floor(String expression) {
        return "CAST(floor(" + expression + ") AS BIGINT)";
    }

    @Override
    public String number(String text) {
        return "(CASE WHEN trim(" + text + ") ~ '^-?[0-9]+(\\.[0-9]*)?$' THEN CAST(trim(" + text + ") AS DOUBLE PRECISION) END)";
    }

    /**
     * A row an upsert updated was locked by it first, so its new version carries the transaction in
     * xmax; an inserted one has none. One statement tells inserts from updates, where looking the keys
     * up first cost a scan of the source's rows per lookup while the planner's statistics still said
     * the source had none (200,000 usage events: 47-80 s).
     */
    @Override
    public java.util.Optional<String> insertedNotUpdated() {
        return java.util.Optional.of("(xmax = 0)");
    }

    @Override
    public String distinct(String a, String b) {
        return a + " IS DISTINCT FROM " + b;
    }

    @Override
    public String physical(String table) {
        return "\"" + schema.replace("\"", "\"\"") + "\"." + table;
    }

    @Override
    public String migrations() {
        return "/db/postgresql/";
    }

    @Override
    public String idValue(String table) {
        // An explicit NULL does not make PostgreSQL draw from the sequence, as SQLite's rowid does.
        return "coalesce(CAST(? AS BIGINT), nextval('" + table + "_id_seq'))";
    }

    @Override
    public void afterExplicitIds(Connection connection, Collection<String> tables) throws SQLException {
        for (String table : tables) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT setval('" + table + "_id_seq', greatest(coalesce((SELECT max(id) FROM " + table + "), 0), 1))")) {
                ps.execute();
            }
        }
    }

    @Override
    public Connection open(String url, boolean readOnly) throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        if (user != null && !user.isBlank()) {
            dataSource.setUser(user);
        }
        if (password != null && !password.isEmpty()) {
            dataSource.setPassword(password);
        }
        dataSource.setApplicationName("vitals");
        if (readOnly) {
            dataSource.setReadOnly(true);
            dataSource.setReadOnlyMode("always");
            // KPI statements are planned for their own period every time, never as server-prepared
            // statements: after a few executions PostgreSQL switched those to a generic plan that was
            // slower for good (medium: churn cost 45 -> 65 ms, MRR 93 -> 110 ms from the tenth asking on)
            dataSource.setPrepareThreshold(0);
        }
        Connection connection = dataSource.getConnection();
        if (readOnly) {
            connection.setReadOnly(true);
        }
        return connection;
    }

    @Override
    public String reason(String message) {
        // "ERROR: column "x" does not exist\n  Position: 42" -> "column "x" does not exist"
        String first = message.lines().findFirst().orElse(message);
        return first.startsWith("ERROR: ") ? first.substring("ERROR: ".length()) : first;
    }
}
