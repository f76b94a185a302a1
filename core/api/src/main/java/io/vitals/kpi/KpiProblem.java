package io.vitals.kpi;

/**
 * A KPI that could not be loaded: a declared KPI file with a syntax error, an unknown column, SQL
 * that is not one read-only query. {@code origin} names the file; {@code line} is the line the
 * problem is on, or 0. A KPI file that fails registers one of these as a service instead of a KPI.
 */
public record KpiProblem(String origin, String id, String reason, int line) {

    @Override
    public String toString() {
        return origin + (line > 0 ? ":" + line : "") + ": " + reason;
    }
}
