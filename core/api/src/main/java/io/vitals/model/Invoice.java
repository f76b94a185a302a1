package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An invoice. {@code amountCents} excludes tax ({@code taxCents}). {@code kind} is
 * {@code recurring}, {@code one_off} or {@code refund}; {@code status} is {@code paid},
 * {@code open}, {@code void} or {@code uncollectible}.
 */
public record Invoice(long id, String source, String externalId, long customerId, Long subscriptionId,
        Instant issuedAt, Instant dueAt, Instant paidAt, long amountCents, long taxCents, String currency,
        String status, String kind) {

    public Invoice {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        if (amountCents < 0 || taxCents < 0) {
            throw new IllegalArgumentException("negative amount on invoice " + externalId + "; a refund is an invoice of kind refund with a positive amount");
        }
    }
}
