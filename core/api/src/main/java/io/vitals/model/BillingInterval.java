package io.vitals.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** How often a subscription bills, and how one interval's amount becomes a monthly amount. */
public enum BillingInterval {
    DAY, WEEK, MONTH, QUARTER, YEAR;

    public static BillingInterval parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        return switch (t) {
            case "DAILY" -> DAY;
            case "WEEKLY" -> WEEK;
            case "MONTHLY" -> MONTH;
            case "QUARTERLY" -> QUARTER;
            case "ANNUAL", "ANNUALLY", "YEARLY" -> YEAR;
            default -> valueOf(t);
        };
    }

    /**
     * The monthly-normalised recurring amount, in cents, of {@code amountCents} billed every
     * {@code count} intervals for {@code quantity} units: a year is 12 months, a quarter 3, a week
     * 12/52 of a month, a day 12/365. Rounded half-up to the cent, so sums of MRR are exact integers.
     */
    public long monthlyCents(long amountCents, int count, int quantity) {
        if (count <= 0 || quantity < 0 || amountCents < 0) {
            throw new IllegalArgumentException("interval count must be positive and amount and quantity not negative");
        }
        BigDecimal total = BigDecimal.valueOf(amountCents).multiply(BigDecimal.valueOf(quantity));
        BigDecimal monthly = switch (this) {
            case DAY -> total.multiply(BigDecimal.valueOf(365)).divide(BigDecimal.valueOf(12L * count), 10, RoundingMode.HALF_UP);
            case WEEK -> total.multiply(BigDecimal.valueOf(52)).divide(BigDecimal.valueOf(12L * count), 10, RoundingMode.HALF_UP);
            case MONTH -> total.divide(BigDecimal.valueOf(count), 10, RoundingMode.HALF_UP);
            case QUARTER -> total.divide(BigDecimal.valueOf(3L * count), 10, RoundingMode.HALF_UP);
            case YEAR -> total.divide(BigDecimal.valueOf(12L * count), 10, RoundingMode.HALF_UP);
        };
        return monthly.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
