package io.vitals.connector;

import java.time.Instant;
import java.util.Objects;

/**
 * A record deleted at its source (Stripe's {@code deleted: true}, a {@code customer.deleted} event, a
 * row gone from a complete export): it stops counting from {@code at} on, and what it counted before
 * stays. {@code entity} is the canonical table ({@code customers}, {@code subscriptions}, {@code tickets},
 * {@code deals}): a ticket or deal deleted is left out of the figures of periods that end after {@code at}.
 */
public record Deletion(String entity, String externalId, Instant at) {

    public static final java.util.Set<String> ENTITIES = java.util.Set.of("customers", "subscriptions", "tickets", "deals");

    public Deletion {
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(at, "at");
        if (!ENTITIES.contains(entity)) {
            throw new IllegalArgumentException("deletions are kept for " + ENTITIES + ", not " + entity);
        }
    }
}
