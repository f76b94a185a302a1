/**
 * The KPI API: what a KPI is, how it is asked (period, segment, grain) and what it answers.
 * KPIs are OSGi services of type {@link io.vitals.kpi.Kpi}; the {@link io.vitals.kpi.KpiRegistry}
 * tracks them as they come and go.
 */
@Version("1.2.0")
@Export
package io.vitals.kpi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
