package io.vitals.kpi;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The groups of the KPI catalogue, in the order a report shows them. */
public enum Category {
    SATISFACTION("Satisfaction and loyalty"),
    RETENTION("Retention"),
    EXPANSION("Expansion"),
    FINANCIAL("Financial"),
    ENGAGEMENT("Engagement and adoption"),
    SUPPORT("Support"),
    ADVOCACY_HEALTH("Advocacy and health"),
    CUSTOM("Custom");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Accepts the enum name in any case, with dashes or spaces, or the label. */
    public static Category parse(String text) {
        String norm = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (Category c : values()) {
            if (c.name().equals(norm) || c.label.equalsIgnoreCase(text.trim())) {
                return c;
            }
        }
        throw new InvalidQueryException("unknown category '" + text + "'; expected one of "
                + Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
