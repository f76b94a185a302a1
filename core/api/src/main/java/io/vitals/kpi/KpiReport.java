package io.vitals.kpi;

import java.time.Duration;
import java.util.List;

/**
 * Every KPI for one period and segment, with its change against the previous period of the same
 * length and its status against its target.
 */
public record KpiReport(KpiQuery query, Period previous, List<Line> lines, Duration took) {

    public KpiReport {
        lines = List.copyOf(lines);
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
