package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.testdb.TestStores;

/**
 * The lookups a sync page makes by e-mail address and of rejects kept before go through their indexes
 * on each database, even before the database has statistics on them (a store just filled by a first
 * sync): PostgreSQL had walked every customer in id order for each address.
 */
class SyncLookupPlansTest {

    @TempDir
    Path dir;
    String url;
    SqlStore store;

    @BeforeEach
    void open() throws Exception {
        url = TestStores.url(dir, "plans");
        store = SqlStore.open(url, 1); // migrated
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement customer = c.prepareStatement("INSERT INTO customers (source, external_id, email, signup_at, cohort)"
                    + " VALUES ('crm', ?, ?, 0, '1970-01')");
                    PreparedStatement reject = c.prepareStatement("INSERT INTO sync_rejects (source, rejected_ms, raw, reason)"
                            + " VALUES ('crm', 0, ?, 'no customer given')")) {
                for (int i = 0; i < 5000; i++) {
                    customer.setString(1, "c" + i);
                    customer.setString(2, "c" + i + "@example.com");
                    customer.addBatch();
                    reject.setString(1, "row " + i + ",x,y");
                    reject.addBatch();
                }
                customer.executeBatch();
                reject.executeBatch();
            }
            c.commit();
        }
    }

    @AfterEach
    void close() {
        store.close();
        TestStores.release(url);
    }

    @Test
    void aCustomerByAddressIsOneProbeOfTheAddressIndex() throws Exception {
        assertUses("customers_by_email", "SELECT min(id) FROM customers WHERE lower(email) = lower('nobody@example.com')");
    }

    /** As in a store upgraded to 009: the database knows its customers, but nothing yet of the new index's expression. */
    @Test
    void aCustomerByAddressIsOneProbeRightAfterTheUpgrade() throws Exception {
        upgradeWithStatistics("customers", "customers_by_email", "009");
        assertUses("customers_by_email", "SELECT min(id) FROM customers WHERE lower(email) = lower('nobody@example.com')");
    }

    @Test
    void aRejectKeptBeforeIsFoundByItsRowRightAfterTheUpgrade() throws Exception {
        upgradeWithStatistics("sync_rejects", "sync_rejects_by_row", "010");
        assertUses("sync_rejects_by_row", "SELECT 1 FROM sync_rejects WHERE source = 'crm' AND reason = 'no customer given'"
                + " AND substr(coalesce(raw, ''), 1, 200) = substr(coalesce('row 7,x,y', ''), 1, 200)");
    }

    /** Drops the index, gives the database statistics on the table, then runs the migration that makes the index. */
    private void upgradeWithStatistics(String table, String index, String migration) throws Exception {
        String script;
        try (var in = getClass().getResourceAsStream("/db/" + (url.startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite") + "/" + migration + ".sql")) {
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP INDEX " + index);
            st.execute("ANALYZE " + table);
            for (String statement : script.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    @Test
    void aRejectKeptBeforeIsFoundByItsRow() throws Exception {
        assertUses("sync_rejects_by_row", "SELECT 1 FROM sync_rejects WHERE source = 'crm' AND reason = 'no customer given'"
                + " AND substr(coalesce(raw, ''), 1, 200) = substr(coalesce('row 7,x,y', ''), 1, 200)");
    }

    private void assertUses(String index, String query) throws Exception {
        String plan = plan(query);
        assertTrue(plan.contains(index), "expected " + index + " in the plan of " + query + ":\n" + plan);
    }

    private String plan(String query) throws Exception {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery((postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query)) {
            while (rs.next()) {
                plan.append(rs.getString(postgres ? 1 : 4)).append('\n');
            }
        }
        return plan.toString();
    }
}
