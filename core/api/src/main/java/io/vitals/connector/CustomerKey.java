package io.vitals.connector;

import java.util.Objects;

/**
 * How a record names its customer when it cannot know the store's id: by the customer's id in a
 * source (its own, or another such as the CRM), by e-mail address, or through another record that
 * names the customer ({@code through = "subscriptions"}: {@code externalId} is the id of a
 * subscription of {@code source}, and the customer is that subscription's).
 */
public record CustomerKey(String source, String externalId, String email, String through) {

    /** What a customer may be found through: the subscriptions of a source. */
    public static final String THROUGH_SUBSCRIPTIONS = "subscriptions";

    public CustomerKey {
        if ((externalId == null || externalId.isBlank()) && (email == null || email.isBlank())) {
            throw new IllegalArgumentException("a customer key needs an external id or an e-mail address");
        }
        if (through != null && (!through.equals(THROUGH_SUBSCRIPTIONS) || externalId == null || source == null)) {
            throw new IllegalArgumentException("a customer is found through the id of a subscription of a source, not through " + through);
        }
    }

    public CustomerKey(String source, String externalId, String email) {
        this(source, externalId, email, null);
    }

    /** The customer of the subscription with this id in {@code source}. */
    public static CustomerKey ofSubscription(String source, String subscriptionId) {
        return new CustomerKey(Objects.requireNonNull(source, "source"), subscriptionId, null, THROUGH_SUBSCRIPTIONS);
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
        if (through != null) {
            return "of subscription " + source + ":" + externalId;
        }
        return externalId != null ? source + ":" + externalId : "email " + email;
    }
}
