package io.vitals.kpi;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * How long the computation running on this thread may still take. The registry computes every KPI
 * within one ({@code etc/vitals.registry.cfg}); the store gives each statement what is left and
 * cancels it in the database when that runs out, so a KPI that asks several statements shares one
 * budget and needs to pass nothing along. A limit set inside another never extends it.
 */
public final class TimeLimit {

    private record Deadline(long nanos, long limitSeconds) {
    }

    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    private TimeLimit() {
    }

    /** Runs {@code work} with at most {@code limit} (zero or negative: no limit of its own) left for it. */
    public static <T> T within(Duration limit, Supplier<T> work) {
        Deadline outer = CURRENT.get();
        if (limit.isZero() || limit.isNegative()) {
            return work.get();
        }
        Deadline mine = new Deadline(System.nanoTime() + limit.toNanos(), Math.max(1, limit.toSeconds()));
        if (outer != null && outer.nanos() - mine.nanos() <= 0) {
            return work.get();
        }
        CURRENT.set(mine);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The nanoseconds left on this thread, none when no limit is set; throws when they have run out. */
    public static OptionalLong remainingNanos() {
        Deadline d = CURRENT.get();
        if (d == null) {
            return OptionalLong.empty();
        }
        long left = d.nanos() - System.nanoTime();
        if (left <= 0) {
            throw exceeded();
        }
        return OptionalLong.of(left);
    }

    /** The failure of the computation running on this thread, whose limit has run out. */
    public static TimeLimitExceededException exceeded() {
        Deadline d = CURRENT.get();
        return new TimeLimitExceededException(d == null ? 0 : d.limitSeconds());
    }
}
