package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A tracked product event: who did what, for which account, when. {@code externalId} may be null.
 * {@code count}: how many times it happened (a daily usage row counts several; 1 for one event).
 */
public record UsageEvent(String source, String externalId, long customerId, String userId, String event,
        Instant occurredAt, long count) {

    public UsageEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (count < 1) {
            throw new IllegalArgumentException("an event happens at least once; count " + count);
        }
    }

    /** One event. */
    public UsageEvent(String source, String externalId, long customerId, String userId, String event, Instant occurredAt) {
        this(source, externalId, customerId, userId, event, occurredAt, 1);
    }
}
