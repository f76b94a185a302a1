package io.vitals.kpi;

/** Where a KPI stands against its target: met, close, missed, or no target (or no data) to judge by. */
public enum TargetStatus {
    GREEN, YELLOW, RED, NONE
}
