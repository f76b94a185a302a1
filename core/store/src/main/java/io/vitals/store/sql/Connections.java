package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jdbi.v3.core.ConnectionFactory;

/**
 * A small pool of connections: read-only ones for KPIs, writers for syncs. Opening a SQLite connection
 * and setting its pragmas costs more than many KPI queries, and a writer opened afresh for every page
 * of a sync starts with a cold page cache (1 M usage events: 0.6 s of 2.9 s on a bare JDBC harness),
 * so connections are kept and handed out again, the one given back last first: its caches are the
 * warmest (a PostgreSQL backend reads the catalog of every table it touches the first time, 10-20 ms
 * for a KPI over a few tables, which handing connections out in turn paid on every one of them).
 */
final class Connections implements ConnectionFactory, AutoCloseable {

    private final StoreDialect dialect;
    private final String url;
    private final int size;
    private final boolean readOnly;
    private final BlockingDeque<Idle> idle;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;
    private volatile long lastReturned = System.nanoTime();
    /** Connections given back before this instant are checked before they are handed out (see {@link #suspectIdle}). */
    private volatile long suspectBefore = System.nanoTime();

    /** A connection given back, and since when it has waited. */
    private record Idle(Connection connection, long since) {
    }

    /**
     * A connection that has waited longer than this is asked whether it still works before it is handed
     * out (a PostgreSQL server restarted meanwhile leaves it open but dead); one closed is never handed out.
     */
    static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    Connections(StoreDialect dialect, String url, int size, boolean readOnly) {
        this.dialect = dialect;
        this.url = url;
        this.size = size;
        this.readOnly = readOnly;
        this.idle = new LinkedBlockingDeque<>(size);
    }

    @Override
    public Connection openConnection() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        while (true) {
            Idle waiting = idle.pollFirst();
            if (waiting == null) {
                break;
            }
            if (works(waiting)) {
                return waiting.connection();
            }
        }
        if (open.incrementAndGet() <= size) {
            try {
                return dialect.open(url, readOnly);
            } catch (SQLException | RuntimeException e) {
                open.decrementAndGet();
                throw e;
            }
        }
        open.decrementAndGet();
        // Wait as long as connections keep coming back (a report queues more computations than there
        // are connections, and on a large store each may take a while); give up when none has for 60 s.
        while (true) {
            Idle waiting;
            try {
                waiting = idle.pollFirst(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a store connection", e);
            }
            if (waiting != null) {
                if (works(waiting)) {
                    return waiting.connection();
                }
                return openConnection(); // its place is free again
            }
            if (closed || System.nanoTime() - lastReturned > TimeUnit.SECONDS.toNanos(60)) {
                throw new SQLException("no store connection came back within 60 s");
            }
        }
    }

    /** True when the connection can be handed out; else it is closed and its place in the pool freed. */
    private boolean works(Idle waiting) {
        Connection c = waiting.connection();
        boolean works;
        try {
            boolean trusted = waiting.since() - suspectBefore > 0 && System.nanoTime() - waiting.since() < CHECK_AFTER_IDLE_NANOS;
            works = !c.isClosed() && (trusted || c.isValid(5));
        } catch (SQLException e) {
            works = false;
        }
        if (!works) {
            discard(c);
        }
        return works;
    }

    /** One connection was found dead: every one waiting now is checked before it is handed out. */
    void suspectIdle() {
        suspectBefore = System.nanoTime();
    }

    /** A pooled connection for code that closes what it opens: closing it gives it back to the pool. */
    Connection lend() throws SQLException {
        Connection pooled = openConnection();
        java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        if (returned.compareAndSet(false, true)) {
                            closeConnection(pooled);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(pooled, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void discard(Connection connection) {
        open.decrementAndGet();
        try {
            connection.close();
        } catch (SQLException e) {
            // it was broken already
        }
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        lastReturned = System.nanoTime();
        if (closed || connection.isClosed()) {
            connection.close();
            open.decrementAndGet();
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException broken) {
            discard(connection); // its place is free again; the caller's own failure, if any, has been reported
            return;
        }
        if (!idle.offerFirst(new Idle(connection, System.nanoTime()))) {
            connection.close();
            open.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        Idle c;
        while ((c = idle.poll()) != null) {
            try {
                c.connection().close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
