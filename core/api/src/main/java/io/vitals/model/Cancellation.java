package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A customer's cancellation as the billing system or a churn survey recorded it: when, the reason
 * ({@code too_expensive}, {@code switched_service}, {@code payment_failed}, ...) and what the customer
 * said. {@code subscription} is the cancelled subscription's id at the same source, when known. A
 * cancellation says why; the revenue lost is the subscription's, as its history gives it.
 */
public record Cancellation(long id, String source, String externalId, Long customerId, String subscription, Instant canceledAt,
        String reason, String feedback) {

    public Cancellation {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(canceledAt, "canceledAt");
    }
}
