package io.vitals.connector;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when a sync of a source has finished, however it went (whiteboard: register a service of
 * this type and the sync engine calls it). Called on the sync's own thread after the report is
 * saved: return quickly and do any real work elsewhere. An observer that throws is logged and
 * the others are still told.
 */
@ConsumerType
@FunctionalInterface
public interface SyncObserver {

    void synced(SyncReport report);
}
