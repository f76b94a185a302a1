package io.vitals.kpi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which customers a KPI is computed for: every customer, or those whose attributes match every
 * {@code key=value} pair (plan, region, csm, industry, cohort, or any customer attribute).
 */
public record Segment(SortedMap<String, String> filters) {

    public static final Segment ALL = new Segment(new TreeMap<>());

    public Segment {
        filters = Collections.unmodifiableSortedMap(new TreeMap<>(filters));
    }

    public static Segment of(Map<String, String> filters) {
        return new Segment(new TreeMap<>(filters));
    }

    public static Segment of(String key, String value) {
        return of(Map.of(key, value));
    }

    /** Parses {@code key=value} (or {@code key:value}) terms as typed after {@code --segment}. */
    public static Segment parse(List<String> terms) {
        TreeMap<String, String> filters = new TreeMap<>();
        for (String term : terms) {
            int eq = term.indexOf('=');
            if (eq < 0) {
                eq = term.indexOf(':');
            }
            if (eq <= 0 || eq == term.length() - 1) {
                throw new InvalidQueryException("malformed segment '" + term
                        + "'; expected key=value, e.g. --segment plan=pro --segment region=EMEA");
            }
            String key = term.substring(0, eq).trim();
            String previous = filters.put(key, term.substring(eq + 1).trim());
            if (previous != null) {
                throw new InvalidQueryException("segment key '" + key + "' given twice");
            }
        }
        return new Segment(filters);
    }

    public boolean isAll() {
        return filters.isEmpty();
    }

    @Override
    public String toString() {
        return isAll() ? "all customers"
                : filters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
