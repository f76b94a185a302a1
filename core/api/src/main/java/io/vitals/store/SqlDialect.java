package io.vitals.store;

/**
 * The few pieces of KPI SQL that differ between databases. Everything else in KPI SQL is the common
 * part: {@code count(*) FILTER (WHERE ...)}, CASE, CTEs, window functions, {@code CAST}.
 */
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

    /** A real number of days between two epoch-seconds expressions. */
    default String daysBetween(String fromEpochSeconds, String toEpochSeconds) {
        return "((" + toEpochSeconds + ") - (" + fromEpochSeconds + ")) / 86400.0";
    }
}
