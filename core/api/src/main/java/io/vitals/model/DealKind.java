package io.vitals.model;

import java.util.Locale;

/** What a deal sells: a first contract, more of the same, a related product, or a renewal. */
public enum DealKind {
    NEW_BUSINESS, UPSELL, CROSS_SELL, RENEWAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
