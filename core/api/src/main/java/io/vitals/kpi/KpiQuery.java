package io.vitals.kpi;

import java.util.Objects;

/** The question put to a KPI: which period and which customers. */
public record KpiQuery(Period period, Segment segment) {

    public KpiQuery {
        Objects.requireNonNull(period, "period");
        segment = segment == null ? Segment.ALL : segment;
    }

    public static KpiQuery of(Period period) {
        return new KpiQuery(period, Segment.ALL);
    }

    public KpiQuery withPeriod(Period other) {
        return new KpiQuery(other, segment);
    }
}
