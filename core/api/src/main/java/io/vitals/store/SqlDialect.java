package io.vitals.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The few pieces of KPI SQL that differ between databases. Everything else in KPI SQL is the common
 * part: {@code count(*) FILTER (WHERE ...)}, CASE, CTEs, window functions, {@code CAST} (to
 * {@code DOUBLE PRECISION} for reals: SQLite reads it as REAL, and PostgreSQL's REAL has only six digits).
 */
@ProviderType
public interface SqlDialect {

    /** "sqlite" or "postgresql". */
    String name();

    /** The calendar month, as text 'YYYY-MM', of an epoch-seconds expression in UTC. */
    String monthOf(String epochSecondsExpression);

    /** An epoch-seconds expression as ISO-8601 text in UTC, '2026-03-01T09:30:00Z', for tables people read. */
    String isoTime(String epochSecondsExpression);

    /** An epoch-seconds expression as an ISO date in UTC, '2026-03-01'. */
    String isoDate(String epochSecondsExpression);

    /** The largest integer not above a non-negative real expression. */
    String floor(String expression);

    /**
     * A text expression (an attribute value) as a real number, or NULL when it is not a plain
     * decimal number such as "4", "-2" or "4.5". SQLite's own CAST would read "great" as 0.
     */
    String number(String textExpression);

    /**
     * Usage events of the UTC days {@code [fromDay, toDay)}, the two given as day-number expressions
     * (such as {@code :fromDay} and {@code :toDay}), as this database reads them fastest: on SQLite on
     * the store's index of {@code occurred_at / 86400}, which hands out (day, customer, user) in order;
     * on PostgreSQL as a range of epoch seconds, which its planner reads twice as fast.
     */
    String usageDays(String fromDay, String toDay);

    /** A real number of days between two epoch-seconds expressions. */
    default String daysBetween(String fromEpochSeconds, String toEpochSeconds) {
        return "((" + toEpochSeconds + ") - (" + fromEpochSeconds + ")) / 86400.0";
    }
}
