package io.vitals.store;

/**
 * The subscription rules every revenue and retention KPI shares, stated once, as SQL over
 * {@code subscriptions}:
 * <ul>
 * <li>a span covers a boundary b (a period's start {@code :from} or end {@code :to}) when it
 * covers the instant just before b: it started before b and had not ended before b, so the end
 * of one month is exactly the start of the next;</li>
 * <li>a span is paying when its {@code mrr_cents} is above zero (trials and free plans are not);</li>
 * <li>a customer's MRR at a boundary is the sum of its paying spans covering it.</li>
 * </ul>
 */
public final class SubscriptionSql {

    private SubscriptionSql() {
    }

    /** The span (aliased {@code alias}, "" or "s.") covers the boundary (":from", ":to" or a parameter). */
    public static String covers(String alias, String boundary) {
        return alias + "started_at < " + boundary + " AND (" + alias + "ended_at IS NULL OR " + alias + "ended_at >= " + boundary + ")";
    }

    /** The span overlaps the period [:from, :to) at all. */
    public static String overlapsPeriod(String alias) {
        return alias + "started_at < :to AND (" + alias + "ended_at IS NULL OR " + alias + "ended_at > :from)";
    }

    /** A query of {@code customer_id, mrr}: each paying customer's MRR in cents at the boundary. */
    public static String mrrAt(String boundary) {
        return "SELECT customer_id, sum(mrr_cents) AS mrr FROM subscriptions WHERE mrr_cents > 0 AND " + covers("", boundary)
                + " GROUP BY customer_id";
    }

    /**
     * CTEs, to follow a {@code WITH}: {@code start_mrr} and {@code end_mrr} (MRR per customer at
     * {@code :from} and {@code :to}) and {@code mrr_change(customer_id, before, after)} for every
     * customer paying at either, with 0 where it was not.
     */
    public static final String MRR_CHANGE = "start_mrr AS (" + mrrAt(":from") + "),\n"
            + "end_mrr AS (" + mrrAt(":to") + "),\n"
            + "mrr_change AS (\n"
            // One pass over the spans touching the period, not a FULL JOIN of the two sides: SQLite
            // joins those CTEs pairwise (quadratic), which made every revenue KPI seconds slow.
            + "  SELECT customer_id, before, after FROM (\n"
            + "    SELECT customer_id, sum(CASE WHEN " + covers("", ":from") + " THEN mrr_cents ELSE 0 END) AS before,\n"
            + "           sum(CASE WHEN " + covers("", ":to") + " THEN mrr_cents ELSE 0 END) AS after\n"
            + "    FROM subscriptions WHERE mrr_cents > 0 AND started_at < :to AND (ended_at IS NULL OR ended_at >= :from)\n"
            + "    GROUP BY customer_id) spans\n"
            + "  WHERE before > 0 OR after > 0\n"
            + ")";

    /**
     * A query of {@code customer_id}: customers with a span of at least {@code :minMrr} cents covering
     * the boundary; bind {@code minMrr} to 1 for paying customers, 0 to count trials and free plans too.
     */
    public static String customersAt(String boundary) {
        return "SELECT DISTINCT customer_id FROM subscriptions WHERE mrr_cents >= :minMrr AND " + covers("", boundary);
    }

    /** A query of {@code customer_id}: customers with a paying span overlapping the period. */
    public static final String PAYING_DURING = "SELECT DISTINCT customer_id FROM subscriptions WHERE mrr_cents > 0 AND "
            + overlapsPeriod("");
}
