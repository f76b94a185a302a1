package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.store.StoreFullException;

/** A full disk is said to be one, with the file, instead of the database's code or a failed rollback hiding it. */
class StoreFullTest {

    @TempDir
    Path dir;

    /** SQLite's own answer when its file may not grow: a page limit, as a full disk would give. */
    static SQLException fullFrom(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE filler (x TEXT)");
            st.execute("PRAGMA max_page_count = " + 4);
            return assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    st.execute("INSERT INTO filler VALUES (printf('%.1000c', 'x'))");
                }
            });
        }
    }

    @Test
    void sqliteFullIsDiskFullWithTheFileNamed() throws Exception {
        SQLException full = fullFrom(dir.resolve("full.db"));
        assertTrue(full.getMessage().contains("SQLITE_FULL"), full.getMessage());
        assertTrue(SqlStore.diskFull(full));
        try (SqlStore store = SqlStore.open("jdbc:sqlite:" + dir.resolve("vitals.db"), 1)) {
            RuntimeException told = store.writeFailure("a page of billing", full);
            assertTrue(told instanceof StoreFullException, told.toString());
            assertEquals("disk full: cannot write " + dir.resolve("vitals.db") + "; a page of billing was not written; free some space"
                    + " and run it again", told.getMessage());
            RuntimeException other = store.writeFailure("a page of billing", new SQLException("UNIQUE constraint failed"));
            assertFalse(other instanceof StoreFullException);
        }
    }

    @Test
    void postgresDiskFullIsKnownByItsState() {
        assertTrue(SqlStore.diskFull(new SQLException("could not extend file", "53100")));
        assertTrue(SqlStore.diskFull(new RuntimeException(new java.io.IOException("No space left on device"))));
        assertFalse(SqlStore.diskFull(new SQLException("syntax error", "42601")));
    }
}
