package io.vitals.kpi;

/**
 * Which of the customers behind a KPI to list, in which order, and how many: the detractors behind
 * NPS, the churned accounts behind churn, the at-risk accounts behind health. {@code subset} null
 * means the KPI's default (the first it names); {@code sortBy} null means the KPI's own order.
 */
public record DrillDown(String subset, String sortBy, boolean descending, int limit) {

    public static final int DEFAULT_LIMIT = 50;

    public DrillDown {
        if (limit < 1) {
            throw new InvalidQueryException("--limit must be at least 1, got " + limit);
        }
    }

    public static DrillDown defaults() {
        return new DrillDown(null, null, true, DEFAULT_LIMIT);
    }
}
