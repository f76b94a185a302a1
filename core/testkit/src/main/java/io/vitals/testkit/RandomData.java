package io.vitals.testkit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.BillingInterval;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;

/**
 * Small random customer bases for differential tests, reproducible from a seed. Times gather on
 * the edges that catch off-by-one mistakes: the first instant of a month, the last second before
 * it, and the same day for several records.
 */
public final class RandomData {

    /** The data spans these 18 months. */
    public static final LocalDate START = LocalDate.of(2025, 1, 1);
    public static final LocalDate END = LocalDate.of(2026, 7, 1);

    static final String[] PLANS = {"starter", "pro", "enterprise"};
    static final String[] REGIONS = {"EMEA", "NA"};
    static final String[] CSMS = {"alice", "bob", "pooled"};
    static final String[] EVENTS = {"login", "view_dashboard", "create_report", "export_csv", "invite_user"};
    static final long[] MRR = {0, 1_000, 2_500, 4_999, 10_000, 25_000};

    private final Random random;
    private final Dataset data;
    private int serial;

    private RandomData(long seed) {
        this.random = new Random(seed);
        this.data = new Dataset(seed);
    }

    public static Dataset generate(long seed) {
        return new RandomData(seed).build();
    }

    private String id(String kind) {
        return kind + (++serial);
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private <T> T any(T[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A time in the data's span; often on a month's edge. */
    private Instant time() {
        long days = END.toEpochDay() - START.toEpochDay();
        double r = random.nextDouble();
        if (r < 0.15) {
            return firstOfMonth();
        }
        if (r < 0.25) {
            return firstOfMonth().minusSeconds(1);
        }
        LocalDate day = START.plusDays(random.nextInt((int) days));
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(chance(0.3) ? 0 : random.nextInt(86_400));
    }

    private Instant firstOfMonth() {
        return START.plusMonths(random.nextInt(18)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private Instant after(Instant t, int maxDays) {
        return t.plusSeconds(chance(0.2) ? 0 : (long) random.nextInt(Math.max(1, maxDays)) * 86_400 + random.nextInt(86_400));
    }

    /** An end after {@code start}: often the first instant of a later month, the edge where churn is counted. */
    private Instant end(Instant start, int maxDays) {
        if (chance(0.3)) {
            Instant edge = firstOfMonth();
            if (!edge.isBefore(start)) {
                return edge;
            }
        }
        return after(start, maxDays);
    }

    private Dataset build() {
        int customers = between(6, 25);
        for (long c = 1; c <= customers; c++) {
            customer(c);
        }
        for (int i = between(0, 4); i > 0; i--) {
            data.responses.add(new SurveyResponse(0, "random", id("r"), null, "who@unknown.example", SurveyType.NPS,
                    between(0, 10), 0, 10, time(), null));
            data.costs.add(new CostEntry(0, "random", id("k"), null, any(new String[] {"support", "success", "infrastructure"}),
                    between(100, 50_000), time()));
        }
        return data;
    }

    private void customer(long c) {
        Map<String, String> attributes = new HashMap<>();
        if (chance(0.7)) {
            attributes.put("size", chance(0.5) ? "small" : "large");
        }
        if (chance(0.5)) {
            attributes.put("csm_sentiment", String.valueOf(between(1, 5)));
        }
        Instant signup = chance(0.3) ? START.minusMonths(between(1, 6)).atStartOfDay(ZoneOffset.UTC).toInstant() : time();
        data.customers.add(new Customer(c, "random", "c" + c, "Customer " + c, null, signup, any(PLANS), any(REGIONS),
                any(CSMS), chance(0.5) ? "software" : "retail", attributes));

        Instant cursor = chance(0.5) ? signup : time();
        for (int i = between(0, 4); i > 0; i--) {
            // a span that starts where the last one ended is a plan change; elsewhere, a new line or a comeback
            Instant start = chance(0.4) ? cursor : chance(0.2) ? firstOfMonth() : time();
            Instant end = chance(0.35) ? null : end(start, 400);
            if (chance(0.5)) {
                long mrr = MRR[random.nextInt(MRR.length)];
                data.subscriptions.add(new Subscription(0, "random", id("s"), c, any(PLANS), end == null ? "active" : "canceled",
                        BillingInterval.MONTH, 1, 1, mrr, "USD", mrr, start, end));
            } else {
                BillingInterval interval = chance(0.5) ? BillingInterval.YEAR : BillingInterval.QUARTER;
                data.subscriptions.add(Subscription.priced(0, "random", id("s"), c, any(PLANS), end == null ? "active" : "canceled",
                        interval, 1, between(1, 3), between(0, 300_000), "USD", start, end));
            }
            cursor = end == null ? time() : end;
        }
        for (int i = between(0, 6); i > 0; i--) {
            String status = any(new String[] {"paid", "paid", "paid", "open", "uncollectible", "void"});
            Instant issued = time();
            data.invoices.add(new Invoice(0, "random", id("i"), c, null, issued, after(issued, 30),
                    status.equals("paid") ? after(issued, 20) : null, between(0, 100_000), between(0, 20_000), "USD", status,
                    any(new String[] {"recurring", "recurring", "one_off", "refund"})));
        }
        for (int i = between(0, 8); i > 0; i--) {
            double r = random.nextDouble();
            if (r < 0.5) {
                data.responses.add(new SurveyResponse(0, "random", id("r"), c, null, SurveyType.NPS, between(0, 10), 0, 10, time(), null));
            } else if (r < 0.7) {
                data.responses.add(new SurveyResponse(0, "random", id("r"), c, null, SurveyType.CSAT, between(1, 5), 1, 5, time(), null));
            } else if (r < 0.75) {
                data.responses.add(new SurveyResponse(0, "random", id("r"), c, null, SurveyType.CSAT, between(0, 10), 0, 10, time(), null));
            } else if (r < 0.95) {
                data.responses.add(new SurveyResponse(0, "random", id("r"), c, null, SurveyType.CES, between(1, 7), 1, 7, time(), null));
            } else {
                data.responses.add(new SurveyResponse(0, "random", id("r"), c, null, SurveyType.NPS, between(1, 10), 1, 10, time(), null));
            }
        }
        for (int i = between(0, 5); i > 0; i--) {
            Instant created = time();
            Instant first = chance(0.85) ? created.plusSeconds(between(0, 3 * 86_400)) : null;
            Instant resolved = first != null && chance(0.8) ? first.plusSeconds(between(0, 10 * 86_400)) : null;
            int replies = first == null ? 0 : between(1, 5);
            data.tickets.add(new SupportTicket(0, "random", id("t"), c, any(new String[] {"low", "normal", "high", "urgent"}), "email",
                    resolved == null ? "open" : "solved", created, first, resolved, chance(0.8) ? 0 : between(1, 2), replies));
        }
        List<String> users = new ArrayList<>();
        for (int i = between(0, 5); i > 0; i--) {
            String user = "u" + c + "-" + i;
            users.add(user);
            data.users.add(new ProductUser("random", user, c, chance(0.5) ? signup : time()));
        }
        for (int i = users.isEmpty() ? 0 : between(0, 40); i > 0; i--) {
            data.events.add(new UsageEvent("random", null, c, users.get(random.nextInt(users.size())), any(EVENTS), time()));
        }
        for (int i = between(0, 3); i > 0; i--) {
            Instant created = time();
            DealStage stage = any(DealStage.values());
            data.deals.add(new Deal(0, "random", id("d"), c, any(DealKind.values()), stage, between(0, 500_000), "USD", "core",
                    created, stage == DealStage.OPEN && chance(0.5) ? null : after(created, 90)));
        }
        for (int i = between(0, 2); i > 0; i--) {
            data.advocacy.add(new AdvocacyEvent(0, "random", id("a"), c,
                    any(new String[] {"referral", "testimonial", "review", "case_study"}), time()));
        }
        if (chance(0.7)) {
            Instant started = time();
            data.milestones.add(new OnboardingMilestone(0, "random", id("o"), c, "started", started));
            if (chance(0.5)) {
                data.milestones.add(new OnboardingMilestone(0, "random", id("o"), c, "connected_data", after(started, 10)));
            }
            if (chance(0.6)) {
                data.milestones.add(new OnboardingMilestone(0, "random", id("o"), c, "completed", after(started, 60)));
            }
        }
        for (int i = between(0, 3); i > 0; i--) {
            data.costs.add(new CostEntry(0, "random", id("k"), c, any(new String[] {"support", "success", "infrastructure", "churn"}),
                    between(100, 50_000), time()));
        }
    }

    /**
     * The questions to ask of a dataset: every month, some quarters and odd periods, each for all
     * customers and for a segment that has customers in it.
     */
    public static List<KpiQuery> queries(Dataset d) {
        Random r = new Random(d.seed * 31 + 7);
        List<KpiQuery> out = new ArrayList<>();
        for (LocalDate m = START.minusMonths(1); m.isBefore(END.plusMonths(1)); m = m.plusMonths(1)) {
            out.add(new KpiQuery(new Period(m, m.plusMonths(1)), Segment.ALL));
        }
        out.add(new KpiQuery(new Period(LocalDate.of(2025, 4, 1), LocalDate.of(2025, 7, 1)), Segment.ALL));
        out.add(new KpiQuery(new Period(START.minusYears(1), END.plusYears(1)), Segment.ALL));
        for (int i = 0; i < 6; i++) {
            LocalDate from = START.plusDays(r.nextInt(500));
            out.add(new KpiQuery(new Period(from, from.plusDays(1 + r.nextInt(120))), Segment.ALL));
        }
        String[] keys = {"plan", "region", "csm", "size"};
        for (int i = 0; i < 8; i++) {
            Customer c = d.customers.get(r.nextInt(d.customers.size()));
            String key = keys[r.nextInt(keys.length)];
            String value = Dataset.attribute(c, key);
            if (value == null) {
                continue;
            }
            LocalDate from = START.plusMonths(r.nextInt(18));
            out.add(new KpiQuery(new Period(from, from.plusMonths(1 + r.nextInt(3))), Segment.of(key, value)));
        }
        return out;
    }
}
