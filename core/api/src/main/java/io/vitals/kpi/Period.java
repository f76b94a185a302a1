package io.vitals.kpi;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A half-open range of calendar days, {@code [from, to)}: {@code from} is the first day in the
 * period and {@code to} is the first day after it. The state "at the start" of a period is the
 * state just before {@code from}; "at the end" is the state just before {@code to}, so the end of
 * one month is exactly the start of the next.
 */
public record Period(LocalDate from, LocalDate to) {

    public Period {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new InvalidQueryException("empty period: --from " + from + " must be before --to " + to
                    + " (the period is [from, to), e.g. --from 2026-01-01 --to 2026-02-01 for January)");
        }
    }

    /** The last complete calendar month before {@code today}. */
    public static Period lastFullMonth(LocalDate today) {
        LocalDate firstOfThisMonth = today.withDayOfMonth(1);
        return new Period(firstOfThisMonth.minusMonths(1), firstOfThisMonth);
    }

    public static Period month(int year, int month) {
        LocalDate from = LocalDate.of(year, month, 1);
        return new Period(from, from.plusMonths(1));
    }

    /** Parses the two ISO dates a user typed, with a message that says what is expected. */
    public static Period parse(String from, String to) {
        return new Period(parseDate("--from", from), parseDate("--to", to));
    }

    /** The first day a question may name: customer data older than this is not customer-success data. */
    public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

    /** The day after the last one a question may name. */
    public static final LocalDate LATEST = LocalDate.of(2200, 1, 1);

    /** A date a user typed, within {@link #EARLIEST} and {@link #LATEST}; else a message that says what is expected. */
    public static LocalDate parseDate(String what, String text) {
        LocalDate day;
        try {
            day = LocalDate.parse(text.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidQueryException("malformed date for " + what + ": '" + Texts.clip(String.valueOf(text))
                    + "'; expected an ISO date such as 2026-01-31");
        }
        if (day.isBefore(EARLIEST) || day.isAfter(LATEST)) {
            throw new InvalidQueryException(what + " " + day + " is out of range; dates go from " + EARLIEST + " to " + LATEST);
        }
        return day;
    }

    public long days() {
        return ChronoUnit.DAYS.between(from, to);
    }

    /** The period of the same length that ends where this one starts (whole months stay whole months). */
    public Period previous() {
        if (from.getDayOfMonth() == 1 && to.getDayOfMonth() == 1) {
            long months = ChronoUnit.MONTHS.between(from, to);
            return new Period(from.minusMonths(months), from);
        }
        return new Period(from.minusDays(days()), from);
    }

    public boolean contains(LocalDate day) {
        return !day.isBefore(from) && day.isBefore(to);
    }

    /** A short label: "2026-03" for a calendar month, "2026-Q1" for a quarter, otherwise the range. */
    public String label() {
        try {
            if (from.getDayOfMonth() == 1 && from.plusMonths(1).equals(to)) {
                return String.format("%d-%02d", from.getYear(), from.getMonthValue());
            }
            if (from.getDayOfMonth() == 1 && (from.getMonthValue() - 1) % 3 == 0 && from.plusMonths(3).equals(to)) {
                return from.getYear() + "-Q" + ((from.getMonthValue() - 1) / 3 + 1);
            }
            if (from.plusDays(1).equals(to)) {
                return from.toString();
            }
        } catch (DateTimeException e) {
            // fall through to the plain form
        }
        return toString();
    }

    @Override
    public String toString() {
        return from + ".." + to;
    }
}
