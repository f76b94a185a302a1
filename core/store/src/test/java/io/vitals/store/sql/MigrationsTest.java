package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema migrations on SQLite: a new database gets all, an older one the rest, and the log is told before. */
class MigrationsTest {

    @TempDir
    Path dir;

    @Test
    void aNewDatabaseGetsEveryScriptAndAnOlderOneTheRest() throws Exception {
        SqliteDialect dialect = new SqliteDialect();
        String url = "jdbc:sqlite:" + dir.resolve("m.db");
        List<String> told = new ArrayList<>();
        int newest;
        try (Connection c = dialect.open(url, false)) {
            newest = Migrations.migrate(c, dialect, (from, to) -> told.add(from + "->" + to));
            assertTrue(newest >= 8, "at least the eight scripts of this release, got " + newest);
            assertEquals(List.of("0->" + newest), told);

            assertEquals(0, Migrations.migrate(c, dialect, (from, to) -> told.add(from + "->" + to)));
            assertEquals(1, told.size(), "nothing to do, nothing told");

            // a store of the release before 006: its indexes (006-010) gone, its version row too
            try (Statement st = c.createStatement()) {
                st.execute("DROP INDEX usage_events_by_day");
                st.execute("DROP INDEX tickets_by_resolution");
                st.execute("DROP INDEX users_by_customer");
                st.execute("DROP INDEX invoices_by_period");
                st.execute("DROP INDEX tickets_by_creation");
                st.execute("DROP INDEX survey_responses_by_customer");
                st.execute("DROP INDEX subscriptions_by_customer_span");
                st.execute("DROP INDEX customers_by_email");
                st.execute("DROP INDEX sync_rejects_by_row");
                st.execute("DROP INDEX subscriptions_by_key");
                st.execute("ALTER TABLE subscriptions DROP COLUMN changed_by");
                st.execute("DROP TABLE subscription_changes");
                st.execute("ALTER TABLE customers DROP COLUMN deleted_at");
                for (String table : new String[] {"published_months", "published_figures", "restatements"}) {
                    st.execute("DROP TABLE " + table);
                }
                st.execute("DROP INDEX sync_rejects_pending");
                for (String column : new String[] {"pending", "customer_key", "resolved_ms"}) {
                    st.execute("ALTER TABLE sync_rejects DROP COLUMN " + column);
                }
                st.execute("ALTER TABLE sync_runs DROP COLUMN duplicates");
                st.execute("ALTER TABLE sync_runs DROP COLUMN landed");
                st.execute("ALTER TABLE sync_runs DROP COLUMN skipped");
                st.execute("ALTER TABLE usage_events DROP COLUMN event_count");
                st.execute("DROP TABLE ticket_attributes");
                st.execute("DROP TABLE cancellations");
                st.execute("DROP TABLE deal_history");
                st.execute("ALTER TABLE tickets DROP COLUMN deleted_at");
                st.execute("ALTER TABLE deals DROP COLUMN deleted_at");
                st.execute("ALTER TABLE subscriptions DROP COLUMN subscription_key");
                st.execute("INSERT INTO subscriptions (source, external_id, customer_id, billing_interval, interval_count, quantity,"
                        + " amount_cents, currency, mrr_cents, started_at) VALUES ('billing', 'sub_1', 1, 'month', 1, 1, 2000, 'USD', 2000, 0)");
                st.execute("CREATE INDEX sync_rejects_by_reason ON sync_rejects (source, reason)");
                st.execute("CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id)");
                st.execute("CREATE INDEX invoices_by_issue ON invoices (issued_at)");
                st.execute("CREATE INDEX tickets_by_creation ON tickets (created_at)");
                st.execute("DELETE FROM schema_version WHERE version >= 6");
            }
            assertEquals(newest - 5, Migrations.migrate(c, dialect, new Migrations.Notice() {
                @Override
                public void migrating(int from, int to) {
                    told.add(from + "->" + to);
                }

                @Override
                public void applied(int version, long millis) {
                    told.add("applied " + version);
                }
            }));
            List<String> expected = new ArrayList<>(List.of("0->" + newest, "5->" + newest));
            for (int v = 6; v <= newest; v++) {
                expected.add("applied " + v);
            }
            assertEquals(expected, told, "told before the first script, then after each");
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                            + " AND name IN ('usage_events_by_day', 'tickets_by_resolution', 'users_by_customer',"
                            + " 'invoices_by_period', 'tickets_by_creation', 'survey_responses_by_customer',"
                            + " 'subscriptions_by_customer_span', 'customers_by_email', 'sync_rejects_by_row')")) {
                rs.next();
                assertEquals(9, rs.getInt(1));
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT subscription_key, changed_by FROM subscriptions WHERE external_id = 'sub_1'")) {
                rs.next();
                assertEquals("sub_1", rs.getString(1), "a subscription of an older store is its own first span");
                assertEquals(null, rs.getString(2));
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN SELECT min(id) FROM customers WHERE lower(email) = lower('a@b.example')")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString("detail"));
                }
                assertTrue(plan.toString().contains("customers_by_email"), "a sync page finds a customer by address in the index: " + plan);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN SELECT 1 FROM sync_rejects WHERE source = 's' AND reason = 'r'"
                            + " AND substr(coalesce(raw, ''), 1, 200) = substr(coalesce('x,y', ''), 1, 200) AND NOT (raw IS DISTINCT FROM 'x,y')")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString("detail"));
                }
                assertTrue(plan.toString().contains("sync_rejects_by_row") && plan.toString().contains("<expr>=?"),
                        "a page finds a reject kept before by its row: " + plan);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                            + " AND name IN ('subscriptions_by_customer', 'invoices_by_issue', 'sync_rejects_by_reason')")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the indexes the new ones serve for are gone");
            }
        }
    }
}
