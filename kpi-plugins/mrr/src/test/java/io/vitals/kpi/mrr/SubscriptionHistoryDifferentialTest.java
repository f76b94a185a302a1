package io.vitals.kpi.mrr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.model.BillingInterval;
import io.vitals.model.Customer;
import io.vitals.model.Subscription;
import io.vitals.model.SubscriptionChange;
import io.vitals.store.sql.SqlStore;
import io.vitals.sync.SyncRunner;
import io.vitals.testdb.TestStores;

/**
 * Subscription history through the sync engine against an independent computation: random change logs
 * (upgrades, downgrades, quantity, coupons, pauses, churn and return, changes on a month's first
 * instant) applied in random sync batches, then MRR and its movements for every month compared with a
 * plain Java walk over the logs; and after every batch, every month that ends before the batch's
 * earliest change answers exactly as it did before the batch.
 */
class SubscriptionHistoryDifferentialTest {

    static final LocalDate FIRST = LocalDate.of(2025, 1, 1);
    static final int MONTHS = 24;
    static final String SOURCE = "billing";
    static final String[] DETAILS = {"startMrr", "new", "expansion", "reactivation", "contraction", "churn", "endMrr", "payingCustomers"};

    @TempDir
    Path dir;

    /** One entry of a change log: from {@code at} on, the subscription is {@code state}. */
    record Change(String subscription, String customer, long at, Subscription state) {
    }

