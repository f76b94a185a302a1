package io.vitals.connector.tabular;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a source writes its times: ISO-8601 (a date, a date-time with or without an offset),
 * {@code epoch} seconds, {@code epoch_ms}, a java.time pattern ({@code MM/dd/yyyy},
 * {@code dd.MM.yyyy HH:mm}), or {@code months_before:<date>} (a whole number of months before that
 * date, for snapshots that give a tenure instead of a start). A date without a time is midnight
 * and a date-time without an offset is local time, both in the configured time zone (UTC unless
 * configured).
 */
final class DateFormat {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?");
    private static final Pattern COMPACT_OFFSET = Pattern.compile("([+-]\\d{2})(\\d{2})$");
    private static final Pattern SPACED_OFFSET = Pattern.compile("\\s+([+-]\\d{2}(:\\d{2})?)$");
    private static final String MONTHS_BEFORE = "months_before:";

    /** ISO local date 'T' ISO local time, then an optional offset (Z, +02, +02:00) and an optional [zone]. */
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().parseLenient().appendOffset("+HH:MM:ss", "Z").parseStrict().optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    private enum Style { ISO, EPOCH, EPOCH_MS, PATTERN, MONTHS_BEFORE, AFTER }

    private static final Map<String, Long> UNITS = Map.of("seconds_after:", 1L, "minutes_after:", 60L, "hours_after:", 3600L,
            "days_after:", 86400L);

    private final String spec;
    private final Style style;
    private final ZoneId zone;
    private final DateTimeFormatter pattern;
    private final LocalDate reference;
    private final long unitSeconds;
    private final String base;

    private DateFormat(String spec, Style style, ZoneId zone, DateTimeFormatter pattern, LocalDate reference) {
        this(spec, style, zone, pattern, reference, 0, null);
    }

    private DateFormat(String spec, Style style, ZoneId zone, DateTimeFormatter pattern, LocalDate reference, long unitSeconds,
            String base) {
        this.spec = spec;
        this.style = style;
        this.zone = zone;
        this.pattern = pattern;
        this.reference = reference;
        this.unitSeconds = unitSeconds;
        this.base = base;
    }

