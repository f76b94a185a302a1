package io.vitals.connector;

/**
 * What writing one page (or a whole sync) did. {@code duplicates}: rows with an id already read earlier in
 * the same pass (the last one kept), counted apart rather than as updates; {@code landed}: rows rejected on
 * an earlier sync (their customer was not there yet) that landed now; {@code skipped}: rows read that the
 * mapping leaves out by its own rule (a row filter, a usage row that counts no use), neither records nor rejects.
 */
public record PageCounts(long read, long inserted, long updated, long unchanged, long rejected, long duplicates, long landed,
        long skipped) {

    public static final PageCounts NONE = new PageCounts(0, 0, 0, 0, 0);

    public PageCounts(long read, long inserted, long updated, long unchanged, long rejected) {
        this(read, inserted, updated, unchanged, rejected, 0, 0, 0);
    }

    public PageCounts(long read, long inserted, long updated, long unchanged, long rejected, long duplicates, long landed) {
        this(read, inserted, updated, unchanged, rejected, duplicates, landed, 0);
    }

    public PageCounts plus(PageCounts other) {
        return new PageCounts(read + other.read, inserted + other.inserted, updated + other.updated,
                unchanged + other.unchanged, rejected + other.rejected, duplicates + other.duplicates, landed + other.landed,
                skipped + other.skipped);
    }
}
