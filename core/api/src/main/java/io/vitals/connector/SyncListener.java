package io.vitals.connector;

/** Hears how a sync is going, page by page. */
@FunctionalInterface
public interface SyncListener {

    SyncListener NONE = (source, page, total) -> { };

    /** Called after each committed page with its counts and the running total. */
    void committed(String source, PageCounts page, PageCounts total);
}
