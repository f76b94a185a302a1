package io.vitals.connector;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** What the sync engine offers a source while it runs. */
@ProviderType
public interface SyncContext {

    /** Where the last committed page ended: the source's own cursor text, or empty on a first sync. */
    Optional<String> cursor();

    /**
     * Writes one page in one transaction: its records (upserted on source and external id), its
     * rejected rows, and its cursor. Nothing of the page is visible, and the cursor does not move,
     * unless all of it committed.
     */
    PageCounts commit(SourcePage page);

    /** True when the engine wants the sync to stop (the source was removed or the platform stops). */
    boolean stopping();

    /** Retries with backoff for sources on the network. */
    RetryPolicy retryPolicy();

    /**
     * The ids at the source of this source's records the store counts as live ({@code customers} not
     * deleted, {@code subscriptions} not ended): what a source that holds every record (a complete export)
     * compares with what it read, to tell what was deleted.
     */
    default java.util.Set<String> liveIds(String entity) {
        return java.util.Set.of();
    }
}
