package io.vitals.kpi;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The targets configured for KPIs ({@code etc/vitals.target-<name>.cfg}), as they are configured now. */
@ProviderType
public interface TargetBook {

    /** The target for exactly this segment, else the KPI's target for all customers. */
    Optional<Target> targetFor(String kpi, Segment segment);

    List<Target> all();
}
