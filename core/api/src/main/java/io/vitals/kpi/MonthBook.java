package io.vitals.kpi;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Closed months and their restatements. Closing a month keeps every KPI's answer for it (all customers)
 * as published; when later data changes a closed month's figure, the change is recorded as a
 * restatement, with what arrived since, instead of the month moving silently.
 */
@ProviderType
public interface MonthBook {

    /** A month as it was published. */
    record ClosedMonth(YearMonth month, Instant publishedAt, long dataVersion, int figures) {
    }

    /** One KPI's figure for a closed month, as published: its value and its whole answer as JSON. */
    record Figure(String kpi, YearMonth month, Double value, String answer, Instant publishedAt) {
    }

    /**
     * A closed month's figure that changed: what was published and when, what it is now, when that was
     * found, and what reached the store in between, in words.
     */
    record Restatement(String kpi, YearMonth month, Double published, Instant publishedAt, Double restated, Instant detectedAt,
            String cause) {
    }

    /** Computes every KPI for the month and keeps the answers as published; closing it again publishes anew. */
    ClosedMonth close(YearMonth month);

    /** The closed months, newest first. */
    List<ClosedMonth> closed();

    /** A KPI's figure for a closed month, as published. */
    Optional<Figure> published(String kpi, YearMonth month);

    /** The restatements recorded, newest first; of one month, or of all when {@code month} is null. */
    List<Restatement> restatements(YearMonth month);

    /** Computes the closed months again and records each figure that moved since it was published or last restated. */
    List<Restatement> check();
}
