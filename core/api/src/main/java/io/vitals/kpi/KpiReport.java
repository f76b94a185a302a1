package io.vitals.kpi;

import java.time.Duration;
import java.util.List;

/**
 * Every KPI for one period and segment, with its change against the previous period of the same
 * length and its status against its target.
 */
public record KpiReport(KpiQuery query, Period previous, List<Line> lines, Duration took, AsOf asOf) {

    public KpiReport {
        lines = List.copyOf(lines);
        asOf = asOf == null ? AsOf.now(-1) : asOf;
    }

    public KpiReport(KpiQuery query, Period previous, List<Line> lines, Duration took) {
        this(query, previous, lines, took, null);
    }

    /**
     * The data a report was computed on: the store's data version then and when it was computed. A
     * report that is {@code refreshing} was computed on data that has changed since; a newer one is being
     * computed, and this one is served meanwhile rather than nothing.
     */
    public record AsOf(long dataVersion, java.time.Instant computedAt, boolean refreshing) {
        public static AsOf now(long dataVersion) {
            return new AsOf(dataVersion, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), false);
        }
    }

    /** The same report, said to be computed on earlier data while a newer one is computed. */
    public KpiReport refreshing() {
        return new KpiReport(query, previous, lines, took, new AsOf(asOf.dataVersion(), asOf.computedAt(), true));
    }

    /**
     * One KPI's line. {@code change} is the value minus the previous period's value, in the KPI's
     * unit (percentage points for a percentage), or null when either has no data. A KPI that failed
     * has {@code failure} set and no results.
     */
    public record Line(KpiInfo kpi, KpiResult current, KpiResult previous, Double change, Target target,
            TargetStatus status, String failure) {
    }
}
