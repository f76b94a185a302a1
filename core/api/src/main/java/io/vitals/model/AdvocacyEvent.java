package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/** A referral, testimonial, review or case study by a customer. */
public record AdvocacyEvent(long id, String source, String externalId, long customerId, String kind,
        Instant occurredAt) {

    public AdvocacyEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
