package io.vitals.kpi;

/** A KPI as the registry knows it: its definition and where it came from (bundle and version, or file). */
public record KpiInfo(KpiDefinition definition, String origin, String version) {

    public String id() {
        return definition.id();
    }
}
