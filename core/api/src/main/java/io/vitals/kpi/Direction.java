package io.vitals.kpi;

/** Which way is good for a KPI; targets take their sense from it. */
public enum Direction {
    HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL
}
