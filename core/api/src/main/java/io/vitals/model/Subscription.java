package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A span of recurring revenue: from {@code startedAt} (inclusive) to {@code endedAt} (exclusive;
 * {@code null} while it runs) the customer pays {@code mrrCents} a month. A plan change ends one
 * span and starts another; a trial or a free plan is a span with zero MRR. {@code amountCents} is
 * what one billing interval charges in all (every unit, after discounts, without taxes or one-off
 * fees); {@code quantity} is the number of units (seats) it covers.
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

    /**
     * A subscription priced per unit: it charges {@code unitAmountCents} for each of {@code quantity}
     * units every {@code intervalCount} intervals; its MRR is derived by {@link BillingInterval#monthlyCents}.
     */
    public static Subscription priced(long id, String source, String externalId, long customerId, String plan,
            String status, BillingInterval interval, int intervalCount, int quantity, long unitAmountCents,
            String currency, Instant startedAt, Instant endedAt) {
        return new Subscription(id, source, externalId, customerId, plan, status, interval, intervalCount, quantity,
                Math.multiplyExact(unitAmountCents, quantity), currency,
                interval.monthlyCents(unitAmountCents, intervalCount, quantity), startedAt, endedAt);
    }
}
