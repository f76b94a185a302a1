package io.vitals.store;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.vitals.kpi.MonthBook;

/** Where closed months, their published figures and their restatements are kept. */
@ProviderType
public interface PublicationStore {

    /** Keeps the month's figures as published, in one transaction, replacing an earlier publication of it. */
    void publish(MonthBook.ClosedMonth month, List<MonthBook.Figure> figures);

    /** The published months, newest first. */
    List<MonthBook.ClosedMonth> publishedMonths();

    List<MonthBook.Figure> figures(YearMonth month);

    Optional<MonthBook.Figure> figure(String kpi, YearMonth month);

    void recordRestatement(MonthBook.Restatement restatement);

    /** Newest first; of one month, or all when {@code month} is null. */
    List<MonthBook.Restatement> restatements(YearMonth month);

    /**
     * In words, what reached the store since an instant that bears on a period: subscription changes dated
     * in it by source, and the syncs of each source since, with the rows they wrote.
     */
    String changesSince(Instant since, Instant from, Instant to);
}
