package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/** A tracked product event: who did what, for which account, when. {@code externalId} may be null. */
public record UsageEvent(String source, String externalId, long customerId, String userId, String event,
        Instant occurredAt) {

    public UsageEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
