package io.vitals.kpi;

import org.osgi.annotation.versioning.ProviderType;

/** Builds the one-screen report of every installed KPI. */
@ProviderType
public interface KpiReporter {

    /** The report computed on the data as it is now; waits for it. */
    KpiReport report(KpiQuery query);

    /**
     * The newest complete report for the question, for readers who must not wait while data streams in
     * (the dashboard, {@code /api/report} during a long sync): computed on the current data when it is kept,
     * else the last one, marked {@link KpiReport.AsOf#refreshing() refreshing}, while a newer one is computed;
     * the first time, computed now.
     */
    default KpiReport latest(KpiQuery query) {
        return report(query);
    }
}
