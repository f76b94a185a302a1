package io.vitals.connector;

/**
 * What writing one page (or a whole sync) did. {@code duplicates}: rows with an id already read earlier in
 * the same pass (the last one kept), counted apart rather than as updates; {@code landed}: rows rejected on
 * an earlier sync (their customer was not there yet) that landed now.
 */
public record PageCounts(long read, long inserted, long updated, long unchanged, long rejected, long duplicates, long landed) {

    public static final PageCounts NONE = new PageCounts(0, 0, 0, 0, 0);

    public PageCounts(long read, long inserted, long updated, long unchanged, long rejected) {
        this(read, inserted, updated, unchanged, rejected, 0, 0);
    }

    public PageCounts plus(PageCounts other) {
        return new PageCounts(read + other.read, inserted + other.inserted, updated + other.updated,
                unchanged + other.unchanged, rejected + other.rejected, duplicates + other.duplicates, landed + other.landed);
    }
}
