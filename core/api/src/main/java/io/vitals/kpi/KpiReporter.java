package io.vitals.kpi;

import org.osgi.annotation.versioning.ProviderType;

/** Builds the one-screen report of every installed KPI. */
@ProviderType
public interface KpiReporter {

    KpiReport report(KpiQuery query);
}
