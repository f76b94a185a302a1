package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool hands out the connection given back last, never one that no longer works, and keeps its size. */
class ConnectionsTest {

    @TempDir
    Path folder;

    Connections pool(int size) {
        return new Connections(new SqliteDialect(), "jdbc:sqlite:" + folder.resolve("pool.db"), size, false);
    }

    static int one(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theConnectionGivenBackLastIsHandedOutFirst() throws Exception {
        try (Connections pool = pool(2)) {
            Connection a = pool.openConnection();
            Connection b = pool.openConnection();
            pool.closeConnection(a);
            pool.closeConnection(b);
            assertSame(b, pool.openConnection());
            assertSame(a, pool.openConnection());
        }
    }

    @Test
    void aConnectionThatStoppedWorkingWhileItWaitedIsReplaced() throws Exception {
        try (Connections pool = pool(1)) {
            Connection first = pool.openConnection();
            pool.closeConnection(first);
            first.close(); // broken while it waited in the pool
            Connection next = pool.openConnection();
            assertNotSame(first, next);
            assertEquals(1, one(next));
            pool.closeConnection(next);
            assertSame(next, pool.openConnection(), "the pool of one still has its one place");
        }
    }

    @Test
    void afterAConnectionWasFoundDeadTheWaitingOnesAreCheckedBeforeTheyAreHandedOut() throws Exception {
        try (Connections pool = pool(1)) {
            Connection real = pool.openConnection();
            java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
            // open but dead, as a PostgreSQL connection is after the server restarted
            Connection c = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("isValid")
                            ? !dead.get() : method.invoke(real, args));
            pool.closeConnection(c);
            dead.set(true);
            assertSame(c, pool.openConnection(), "given back moments ago: handed out without asking");
            pool.closeConnection(c);
            pool.suspectIdle();
            Connection next = pool.openConnection();
            assertNotSame(c, next);
            assertTrue(real.isClosed(), "the dead one was closed");
            assertEquals(1, one(next));
        }
    }

    @Test
    void aLostConnectionIsToldFromAFailedQuery() {
        assertTrue(SqlStore.connectionLost(new RuntimeException(new java.sql.SQLException(
                "FATAL: terminating connection due to administrator command", "57P01"))));
        assertTrue(SqlStore.connectionLost(new java.sql.SQLException("An I/O error occurred", "08006")));
        assertEquals(false, SqlStore.connectionLost(new RuntimeException(new java.sql.SQLException(
                "relation \"customer\" does not exist", "42P01"))));
        assertEquals(false, SqlStore.connectionLost(new IllegalStateException("no SQL at all")));
    }

    @Test
    void aConnectionWhoseTransactionCannotBeRolledBackIsNotKept() throws Exception {
        try (Connections pool = pool(1)) {
            Connection c = pool.openConnection();
            c.setAutoCommit(false);
            Connection broken = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("rollback")) {
                            throw new java.sql.SQLException("I/O error: the server went away", "08006");
                        }
                        return method.invoke(c, args);
                    });
            pool.closeConnection(broken);
            assertTrue(c.isClosed(), "it was closed, not given back");
            Connection next = pool.openConnection(); // within the pool's size: not a 60 s wait
            assertEquals(1, one(next));
        }
    }
}