    static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /** Random subscriptions of random customers, each a chronological log of states. */
    static List<Change> changeLog(Random r) {
        List<Change> log = new ArrayList<>();
        long start = epoch(FIRST);
        long end = epoch(FIRST.plusMonths(MONTHS));
        int customers = 4 + r.nextInt(8);
        int subscription = 0;
        for (int c = 0; c < customers; c++) {
            String customer = "cus_" + c;
            long t = start + r.nextInt((int) ((end - start) / 2));
            int lives = 1 + r.nextInt(2); // churn and return: a second subscription after the first ended
            for (int life = 0; life < lives && t < end; life++) {
                String id = "sub_" + (subscription++);
                int quantity = 1 + r.nextInt(5);
                long unit = (1 + r.nextInt(40)) * 500L;
                BillingInterval interval = r.nextInt(4) == 0 ? BillingInterval.YEAR : BillingInterval.MONTH;
                int percentOff = 0;
                boolean paused = false;
                long began = t;
                int changes = r.nextInt(7);
                log.add(new Change(id, customer, t, state(id, quantity, unit, interval, percentOff, paused, began, null)));
                boolean ended = false;
                for (int k = 0; k < changes; k++) {
                    // a change a few days to a few months on, or exactly at the start of a month
                    t += 86_400L * (1 + r.nextInt(90)) + r.nextInt(86_400);
                    if (r.nextInt(4) == 0) {
                        LocalDate day = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).plusMonths(1);
                        t = epoch(day);
                    }
                    if (t >= end) {
                        break;
                    }
                    switch (r.nextInt(6)) {
                        case 0 -> quantity = Math.max(1, quantity + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3)));
                        case 1 -> unit = (1 + r.nextInt(40)) * 500L;
                        case 2 -> percentOff = r.nextBoolean() ? 0 : 10 * (1 + r.nextInt(5));
                        case 3 -> paused = !paused;
                        case 4 -> interval = interval == BillingInterval.MONTH ? BillingInterval.YEAR : BillingInterval.MONTH;
                        default -> {
                            log.add(new Change(id, customer, t, state(id, quantity, unit, interval, percentOff, paused, began, t)));
                            ended = true;
                        }
                    }
                    if (ended) {
                        break;
                    }
                    log.add(new Change(id, customer, t, state(id, quantity, unit, interval, percentOff, paused, began, null)));
                }
                t += 86_400L * (10 + r.nextInt(120));
                if (!ended) {
                    break; // still running: no second life
                }
            }
        }
        return log;
    }

    static Subscription state(String id, int quantity, long unit, BillingInterval interval, int percentOff, boolean paused,
            long began, Long endedAt) {
        long amount = unit * quantity * (100 - percentOff) / 100;
        long mrr = paused ? 0 : interval.monthlyCents(amount, 1, 1);
        return new Subscription(0, SOURCE, id, 0, "plan-" + unit, paused ? "paused" : endedAt == null ? "active" : "canceled",
                interval, 1, quantity, amount, "USD", mrr, Instant.ofEpochSecond(began), endedAt == null ? null : Instant.ofEpochSecond(endedAt));
    }

    /** Per customer, the MRR in force just before {@code boundary}, from the logs alone. */
    static Map<String, Long> mrrAt(List<Change> log, long boundary) {
        Map<String, Change> inForce = new HashMap<>();
        for (Change c : log) {
            if (c.at() < boundary) {
                inForce.put(c.subscription(), c); // the log is chronological per subscription
            }
        }
        Map<String, Long> out = new TreeMap<>();
        for (Change c : inForce.values()) {
            Instant ended = c.state().endedAt();
            if (ended != null && ended.getEpochSecond() < boundary) {
                continue;
            }
            if (c.state().mrrCents() > 0) {
                out.merge(c.customer(), c.state().mrrCents(), Long::sum);
            }
        }
        return out;
    }

    /** The MRR KPI's details for a month, worked out from the logs. */
    static Map<String, Object> expected(List<Change> log, Period month) {
        long from = epoch(month.from());
        long to = epoch(month.to());
        Map<String, Long> before = mrrAt(log, from);
        Map<String, Long> after = mrrAt(log, to);
        Set<String> paidBefore = new HashSet<>();
        for (Change c : log) {
            if (c.at() < from && c.state().mrrCents() > 0 && (c.state().endedAt() == null || c.state().endedAt().getEpochSecond() > c.at())) {
                paidBefore.add(c.customer());
            }
        }
        long start = 0, end = 0, added = 0, expansion = 0, reactivation = 0, contraction = 0, churn = 0;
        Set<String> everyone = new HashSet<>(before.keySet());
        everyone.addAll(after.keySet());
        for (String c : everyone) {
            long was = before.getOrDefault(c, 0L);
            long is = after.getOrDefault(c, 0L);
            start += was;
            end += is;
            if (was == 0 && paidBefore.contains(c)) {
                reactivation += is;
            } else if (was == 0) {
                added += is;
            } else if (is == 0) {
                churn += was;
            } else if (is > was) {
                expansion += is - was;
            } else {
                contraction += was - is;
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        if (everyone.isEmpty()) {
            return d; // no data
        }
        d.put("startMrr", start / 100.0);
        d.put("new", added / 100.0);
        d.put("expansion", expansion / 100.0);
        d.put("reactivation", reactivation / 100.0);
        d.put("contraction", contraction / 100.0);
        d.put("churn", churn / 100.0);
        d.put("endMrr", end / 100.0);
        d.put("payingCustomers", (long) after.size());
        return d;
    }

    static Map<String, Object> actual(MonthlyRecurringRevenue kpi, Period month) {
        KpiResult r = kpi.compute(KpiQuery.of(month));
        Map<String, Object> d = new LinkedHashMap<>();
        if (!r.hasValue()) {
            return d;
        }
        for (String key : DETAILS) {
            d.put(key, r.details().get(key));
        }
        return d;
    }

    /** A source that hands over one batch of changes per sync, each as a change at its own moment. */
    static final class Batches implements Source {
        final List<List<Change>> batches;
        final Set<String> customers;
        int next;

        Batches(List<List<Change>> batches, Set<String> customers) {
            this.batches = batches;
            this.customers = customers;
        }

        @Override public String id() { return SOURCE; }
        @Override public String kind() { return "test"; }
        @Override public Map<String, String> settings() { return Map.of(); }
        @Override public java.time.Duration interval() { return java.time.Duration.ZERO; }

        @Override
        public void sync(SyncContext context) {
            SourcePage page = new SourcePage();
            if (next == 0) {
                for (String c : customers) {
                    page.customer(new Customer(0, SOURCE, c, c, c + "@example.com", Instant.ofEpochSecond(epoch(FIRST)), null, null,
                            null, null, Map.of()), c);
                }
            }
            for (Change c : batches.get(next++)) {
                page.subscriptionChange(new SubscriptionChange(c.state(), Instant.ofEpochSecond(c.at()), true),
                        CustomerKey.of(SOURCE, c.customer()), c.subscription() + "@" + c.at());
            }
            context.commit(page);
        }
    }

    @Test
    void mrrAndMovementsFollowTheChangeLogsAndAPastMonthNeverMovesUnlessAChangeDatedInItArrives() throws Exception {
        for (long seed = 1; seed <= 25; seed++) {
            Random r = new Random(seed);
            List<Change> log = changeLog(r);
            // random batches: each change goes to any of them, so a batch may bring a change dated before
            // those already synced (late data); odd seeds keep a subscription's changes in order, as events come
            int count = 1 + r.nextInt(5);
            List<List<Change>> batches = new ArrayList<>();
            for (int i = 0; i < count + 1; i++) {
                batches.add(new ArrayList<>());
            }
            Map<String, Integer> lastBatch = new HashMap<>();
            for (Change c : log) {
                int b = seed % 2 == 1 ? Math.max(lastBatch.getOrDefault(c.subscription(), 0), r.nextInt(count)) : r.nextInt(count);
                lastBatch.put(c.subscription(), b);
                batches.get(b).add(c);
            }
            if (seed % 2 == 0) {
                batches.forEach(batch -> java.util.Collections.shuffle(batch, r));
            }
            // and last, the whole history again, shuffled: nothing may change
            List<Change> again = new ArrayList<>(log);
            java.util.Collections.shuffle(again, r);
            batches.get(count).addAll(again);
            Set<String> customers = new java.util.TreeSet<>();
            log.forEach(c -> customers.add(c.customer()));
            Path folder = Files.createDirectories(dir.resolve("seed-" + seed));
            String url = TestStores.url(folder, "history");
            try (SqlStore store = SqlStore.open(url, 2)) {
                SyncRunner runner = new SyncRunner(store, "USD", RetryPolicy.DEFAULT);
                MonthlyRecurringRevenue kpi = new MonthlyRecurringRevenue(store);
                Batches source = new Batches(batches, customers);
                List<Change> applied = new ArrayList<>();
                Map<Period, Map<String, Object>> published = new HashMap<>();
                for (int b = 0; b <= count; b++) {
                    SyncReport report = runner.run(source, SyncListener.NONE, () -> false);
                    assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), "seed " + seed + ": " + report.message());
                    assertEquals(0, report.counts().rejected(), "seed " + seed + ": " + store.rejects(SOURCE, 5));
                    if (b == count) {
                        assertEquals(0, report.counts().inserted() + report.counts().updated(),
                                "seed " + seed + ": the same history again changed " + report.counts());
                    }
                    long earliest = batches.get(b).stream().mapToLong(Change::at).min().orElse(Long.MAX_VALUE);
                    if (b < count) {
                        applied.addAll(batches.get(b));
                    }
                    List<Change> inOrder = new ArrayList<>(applied);
                    inOrder.sort(Comparator.comparingLong(Change::at)); // stable: a subscription's changes stay in order
                    for (int m = 0; m < MONTHS; m++) {
                        Period month = Period.month(FIRST.plusMonths(m).getYear(), FIRST.plusMonths(m).getMonthValue());
                        Map<String, Object> now = actual(kpi, month);
                        String where = "seed " + seed + ", after batch " + (b + 1) + " of " + count + ", " + month.label();
                        if (!expected(inOrder, month).equals(now)) {
                            StringBuilder dump = new StringBuilder();
                            inOrder.forEach(c -> dump.append(c.subscription()).append(' ').append(c.customer()).append(" at ").append(c.at())
                                    .append(" mrr ").append(c.state().mrrCents()).append(" end ").append(c.state().endedAt()).append('\n'));
                            store.query("SELECT external_id, customer_id, mrr_cents, started_at, ended_at, state_at FROM subscriptions ORDER BY subscription_key, started_at",
                                    KpiQuery.of(month), Map.of(), row -> dump.append(row.columns()).append('\n'));
                            System.out.println(dump);
                        }
                        assertEquals(expected(inOrder, month), now, where);
                        Map<String, Object> before = published.put(month, now);
                        if (before != null && (epoch(month.to()) <= earliest || b == count)) {
                            assertEquals(before, now, where + ": a month before every change of the batch moved");
                        }
                    }
                }
            } finally {
                TestStores.release(url);
            }
        }
    }
}
