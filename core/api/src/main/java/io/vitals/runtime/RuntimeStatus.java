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

    /** Jars in {@code deploy/} (or bundles) that could not be resolved or started, with the reason. */
    List<DeployProblem> problems();

    record DeployProblem(String location, String reason) {
    }
}
