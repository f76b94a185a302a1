package io.vitals.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncReport;

/** What the sync engine needs of the store: atomic pages, cursors, rejects and the history of runs. */
@ProviderType
public interface SyncStore {

    /** The cursor saved with the source's last committed page. */
    Optional<String> cursor(String source);

    /**
     * Writes a page in one transaction: upserts its records on (source, external id), resolving
     * customer keys; keeps its rejected rows (and records whose customer cannot be found) with their
     * reasons; saves its cursor. All of it commits, or none of it.
     */
    PageCounts write(String source, SourcePage page);

    /** The source's live records of an entity by their id at the source (see {@link io.vitals.connector.SyncContext#liveIds}). */
    java.util.Set<String> liveIds(String source, String entity);

    /**
     * What erasing one customer's personal data removed: its attributes and its tickets', its survey answers'
     * e-mail and comments, the rejected rows naming it, its cancellations' feedback.
     */
    record Erasure(boolean found, long attributes, long responses, long rejects, long cancellations) {
        public Erasure(boolean found, long attributes, long responses, long rejects) {
            this(found, attributes, responses, rejects, 0);
        }
    }

    /**
     * Erases one customer's personal data (a data-protection request): its name, e-mail and attributes, its
     * tickets' attributes, the e-mail and comments of its survey answers, what it said when it cancelled, and
     * every rejected row that names it. Its records stay with
     * it, anonymous, so revenue, retention and scores of past months do not change; segments on its
     * attributes no longer find it.
     */
    Erasure erase(String source, String customerId);

    /** Forgets a source's cursor, so its next sync starts from the beginning (its records stay). */
    void resetCursor(String source);

    /**
     * Lands the source's rejected rows that waited for a customer who has arrived since: each written as the
     * record it would have been, and no longer listed as rejected. One transaction; how many landed.
     */
    long landRejects(String source);

    /** The newest rejected rows of a source that have not landed since, newest first. */
    List<Rejected> rejects(String source, int limit);

    long rejectCount(String source);

    void saveReport(SyncReport report);

    Optional<SyncReport> lastReport(String source);
}
