package io.vitals.kpi;

/**
 * A variant of a KPI's definition that configuration chooses, with the value in force and the
 * catalogue's default, so {@code kpi:info} can say which definition is being computed.
 */
public record KpiParameter(String name, String value, String defaultValue, String description) {

    public static KpiParameter of(String name, Object value, Object defaultValue, String description) {
        return new KpiParameter(name, String.valueOf(value), String.valueOf(defaultValue), description);
    }
}
