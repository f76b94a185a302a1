package io.vitals.runtime;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** What the platform knows about its own state. */
@ProviderType
public interface RuntimeStatus {

    /**
     * True when every jar in {@code deploy/} has been installed and is active or known to have
     * failed, and no component is part-way through its activation (a source loading data, a store
     * migrating its schema).
     */
    boolean settled();

    /** What the platform still waits for before it is settled, in words ("deploy/acme-kpis.jar to start"); empty once settled. */
    default java.util.Optional<String> waitingFor() {
        return settled() ? java.util.Optional.empty() : java.util.Optional.of("the platform to settle");
    }

    /** Jars in {@code deploy/} (or bundles) that could not be resolved or started, with the reason. */
    List<DeployProblem> problems();

    record DeployProblem(String location, String reason) {
    }

    /**
     * Components that could not be activated, most often for a mistake in their configuration file (a
     * value of the wrong type, a setting the component refused), with the reason in words.
     */
    default List<ComponentProblem> components() {
        return List.of();
    }

    /**
     * @param component the component's name
     * @param file the configuration file it was activated with, relative to the home, or null
     * @param properties the component's own properties (a KPI's {@code vitals.kpi.id}) and its configuration's, as text
     * @param reason one line: which setting is wrong and what it should be, or the component's own complaint
     */
    record ComponentProblem(String component, String file, java.util.Map<String, String> properties, String reason) {
    }
}
