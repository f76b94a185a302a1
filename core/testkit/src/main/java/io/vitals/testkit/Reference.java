package io.vitals.testkit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.model.Subscription;

/**
 * Small, plainly written building blocks for reference computations: period membership, the state
 * of subscriptions at a boundary, percentiles. Each says in words what the platform's definitions say.
 */
public final class Reference {

    private Reference() {
    }

    public static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    public static long from(KpiQuery q) {
        return epoch(q.period().from());
    }

    public static long to(KpiQuery q) {
        return epoch(q.period().to());
    }

    /** In the half-open period [from, to). */
    public static boolean in(Instant t, Period p) {
        return t != null && t.getEpochSecond() >= epoch(p.from()) && t.getEpochSecond() < epoch(p.to());
    }

    public static String month(Instant t) {
        LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC);
        return String.format("%d-%02d", d.getYear(), d.getMonthValue());
    }

    /**
     * A subscription covers a boundary when it covers the instant just before it: it started before
     * the boundary and had not ended before it (ending exactly at the boundary still covers it).
     */
    public static boolean covers(Subscription s, long boundary) {
        long start = s.startedAt().getEpochSecond();
        return start < boundary && (s.endedAt() == null || s.endedAt().getEpochSecond() >= boundary);
    }

    /** MRR in cents per customer at a boundary, counting only paying spans. */
    public static Map<Long, Long> mrrAt(Dataset d, long boundary, Set<Long> customers) {
        Map<Long, Long> mrr = new HashMap<>();
        for (Subscription s : d.subscriptions) {
            if (s.mrrCents() > 0 && covers(s, boundary) && customers.contains(s.customerId())) {
                mrr.merge(s.customerId(), s.mrrCents(), Long::sum);
            }
        }
        return mrr;
    }

    /** Customers with a paying span at a boundary. */
    public static Set<Long> payingAt(Dataset d, long boundary, Set<Long> customers) {
        return new HashSet<>(mrrAt(d, boundary, customers).keySet());
    }

    /** Customers with a paying span that overlaps the period at all. */
    public static Set<Long> payingDuring(Dataset d, KpiQuery q, Set<Long> customers) {
        Set<Long> out = new HashSet<>();
        for (Subscription s : d.subscriptions) {
            long start = s.startedAt().getEpochSecond();
            boolean overlaps = start < to(q) && (s.endedAt() == null || s.endedAt().getEpochSecond() > from(q));
            if (s.mrrCents() > 0 && overlaps && customers.contains(s.customerId())) {
                out.add(s.customerId());
            }
        }
        return out;
    }

    /** The p-th percentile (0..1) by linear interpolation between closest ranks, as percentile_cont; null if empty. */
    public static Double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double position = (sorted.size() - 1) * p;
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.size() - 1);
        return sorted.get(low) + (position - low) * (sorted.get(high) - sorted.get(low));
    }
}