    /**
     * @param key the configuration key, for messages
     * @throws IllegalArgumentException when {@code spec} is no format
     */
    static DateFormat of(String key, String spec, ZoneId zone) {
        String s = spec == null ? "" : spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals("iso") || lower.equals("iso-8601") || lower.equals("iso8601")) {
            return new DateFormat("iso", Style.ISO, zone, null, null);
        }
        if (lower.equals("epoch") || lower.equals("epoch_s") || lower.equals("epoch_seconds")) {
            return new DateFormat("epoch", Style.EPOCH, zone, null, null);
        }
        if (lower.equals("epoch_ms") || lower.equals("epoch_millis")) {
            return new DateFormat("epoch_ms", Style.EPOCH_MS, zone, null, null);
        }
        for (Map.Entry<String, Long> unit : UNITS.entrySet()) {
            if (lower.startsWith(unit.getKey())) {
                String field = s.substring(unit.getKey().length()).trim();
                if (field.isEmpty()) {
                    throw new IllegalArgumentException(key + " = " + s + ": name the field it counts from, e.g. "
                            + unit.getKey() + "createdAt");
                }
                return new DateFormat(unit.getKey() + field, Style.AFTER, zone, null, null, unit.getValue(), field);
            }
        }
        if (lower.startsWith(MONTHS_BEFORE)) {
            try {
                LocalDate reference = LocalDate.parse(s.substring(MONTHS_BEFORE.length()).trim());
                return new DateFormat(MONTHS_BEFORE + reference, Style.MONTHS_BEFORE, zone, null, reference);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(key + " = " + s + ": months_before needs a date, e.g. months_before:2024-06-01");
            }
        }
        DateTimeFormatter formatter;
        try {
            formatter = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(s)
                    .parseDefaulting(ChronoField.ERA, 1)
                    .toFormatter(Locale.ENGLISH)
                    .withResolverStyle(ResolverStyle.STRICT)
                    .withChronology(IsoChronology.INSTANCE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " = " + s + " is not iso, epoch, epoch_ms or a java.time pattern such as"
                    + " MM/dd/yyyy: " + e.getMessage());
        }
        DateFormat format = new DateFormat(s, Style.PATTERN, zone, formatter, null);
        // the pattern must read back a date it wrote
        String sample;
        try {
            sample = formatter.format(ZonedDateTime.of(2026, 3, 1, 10, 30, 0, 0, zone));
            format.parse(sample);
        } catch (DateTimeException | BadValue e) {
            throw new IllegalArgumentException(key + " = " + s + " does not describe a date (it needs a year, a month and a day,"
                    + " e.g. MM/dd/yyyy or dd.MM.yyyy HH:mm)");
        }
        return format;
    }

    String spec() {
        return spec;
    }

    /** The field a relative time counts from ({@code minutes_after:createdAt}), or null. */
    String base() {
        return base;
    }

    /** A relative time: {@code text} units after {@code from}. */
    Instant parse(String text, Instant from) throws BadValue {
        String t = text.trim();
        if (!DECIMAL.matcher(t).matches() || t.startsWith("-")) {
            throw new BadValue("is not " + describe());
        }
        BigDecimal seconds = new BigDecimal(t).multiply(BigDecimal.valueOf(unitSeconds));
        return from.plusSeconds(seconds.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    /** What a value should look like, for messages: "a date in format dd/MM/yyyy". */
    String describe() {
        return switch (style) {
            case ISO -> "an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)";
            case EPOCH -> "a time in epoch seconds";
            case EPOCH_MS -> "a time in epoch milliseconds";
            case PATTERN -> "a date in format " + spec;
            case MONTHS_BEFORE -> "a whole number of months before " + reference;
            case AFTER -> "a number of " + spec.substring(0, spec.indexOf('_')) + " after " + base;
        };
    }

    Instant parse(String text) throws BadValue {
        String t = text.trim();
        try {
            return switch (style) {
                case ISO -> iso(t);
                case EPOCH -> epoch(t, false);
                case EPOCH_MS -> epoch(t, true);
                case PATTERN -> pattern(t);
                case MONTHS_BEFORE -> monthsBefore(t);
                case AFTER -> throw new BadValue("is not " + describe());
            };
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new BadValue("is not " + describe());
        }
    }

    private Instant iso(String t) throws BadValue {
        if (t.length() == 10) {
            return LocalDate.parse(t, DateTimeFormatter.ISO_LOCAL_DATE.withResolverStyle(ResolverStyle.STRICT)
                    .withChronology(IsoChronology.INSTANCE)).atStartOfDay(zone).toInstant();
        }
        String s = t;
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        if (s.endsWith(" UTC")) {
            s = s.substring(0, s.length() - 4) + "Z";
        }
        s = COMPACT_OFFSET.matcher(s).replaceFirst("$1:$2");
        s = SPACED_OFFSET.matcher(s).replaceFirst("$1");
        return toInstant(ISO.parse(s));
    }

    private Instant pattern(String t) throws BadValue {
        return toInstant(pattern.parse(t));
    }

    private Instant toInstant(TemporalAccessor t) throws BadValue {
        if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(t);
        }
        LocalDate date = t.query(TemporalQueries.localDate());
        if (date == null) {
            throw new BadValue("is not " + describe());
        }
        LocalTime time = t.query(TemporalQueries.localTime());
        ZoneOffset offset = t.query(TemporalQueries.offset());
        ZoneId in = t.query(TemporalQueries.zone());
        LocalDateTime local = time == null ? date.atStartOfDay() : date.atTime(time);
        if (offset != null) {
            return local.toInstant(offset);
        }
        return local.atZone(in != null ? in : zone).toInstant();
    }

    private static Instant epoch(String t, boolean millis) throws BadValue {
        if (INTEGER.matcher(t).matches()) {
            long v = Long.parseLong(t);
            return millis ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
        }
        if (DECIMAL.matcher(t).matches()) {
            BigDecimal v = new BigDecimal(t);
            BigDecimal nanos = millis ? v.movePointRight(6) : v.movePointRight(9);
            BigDecimal[] parts = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
            return Instant.ofEpochSecond(parts[0].longValueExact(), parts[1].longValue());
        }
        throw new NumberFormatException(t);
    }

    private Instant monthsBefore(String t) {
        if (!INTEGER.matcher(t).matches() && !t.matches("\\d+\\.0+")) {
            throw new NumberFormatException(t);
        }
        long months = new BigDecimal(t).longValueExact();
        if (months < 0) {
            throw new NumberFormatException(t);
        }
        return reference.minusMonths(months).atStartOfDay(zone).toInstant();
    }
}
