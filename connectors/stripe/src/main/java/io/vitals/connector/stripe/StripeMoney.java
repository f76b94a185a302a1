package io.vitals.connector.stripe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;

/**
 * Stripe amounts are integers in the currency's minor unit; the store keeps hundredths of the
 * major unit. Stripe's documented zero-decimal currencies are multiplied by 100 and its
 * three-decimal currencies divided by 10 (half-up); every other currency, including ISK, HUF and
 * TWD, which Stripe's API still writes with two decimals, is already in hundredths.
 */
final class StripeMoney {

    /** https://docs.stripe.com/currencies#zero-decimal */
    static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
            "UGX", "VND", "VUV", "XAF", "XOF", "XPF");

    /** https://docs.stripe.com/currencies#three-decimal */
    static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private StripeMoney() {
    }

    /** The ISO code as the store writes it: upper case. */
    static String code(String stripeCurrency) {
        return stripeCurrency.trim().toUpperCase(Locale.ROOT);
    }

    /** {@code minor} units of {@code currency} as hundredths of its major unit. */
    static long cents(long minor, String currency) {
        String code = code(currency);
        if (ZERO_DECIMAL.contains(code)) {
            return Math.multiplyExact(minor, 100L);
        }
        if (THREE_DECIMAL.contains(code)) {
            return BigDecimal.valueOf(minor).divide(BigDecimal.TEN, 0, RoundingMode.HALF_UP).longValueExact();
        }
        return minor;
    }
}
