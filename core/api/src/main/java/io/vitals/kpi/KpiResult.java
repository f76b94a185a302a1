package io.vitals.kpi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A KPI's answer for one period and segment. A ratio carries its numerator, denominator and
 * sample size so a user can check it. A period without the data the KPI needs answers
 * {@link #noData(String)} with the reason, never 0 or NaN. {@code details} holds the breakdown that
 * belongs to the KPI (promoters and detractors, median and p90, movements...), in display order;
 * its values are numbers, strings, booleans, lists or maps, so they serialise to JSON as they are.
 * A KPI whose natural answer is a table (a cohort matrix, a row per feature, a distribution by
 * band, MRR movements) adds it to {@code tables}.
 */
public record KpiResult(Double value, Double numerator, Double denominator, long sampleSize,
        String noDataReason, Map<String, Object> details, List<KpiTable> tables) {

    public KpiResult {
        if (value != null && (value.isNaN() || value.isInfinite())) {
            throw new IllegalArgumentException("a KPI value must be a finite number, not " + value
                    + "; answer KpiResult.noData(reason) instead");
        }
        if (value == null && (noDataReason == null || noDataReason.isBlank())) {
            throw new IllegalArgumentException("a result without a value must say why");
        }
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details == null ? Map.of() : details));
        tables = List.copyOf(tables == null ? List.of() : tables);
    }

    public KpiResult(Double value, Double numerator, Double denominator, long sampleSize, String noDataReason,
            Map<String, Object> details) {
        this(value, numerator, denominator, sampleSize, noDataReason, details, List.of());
    }

    public static KpiResult noData(String reason) {
        return new KpiResult(null, null, null, 0, reason, Map.of());
    }

    public static KpiResult value(double value, long sampleSize) {
        return new KpiResult(value, null, null, sampleSize, null, Map.of());
    }

    /**
     * {@code numerator / denominator × scale}. A zero denominator is "no data" with
     * {@code whyEmpty} as the reason.
     */
    public static KpiResult ratio(double numerator, double denominator, double scale, long sampleSize, String whyEmpty) {
        if (denominator == 0) {
            return noData(whyEmpty);
        }
        return new KpiResult(numerator / denominator * scale, numerator, denominator, sampleSize, null, Map.of());
    }

    public boolean hasValue() {
        return value != null;
    }

    /** A copy with one more detail; details keep the order they were added in. */
    public KpiResult with(String key, Object detail) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(key, detail);
        return new KpiResult(value, numerator, denominator, sampleSize, noDataReason, more, tables);
    }

    /** A copy with one more table. */
    public KpiResult with(KpiTable table) {
        List<KpiTable> more = new java.util.ArrayList<>(tables);
        more.add(table);
        return new KpiResult(value, numerator, denominator, sampleSize, noDataReason, details, more);
    }

    public java.util.Optional<KpiTable> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
