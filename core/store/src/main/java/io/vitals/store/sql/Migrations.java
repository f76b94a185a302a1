package io.vitals.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database to the newest schema: runs the numbered scripts it has not yet run, each in
 * its own transaction, and records them in {@code schema_version}.
 */
final class Migrations {

    private Migrations() {
    }

    /** Told once before the first pending script runs, then after each. */
    interface Notice {
        Notice NONE = (from, to) -> { };

        /** @param from the schema version the database has (0: a new database) @param to the newest */
        void migrating(int from, int to);

        /** @param version the schema version now committed @param millis how long its script took */
        default void applied(int version, long millis) {
        }
    }

    /** @return the number of scripts applied */
    static int migrate(Connection connection, StoreDialect dialect, Notice notice) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            connection.commit();
            int current;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            List<String> pending = new ArrayList<>();
            for (String script; (script = read(dialect.migrations() + String.format("%03d.sql", current + pending.size() + 1))) != null; ) {
                pending.add(script);
            }
            if (!pending.isEmpty()) {
                notice.migrating(current, current + pending.size());
            }
            for (int i = 0; i < pending.size(); i++) {
                long started = System.nanoTime();
                for (String sql : statements(pending.get(i))) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + (current + 1 + i) + ", "
                        + System.currentTimeMillis() / 1000 + ")");
                connection.commit();
                notice.applied(current + 1 + i, (System.nanoTime() - started) / 1_000_000);
            }
            return pending.size();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + resource, e);
        }
    }

    /** Splits a script at semicolons that end a line, dropping comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            int comment = line.indexOf("--");
            current.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
            if (current.toString().strip().endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
