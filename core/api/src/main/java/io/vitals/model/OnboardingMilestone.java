package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/** A step of a customer's onboarding: {@code started}, {@code completed}, or a named step in between. */
public record OnboardingMilestone(long id, String source, String externalId, long customerId, String milestone,
        Instant occurredAt) {

    public OnboardingMilestone {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(milestone, "milestone");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
