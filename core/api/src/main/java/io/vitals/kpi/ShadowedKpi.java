package io.vitals.kpi;

/** A KPI whose id a newer KPI also has: listed, not computed, until {@code by} goes away. */
public record ShadowedKpi(KpiInfo kpi, KpiInfo by) {
}
