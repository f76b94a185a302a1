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

    /** A real number of days between two epoch-seconds expressions. */
    default String daysBetween(String fromEpochSeconds, String toEpochSeconds) {
        return "((" + toEpochSeconds + ") - (" + fromEpochSeconds + ")) / 86400.0";
    }
}
