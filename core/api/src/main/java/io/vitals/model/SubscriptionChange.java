package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A subscription's recurring revenue as it became at a moment: a change seen at a source. The store
 * keeps a subscription's history as spans, one per state: this ends the span in force at {@code at}
 * and starts one with {@code state}, leaving what was recorded before {@code at} as it was.
 * {@code atSource} says whether the moment is the source's own (an event's time, an invoice line's
 * period start, a trial's end) or the moment the sync saw the change.
 */
public record SubscriptionChange(Subscription state, Instant at, boolean atSource) {

    public SubscriptionChange {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }
}
