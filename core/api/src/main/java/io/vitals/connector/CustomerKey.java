package io.vitals.connector;

import java.util.Objects;

/**
 * How a record names its customer when it cannot know the store's id: by the customer's id in a
 * source (its own, or another such as the CRM), or by e-mail address.
 */
public record CustomerKey(String source, String externalId, String email) {

    public CustomerKey {
        if ((externalId == null || externalId.isBlank()) && (email == null || email.isBlank())) {
            throw new IllegalArgumentException("a customer key needs an external id or an e-mail address");
        }
    }

    /** The customer with this id in {@code source}. */
    public static CustomerKey of(String source, String externalId) {
        return new CustomerKey(Objects.requireNonNull(source, "source"), externalId, null);
    }

    /** The customer whose e-mail address this is (any source; case does not matter). */
    public static CustomerKey email(String email) {
        return new CustomerKey(null, null, email);
    }

    @Override
    public String toString() {
        return externalId != null ? source + ":" + externalId : "email " + email;
    }
}
