package io.vitals.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The store keeps time as epoch seconds in UTC; these convert to and from it. */
public final class StoreTime {

    private StoreTime() {
    }

    public static long epochSeconds(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    public static long epochSeconds(Instant instant) {
        return instant.getEpochSecond();
    }

    public static Instant instant(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds);
    }

    public static LocalDate day(long epochSeconds) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }
}
