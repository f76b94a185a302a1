package io.vitals.http.metrics;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/vitals.metrics.cfg}. */
@ObjectClassDefinition(id = MetricsSettings.PID, name = "Vitals Prometheus metrics",
        description = "Which segments /metrics reports KPIs for, and how often the cached values are computed again.")
public @interface MetricsSettings {

    String PID = "vitals.metrics";

    @AttributeDefinition(description = "Segments to report besides all customers, each key=value (e.g. plan=pro); "
            + "several filters in one segment joined with '&' (plan=pro&region=EMEA).")
    String[] segments() default {};

    @AttributeDefinition(description = "Seconds between two computations of every KPI (and after each sync).", min = "10")
    int refreshSeconds() default 300;

    @AttributeDefinition(description = "Seconds between two looks for a finished sync or a KPI that came or went.", min = "1")
    int syncPollSeconds() default 5;
}
