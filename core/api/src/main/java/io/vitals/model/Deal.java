package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A CRM deal or opportunity. {@code closedAt} is when it was won or lost, or for an open deal
 * the expected close date (a renewal's due date).
 */
public record Deal(long id, String source, String externalId, Long customerId, DealKind kind, DealStage stage,
        long amountCents, String currency, String product, Instant createdAt, Instant closedAt) {

    public Deal {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(createdAt, "createdAt");
        if (amountCents < 0) {
            throw new IllegalArgumentException("negative amount on deal " + externalId);
        }
    }
}
