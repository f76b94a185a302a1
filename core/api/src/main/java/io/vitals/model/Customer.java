package io.vitals.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A customer account. {@code plan}, {@code region}, {@code csmOwner} and {@code industry} are the
 * common segment keys; any other attribute (size, country, a CRM property...) goes in {@code attributes}.
 */
public record Customer(long id, String source, String externalId, String name, String email, Instant signupAt,
        String plan, String region, String csmOwner, String industry, Map<String, String> attributes) {

    public Customer {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(signupAt, "signupAt");
        attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
    }
}
