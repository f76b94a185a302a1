package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A cost attributed to serving customers: {@code support}, {@code success}, {@code infrastructure}
 * or {@code churn} (e.g. win-back spend). {@code customerId} is null for costs shared by all.
 */
public record CostEntry(long id, String source, String externalId, Long customerId, String category,
        long amountCents, Instant incurredAt) {

    public CostEntry {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(incurredAt, "incurredAt");
        if (amountCents < 0) {
            throw new IllegalArgumentException("negative amount on cost " + externalId);
        }
    }
}
