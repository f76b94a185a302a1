package io.vitals.kpi;

import java.util.Locale;

/** What a KPI's value measures, for display and for JSON. */
public enum Unit {
    /** A score on its own scale, e.g. NPS from -100 to 100. */
    SCORE(""),
    PERCENT("%"),
    /** An amount of money in the store's one currency, in major units (e.g. dollars, not cents). */
    CURRENCY(""),
    COUNT(""),
    DAYS(" d"),
    HOURS(" h"),
    RATIO("");

    private final String suffix;

    Unit(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
