package io.vitals.kpi;

import java.util.ArrayList;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A customer-success KPI, registered as an OSGi service. It describes itself and computes its
 * value in the store (in SQL, never by loading every row into Java).
 */
@ConsumerType
public interface Kpi {

    /** The service property that repeats {@code definition().id()}, for service filters. */
    String ID_PROPERTY = "vitals.kpi.id";

    /** A service property naming where a KPI came from when that is not its bundle: a file's path. */
    String ORIGIN_PROPERTY = "vitals.kpi.origin";

    /** A service property with the time (epoch ms) a file-born KPI was last changed, which ranks it against others. */
    String MODIFIED_PROPERTY = "vitals.kpi.modified";

    KpiDefinition definition();

    KpiResult compute(KpiQuery query);

    /**
     * The KPI for each bucket of the period. By default each bucket is computed exactly as a period
     * of its own would be, so a series point always equals the single value for that bucket.
     */
    default KpiSeries series(KpiQuery query, Grain grain) {
        List<KpiSeries.Point> points = new ArrayList<>();
        for (Period bucket : grain.buckets(query.period())) {
            points.add(new KpiSeries.Point(bucket, compute(query.withPeriod(bucket))));
        }
        return new KpiSeries(grain, points);
    }

    /**
     * The customers behind the number for this period and segment (the detractors behind NPS, the
     * churned accounts behind churn), one row each, sorted and limited as asked. KPIs that name
     * drill-down subsets in their definition answer; others refuse.
     */
    default KpiTable customers(KpiQuery query, DrillDown drillDown) {
        throw new InvalidQueryException("KPI '" + definition().id() + "' has no drill-down to customers");
    }
}
