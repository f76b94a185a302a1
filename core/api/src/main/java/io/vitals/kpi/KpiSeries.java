package io.vitals.kpi;

import java.util.List;

/** A KPI over consecutive buckets of a period. */
public record KpiSeries(Grain grain, List<Point> points) {

    public KpiSeries {
        points = List.copyOf(points);
    }

    public record Point(Period period, KpiResult result) {
    }
}
