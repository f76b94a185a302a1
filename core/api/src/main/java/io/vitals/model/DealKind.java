package io.vitals.model;

import java.util.Locale;

/** What a deal sells: a first contract, more of the same, a related product, or a renewal. */
public enum DealKind {
    NEW_BUSINESS, UPSELL, CROSS_SELL, RENEWAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a configured code names (any case, trimmed); {@code what} names the setting in the refusal. */
    public static DealKind parse(String what, String configured) {
        String k = configured == null ? "" : configured.trim().toLowerCase(Locale.ROOT);
        for (DealKind kind : values()) {
            if (kind.code().equals(k)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(what + " must be one of new_business, upsell, cross_sell, renewal; got '" + configured + "'");
    }
}
