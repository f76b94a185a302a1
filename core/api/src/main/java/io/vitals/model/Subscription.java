package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A span of recurring revenue: from {@code startedAt} (inclusive) to {@code endedAt} (exclusive;
 * {@code null} while it runs) the customer pays {@code mrrCents} a month. A plan change ends one
 * span and starts another; a trial or a free plan is a span with zero MRR. {@code amountCents} is
 * what one billing interval charges after discounts, without taxes or one-off fees.
 */
public record Subscription(long id, String source, String externalId, long customerId, String plan, String status,
        BillingInterval interval, int intervalCount, int quantity, long amountCents, String currency,
        long mrrCents, Instant startedAt, Instant endedAt) {

    public Subscription {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(startedAt, "startedAt");
        if (amountCents < 0 || quantity < 0 || intervalCount < 1) {
            throw new IllegalArgumentException("subscription " + externalId + " has a negative amount or quantity, or no interval");
        }
        if (mrrCents < 0) {
            throw new IllegalArgumentException("MRR cannot be negative: " + mrrCents);
        }
        if (endedAt != null && endedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("subscription " + externalId + " ends before it starts");
        }
    }

    /** A subscription whose MRR is derived from its price by {@link BillingInterval#monthlyCents}. */
    public static Subscription priced(long id, String source, String externalId, long customerId, String plan,
            String status, BillingInterval interval, int intervalCount, int quantity, long amountCents,
            String currency, Instant startedAt, Instant endedAt) {
        return new Subscription(id, source, externalId, customerId, plan, status, interval, intervalCount, quantity,
                amountCents, currency, interval.monthlyCents(amountCents, intervalCount, quantity), startedAt, endedAt);
    }
}
