package io.vitals.connector;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The sync engine: every configured source, syncs on demand and on schedule, and what they rejected. */
@ProviderType
public interface SyncService {

    List<SourceStatus> sources();

    /** The kinds of source the installed connector bundles offer, whether or not one is configured. */
    List<ConnectorKind> kinds();

    /** @throws UnknownSourceException when no source has this id */
    SourceStatus status(String id);

    /**
     * Syncs a source now and returns when it finished, stopped or failed. A source already syncing
     * (on its schedule, say) is not started twice: the call waits for that sync and reports it.
     *
     * @throws UnknownSourceException when no source has this id
     */
    SyncReport sync(String id, SyncListener listener);

    /** Forgets where a source got to, so its next sync reads everything again (unchanged rows stay unchanged). */
    void resetCursor(String id);

    /**
     * Erases one customer's personal data from the store (see {@link io.vitals.store.SyncStore#erase}).
     *
     * @throws UnknownSourceException when no source has this id
     */
    io.vitals.store.SyncStore.Erasure erase(String sourceId, String customerId);

    /** The newest rejected rows of a source, newest first. */
    List<Rejected> rejects(String id, int limit);
}
