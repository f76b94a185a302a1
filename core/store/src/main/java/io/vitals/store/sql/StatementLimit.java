package io.vitals.store.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

import io.vitals.kpi.TimeLimit;

/**
 * Cancels a KPI's statement in the database when the time limit of its computation ({@link TimeLimit})
 * runs out. JDBC's query timeout is no help on SQLite (its driver only waits less for locks), so a timer
 * calls {@link java.sql.Statement#cancel()}: sqlite3_interrupt on SQLite, a cancel request on PostgreSQL.
 * Either way the connection stays usable and goes back to the pool.
 */
final class StatementLimit implements StatementCustomizer, AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vitals-statement-limit");
        t.setDaemon(true);
        return t;
    });

    private final long deadline;
    private ScheduledFuture<?> task;
    private boolean done;
    private volatile boolean fired;

    private StatementLimit(long nanos) {
        this.deadline = System.nanoTime() + nanos;
    }

    /** The limit left on this thread, or null when there is none; throws when it has already run out. */
    static StatementLimit current() {
        java.util.OptionalLong left = TimeLimit.remainingNanos();
        return left.isPresent() ? new StatementLimit(left.getAsLong()) : null;
    }

    @Override
    public synchronized void beforeExecution(PreparedStatement statement, StatementContext ctx) {
        done = false; // asked again on a new connection (the first was found dead): the same deadline
        long left = deadline - System.nanoTime();
        task = TIMER.schedule(() -> cancel(statement), Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    private synchronized void cancel(PreparedStatement statement) {
        if (done) {
            return; // finished meanwhile: its connection may already serve someone else
        }
        fired = true;
        try {
            statement.cancel();
        } catch (SQLException e) {
            // closed meanwhile: nothing left to stop
        }
    }

    /** True when the statement was cancelled because its time ran out. */
    boolean fired() {
        return fired;
    }

    @Override
    public synchronized void close() {
        done = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
