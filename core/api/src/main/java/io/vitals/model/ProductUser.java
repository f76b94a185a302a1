package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/** A person who uses the product, on behalf of a customer account. */
public record ProductUser(String source, String userId, long customerId, Instant createdAt) {

    public ProductUser {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
