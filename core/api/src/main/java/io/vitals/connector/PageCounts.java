package io.vitals.connector;

/** What writing one page (or a whole sync) did. */
public record PageCounts(long read, long inserted, long updated, long unchanged, long rejected) {

    public static final PageCounts NONE = new PageCounts(0, 0, 0, 0, 0);

    public PageCounts plus(PageCounts other) {
        return new PageCounts(read + other.read, inserted + other.inserted, updated + other.updated,
                unchanged + other.unchanged, rejected + other.rejected);
    }
}
