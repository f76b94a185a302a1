package io.vitals.render;

import java.time.LocalDate;
import java.time.ZoneOffset;

import io.vitals.kpi.Period;

/** The defaults a question to Vitals gets when it leaves something out, the same from the shell and over HTTP. */
public final class Queries {

    /** The framework property that pins "today" for reproducible runs. */
    public static final String TODAY_PROPERTY = "vitals.today";

    private Queries() {
    }

    /** Today in UTC, or the day {@code pinned} names (the value of {@link #TODAY_PROPERTY}) when it is set. */
    public static LocalDate today(String pinned) {
        return pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim());
    }

    /**
     * The period for a {@code from} and {@code to} a user gave, either of which may be missing:
     * neither is the last full month; only {@code from} runs to today; only {@code to} is the month before it.
     *
     * @throws io.vitals.kpi.InvalidQueryException for a malformed date or an empty period
     */
    public static Period period(String from, String to, LocalDate today) {
        if (from == null && to == null) {
            return Period.lastFullMonth(today);
        }
        if (to == null) {
            return new Period(Period.parseDate("--from", from), today);
        }
        LocalDate end = Period.parseDate("--to", to);
        return new Period(from == null ? end.minusMonths(1) : Period.parseDate("--from", from), end);
    }
}
