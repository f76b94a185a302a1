package io.vitals.kpi;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The step of a series. Buckets follow the calendar (ISO weeks start on Monday) and are clipped to the period. */
public enum Grain {
    DAY, WEEK, MONTH, QUARTER;

    public static Grain parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidQueryException("unknown grain '" + text + "'; expected one of day, week, month, quarter");
        }
    }

    /** The calendar bucket that contains {@code day}. */
    public LocalDate bucketStart(LocalDate day) {
        return switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
            case QUARTER -> LocalDate.of(day.getYear(), ((day.getMonthValue() - 1) / 3) * 3 + 1, 1);
        };
    }

    public LocalDate next(LocalDate bucketStart) {
        return switch (this) {
            case DAY -> bucketStart.plusDays(1);
            case WEEK -> bucketStart.plusWeeks(1);
            case MONTH -> bucketStart.plusMonths(1);
            case QUARTER -> bucketStart.plusMonths(3);
        };
    }

    /** The buckets that cover {@code period}, first and last clipped to it. */
    public List<Period> buckets(Period period) {
        List<Period> out = new ArrayList<>();
        LocalDate start = period.from();
        while (start.isBefore(period.to())) {
            LocalDate end = next(bucketStart(start));
            if (end.isAfter(period.to())) {
                end = period.to();
            }
            out.add(new Period(start, end));
            start = end;
        }
        return out;
    }

    /** How many buckets {@link #buckets} would give, without making them. */
    public long count(Period period) {
        LocalDate first = bucketStart(period.from());
        LocalDate last = bucketStart(period.to().minusDays(1));
        long steps = switch (this) {
            case DAY -> java.time.temporal.ChronoUnit.DAYS.between(first, last);
            case WEEK -> java.time.temporal.ChronoUnit.WEEKS.between(first, last);
            case MONTH -> java.time.temporal.ChronoUnit.MONTHS.between(first, last);
            case QUARTER -> java.time.temporal.ChronoUnit.MONTHS.between(first, last) / 3;
        };
        return steps + 1;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
