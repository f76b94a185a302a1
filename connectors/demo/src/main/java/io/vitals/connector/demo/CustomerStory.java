package io.vitals.connector.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import io.vitals.store.DataWriter;

/**
 * One customer's life from signup to today. A hidden "health" between 0 and 1 drives it: healthy
 * customers churn less, expand more, use the product more, open fewer tickets and score higher.
 * Days are epoch days; nothing happens on or after {@code today}.
 */
final class CustomerStory {

    enum Plan {
        STARTER("starter", 4_900, 0.035, 0.15, 0.6, 1, 3),
        GROWTH("growth", 19_900, 0.022, 0.20, 1.0, 2, 6),
        PRO("pro", 49_900, 0.013, 0.40, 1.6, 4, 15),
        ENTERPRISE("enterprise", 200_000, 0.008, 1.00, 2.5, 10, 40);

        final String code;
        final long monthlyCents;
        final double monthlyChurn;
        final double annualShare;
        final double weight;
        final int minUsers;
        final int maxUsers;

        Plan(String code, long monthlyCents, double monthlyChurn, double annualShare, double weight, int minUsers, int maxUsers) {
            this.code = code;
            this.monthlyCents = monthlyCents;
            this.monthlyChurn = monthlyChurn;
            this.annualShare = annualShare;
            this.weight = weight;
            this.minUsers = minUsers;
            this.maxUsers = maxUsers;
        }

        Plan up() {
            return ordinal() + 1 < values().length ? values()[ordinal() + 1] : null;
        }

        Plan down() {
            return ordinal() > 0 ? values()[ordinal() - 1] : null;
        }
    }

    private static final String[] REGIONS = {"NA", "EMEA", "APAC", "LATAM"};
    private static final String[][] COUNTRIES = {{"US", "CA"}, {"DE", "GB", "FR", "NL", "SE"}, {"AU", "JP", "SG", "IN"}, {"BR", "MX", "AR"}};
    private static final double[] TAX = {0.0, 0.20, 0.10, 0.15};
    private static final String[] INDUSTRIES = {"software", "fintech", "healthcare", "retail", "education", "manufacturing"};
    private static final String[] CSMS = {"alice", "bob", "carol", "dave", "erin", "frank"};
    private static final String[] NAMES = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Hooli", "Vandelay", "Wonka",
            "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Massive", "Oscorp", "Nakatomi", "Gringotts", "Monarch", "Dunder"};
    private static final String[] KINDS = {"Labs", "Systems", "Group", "Analytics", "Works", "Health", "Logistics", "Retail"};
    private static final String[] EVENTS = {"login", "view_dashboard", "create_report", "share_report", "export_csv",
            "set_alert", "invite_user", "connect_integration", "api_call"};
    private static final double[] EVENT_WEIGHTS = {40, 20, 10, 5, 6, 4, 3, 3, 9};
    private static final String[] PRIORITIES = {"low", "normal", "high", "urgent"};
    private static final String[] ADVOCACY = {"referral", "review", "testimonial", "case_study"};
    static final String VALUE_EVENT = "create_report";

    private final long id;
    private final Dice dice;
    private final long windowStart;
    private final long today;
    private final int usagePerCustomer;
    private final int npsEveryDays;
    private final DataWriter.Batch batch;
    private final DemoGenerator.Counts counts;

    private final double health;
    private final String source = DemoGenerator.SOURCE;
    private final List<long[]> active = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private final List<Long> userSince = new ArrayList<>();
    private int serial;
    private Plan plan;
    private long signup;
    private int region;

    CustomerStory(long id, Dice dice, long windowStart, long today, int usagePerCustomer, int npsEveryDays, DataWriter.Batch batch,
            DemoGenerator.Counts counts) {
        this.id = id;
        this.dice = dice;
        this.windowStart = windowStart;
        this.today = today;
        this.usagePerCustomer = usagePerCustomer;
        this.npsEveryDays = npsEveryDays;
        this.batch = batch;
        this.counts = counts;
        this.health = 0.15 + 0.8 * (dice.uniform() + dice.uniform()) / 2;
    }

    private String ext(String kind) {
        return "c" + id + "-" + kind + (++serial);
    }

    private static Instant at(long day, long secondOfDay) {
        return Instant.ofEpochSecond(day * 86_400 + secondOfDay);
    }

    private static Instant at(long day) {
        return at(day, 0);
    }

    void write() {
        plan = Plan.values()[dice.pick(0.45, 0.30, 0.18, 0.07)];
        long history = today - windowStart;
        signup = windowStart - 240 + (long) (Math.pow(dice.uniform(), 0.7) * (history + 240 - 7));
        region = dice.pick(0.40, 0.35, 0.17, 0.08);
        writeCustomer();
        writeBilling();
        if (active.isEmpty()) {
            return;
        }
        writeUsers();
        writeOnboarding();
        writeUsage();
        writeTickets();
        writeNps();
    }

    private void writeCustomer() {
        boolean named = plan.ordinal() >= Plan.PRO.ordinal() || (plan == Plan.GROWTH && dice.chance(0.5));
        String csm = named ? dice.any(CSMS) : "pooled";
        String size = switch (plan) {
            case STARTER -> dice.pick(new String[] {"1-10", "11-50"}, 0.7, 0.3);
            case GROWTH -> dice.pick(new String[] {"11-50", "51-200"}, 0.6, 0.4);
            case PRO -> dice.pick(new String[] {"51-200", "201-1000"}, 0.6, 0.4);
            case ENTERPRISE -> dice.pick(new String[] {"201-1000", "1000+"}, 0.4, 0.6);
        };
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("size", size);
        attributes.put("country", dice.any(COUNTRIES[region]));
        if (named) {
            attributes.put("csm_sentiment", String.valueOf(Math.max(1, Math.min(5, Math.round(1 + 4 * health + 0.6 * dice.gaussian())))));
        }
        String name = dice.any(NAMES) + " " + dice.any(KINDS);
        batch.add(new Customer(id, source, "c" + id, name + " " + id, "ops@" + name.toLowerCase().replace(' ', '-') + "-" + id + ".example",
                at(signup), plan.code, REGIONS[region], csm, dice.any(INDUSTRIES), attributes));
        counts.add("customers", 1);
        counts.add("customer_attributes", attributes.size());
    }

    // ---- billing: trial, subscription spans, invoices, deals, churn costs

    private void writeBilling() {
        long paidStart;
        if (plan.ordinal() <= Plan.GROWTH.ordinal() && dice.chance(0.6)) {
            long trialEnd = signup + 14;
            subscription(plan, BillingInterval.MONTH, 1, 0, "ended", signup, trialEnd);
            activeFor(signup, trialEnd);
            if (!dice.chance(0.5 + 0.35 * health)) {
                if (trialEnd < today) {
                    deal(DealKind.NEW_BUSINESS, DealStage.LOST, plan.monthlyCents * 12, signup - 5, trialEnd);
                }
                return;
            }
            paidStart = trialEnd;
        } else {
            paidStart = signup + dice.between(0, 3);
        }
        if (paidStart >= today) {
            return;
        }
        boolean annual = dice.chance(plan.annualShare);
        BillingInterval interval = annual ? BillingInterval.YEAR : BillingInterval.MONTH;
        double discount = dice.chance(0.12) ? 0.8 : 1.0;
        int quantity = plan == Plan.GROWTH ? dice.between(1, 3) : 1;
        deal(DealKind.NEW_BUSINESS, DealStage.WON, price(plan, annual, discount) * quantity * (annual ? 1 : 12),
                paidStart - dice.between(20, 60), paidStart);
        if (plan.ordinal() >= Plan.PRO.ordinal()) {
            invoice(null, paidStart, 50_000, "one_off");
        }

        double churn = plan.monthlyChurn * (1.7 - 1.4 * health);
        long spanStart = paidStart;
        long termStart = paidStart;
        long addonStart = -1;
        boolean addonSold = false;
        long day = paidStart;
        while (true) {
            long next = day + 30;
            long decision = day + dice.between(0, 29);
            if (decision >= today) {
                break;
            }
            boolean anniversary = annual && decision - termStart >= 365;
            boolean churns = annual ? anniversary && dice.chance(1 - Math.pow(1 - churn, 12)) : dice.chance(churn);
            if (churns) {
                subscription(plan, interval, quantity, price(plan, annual, discount), "canceled", spanStart, decision);
                activeFor(spanStart, decision);
                if (addonStart >= 0) {
                    addon(addonStart, decision);
                    addonStart = -1;
                }
                if (annual) {
                    deal(DealKind.RENEWAL, DealStage.LOST, price(plan, annual, discount) * quantity, decision - 60, decision);
                }
                cost("churn", 15_000, decision);
                cancellation(spanStart, decision);
                long back = decision + dice.between(30, 180);
                if (!dice.chance(0.15 * health) || back >= today) {
                    return;
                }
                spanStart = back;
                termStart = back;
                day = back;
                continue;
            }
            if (anniversary) {
                deal(DealKind.RENEWAL, DealStage.WON, price(plan, annual, discount) * quantity, decision - 60, decision);
                termStart = decision;
            }
            Plan changed = null;
            if (plan.up() != null && dice.chance(0.012 * (0.5 + health))) {
                changed = plan.up();
            } else if (plan.down() != null && dice.chance(0.006 * (1.5 - health))) {
                changed = plan.down();
            }
            if (changed != null) {
                subscription(plan, interval, quantity, price(plan, annual, discount), "canceled", spanStart, decision);
                activeFor(spanStart, decision);
                if (changed.ordinal() > plan.ordinal()) {
                    long delta = (price(changed, annual, discount) - price(plan, annual, discount)) * quantity * (annual ? 1 : 12);
                    deal(DealKind.UPSELL, DealStage.WON, delta, decision - dice.between(10, 40), decision);
                }
                plan = changed;
                spanStart = decision;
            }
            if (!addonSold && decision - paidStart > 60 && dice.chance((0.04 + 0.12 * health) / 12)) {
                addonSold = true;
                addonStart = decision;
                deal(DealKind.CROSS_SELL, DealStage.WON, 9_900 * 12, decision - dice.between(10, 40), decision);
            }
            day = next;
        }
        subscription(plan, interval, quantity, price(plan, annual, discount), "active", spanStart, -1);
        activeFor(spanStart, today);
        if (addonStart >= 0) {
            addon(addonStart, -1);
        }
        if (annual) {
            long renewal = termStart + 365;
            while (renewal < today) {
                renewal += 365;
            }
            deal(DealKind.RENEWAL, DealStage.OPEN, price(plan, annual, discount) * quantity, Math.min(renewal - 60, today - 1), renewal);
        }
    }

    /** The price of one billing interval: a year costs ten months (enterprise: twelve). */
    private static long price(Plan plan, boolean annual, double discount) {
        long months = annual ? (plan == Plan.ENTERPRISE ? 12 : 10) : 1;
        return Math.round(plan.monthlyCents * months * discount);
    }

    /** A span [start, end); end -1 runs on. Invoices every billing interval up to today. */
    private void subscription(Plan p, BillingInterval interval, int quantity, long amount, String status, long start, long end) {
        if (start >= today) {
            return;
        }
        long stop = end < 0 || end > today ? -1 : end;
        Subscription s = Subscription.priced(0, source, ext("s"), id, p.code, stop < 0 ? (amount == 0 ? "trialing" : "active") : status,
                interval, 1, quantity, amount, "USD", at(start), stop < 0 ? null : at(stop));
        batch.add(s);
        counts.add("subscriptions", 1);
        if (amount > 0) {
            LocalDate bill = LocalDate.ofEpochDay(start);
            long until = stop < 0 ? today : stop;
            while (bill.toEpochDay() < until) {
                invoice(null, bill.toEpochDay(), amount * quantity, "recurring");
                bill = interval == BillingInterval.YEAR ? bill.plusYears(1) : bill.plusMonths(1);
            }
        }
    }

    private void addon(long start, long end) {
        subscription(Plan.STARTER, BillingInterval.MONTH, 1, 9_900, "canceled", start, end);
    }

    private void invoice(Long subscriptionId, long day, long amount, String kind) {
        String status = dice.chance(0.01 + 0.05 * (1 - health)) ? "uncollectible"
                : day > today - 20 && dice.chance(0.3) ? "open" : "paid";
        long paid = day + dice.between(0, 10);
        batch.add(new Invoice(0, source, ext("i"), id, subscriptionId, at(day), at(day + 14),
                "paid".equals(status) && paid < today ? at(paid) : null, amount, Math.round(amount * TAX[region]), "USD",
                "paid".equals(status) && paid >= today ? "open" : status, kind));
        counts.add("invoices", 1);
    }

    private void deal(DealKind kind, DealStage stage, long amount, long created, long closed) {
        if (created >= today) {
            return;
        }
        batch.add(new Deal(0, source, ext("d"), id, kind, stage, Math.max(0, amount), "USD",
                kind == DealKind.CROSS_SELL ? "analytics-addon" : "platform", at(created), at(closed)));
        counts.add("deals", 1);
    }

    private static final String[] REASONS = {"too_expensive", "switched_service", "missing_features", "unused", "low_quality",
        "customer_service"};
    /** How often each reason is given, by a healthy customer and by an unhappy one. */
    private static final double[] HEALTHY = {0.35, 0.25, 0.2, 0.15, 0.03, 0.02};
    private static final double[] UNHAPPY = {0.2, 0.15, 0.15, 0.1, 0.25, 0.15};

    /**
     * The cancellation behind a churn, a few weeks before the span ends, with its reason; a fifth leave
     * without saying why. Its own dice, so the rest of the story is the same with or without it.
     */
    private void cancellation(long spanStart, long end) {
        Dice why = new Dice(id * 1_000_033L + end);
        if (!why.chance(0.8)) {
            return;
        }
        double[] weights = health >= 0.5 ? HEALTHY : UNHAPPY;
        double u = why.uniform();
        int reason = 0;
        double sum = weights[0];
        while (reason < weights.length - 1 && u >= sum) { // the first reason whose cumulative weight passes u
            reason++;
            sum += weights[reason];
        }
        long day = Math.max(spanStart, end - why.between(0, 21));
        if (day < today) {
            batch.add(new io.vitals.model.Cancellation(0, source, "c" + id + "-x" + end, id, null, at(day), REASONS[reason], null));
            counts.add("cancellations", 1);
        }
    }

    private void cost(String category, long cents, long day) {
        if (day < today) {
            batch.add(new CostEntry(0, source, ext("k"), id, category, cents, at(day)));
            counts.add("costs", 1);
        }
    }

    private void activeFor(long start, long end) {
        long from = Math.max(start, windowStart - 400);
        long to = Math.min(end, today);
        if (to > from) {
            active.add(new long[] {from, to});
        }
    }

    private long activeDays() {
        long days = 0;
        for (long[] span : active) {
            days += span[1] - span[0];
        }
        return days;
    }

    /** A day drawn uniformly from the days the customer was active. */
    private long randomActiveDay() {
        long offset = (long) (dice.uniform() * activeDays());
        for (long[] span : active) {
            long length = span[1] - span[0];
            if (offset < length) {
                return span[0] + offset;
            }
            offset -= length;
        }
        return active.get(active.size() - 1)[1] - 1;
    }

    private boolean isActive(long day) {
        for (long[] span : active) {
            if (day >= span[0] && day < span[1]) {
                return true;
            }
        }
        return false;
    }

    // ---- product

    private void writeUsers() {
        int n = dice.between(plan.minUsers, plan.maxUsers);
        for (int k = 0; k < n; k++) {
            long since = k == 0 ? signup : signup + dice.between(0, 90);
            if (since >= today) {
                continue;
            }
            String user = "u" + id + "-" + k;
            users.add(user);
            userSince.add(since);
            batch.add(new ProductUser(source, user, id, at(since)));
        }
        counts.add("users", users.size());
    }

    /** A user of the account who existed on that day, the first users being the most active. */
    private String userOn(long day) {
        double[] weights = new double[users.size()];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = userSince.get(k) <= day ? 1.0 / (k + 1) : 0;
        }
        return users.get(dice.pick(weights));
    }

    private void writeOnboarding() {
        milestone("started", signup);
        if (dice.chance(0.9)) {
            milestone("connected_data", signup + dice.between(1, 7));
        }
        if (dice.chance(0.7)) {
            milestone("invited_team", signup + dice.between(3, 14));
        }
        if (dice.chance(0.4 + 0.5 * health)) {
            milestone("completed", signup + dice.between(7, 45));
        }
    }

    private void milestone(String name, long day) {
        if (day < today) {
            batch.add(new OnboardingMilestone(0, source, ext("o"), id, name, at(day, dice.between(8 * 3600, 18 * 3600))));
            counts.add("onboarding_milestones", 1);
        }
    }

    private void writeUsage() {
        if (users.isEmpty()) {
            return;
        }
        event(signup, "login");
        long firstValue = signup + Math.round(dice.lognormal(4 * (1.6 - health), 0.6));
        if (dice.chance(0.85) && isActive(firstValue)) {
            event(firstValue, VALUE_EVENT);
        }
        double perDay = usagePerCustomer / 365.0 * (0.4 + 1.2 * health) * plan.weight;
        int n = dice.poisson(perDay * activeDays());
        for (int i = 0; i < n; i++) {
            long day = randomActiveDay();
            String name = dice.pick(EVENTS, EVENT_WEIGHTS);
            if (name.equals(VALUE_EVENT) && day < firstValue) {
                name = "login"; // the first value event is the one placed above
            }
            event(day, name);
        }
    }

    private void event(long day, String name) {
        if (day < today) {
            batch.add(new UsageEvent(source, null, id, userOn(day), name, at(day, dice.between(0, 86_399))));
            counts.add("usage_events", 1);
        }
    }

    // ---- support

    private void writeTickets() {
        double perMonth = 0.3 * (1.6 - health) * (0.5 + plan.weight / 2);
        int n = dice.poisson(perMonth * activeDays() / 30.0);
        for (int i = 0; i < n; i++) {
            long day = randomActiveDay();
            int p = dice.pick(0.20, 0.55, 0.18, 0.07);
            long created = day * 86_400 + dice.between(7 * 3600, 19 * 3600);
            double[] firstMedianHours = {12, 5, 2, 0.5};
            double[] resolveMedianHours = {60, 30, 18, 6};
            long first = created + Math.round(dice.lognormal(firstMedianHours[p], 0.9) * 3600);
            long resolved = Math.max(first, created + Math.round(dice.lognormal(resolveMedianHours[p], 1.0) * 3600));
            boolean firstContact = dice.chance(0.45 + 0.25 * health);
            int replies = firstContact ? 1 : dice.between(2, 6);
            int reopens = firstContact ? 0 : dice.pick(0.85, 0.12, 0.03);
            long now = today * 86_400;
            boolean solved = resolved < now;
            batch.add(new SupportTicket(0, source, ext("t"), id, PRIORITIES[p], dice.pick(new String[] {"email", "chat", "phone"}, 0.6, 0.3, 0.1),
                    solved ? "solved" : "open", Instant.ofEpochSecond(created), first < now ? Instant.ofEpochSecond(first) : null,
                    solved ? Instant.ofEpochSecond(resolved) : null, reopens, replies));
            counts.add("tickets", 1);
            cost("support", 1_800 + 400L * replies, day);
            if (!solved) {
                continue;
            }
            long answered = resolved + dice.between(600, 2 * 86_400);
            if (answered < now && dice.chance(0.4)) {
                double slow = (resolved - created) / 3600.0 > resolveMedianHours[p] * 2 ? 1 : 0;
                int score = (int) Math.max(1, Math.min(5, Math.round(3.1 + 2.2 * health - slow + 0.8 * dice.gaussian())));
                survey(SurveyType.CSAT, score, 1, 5, answered);
            }
            if (answered + 60 < now && dice.chance(0.25)) {
                int score = (int) Math.max(1, Math.min(7, Math.round(3.5 + 3.2 * health - (replies > 2 ? 1 : 0) + dice.gaussian())));
                survey(SurveyType.CES, score, 1, 7, answered + 60);
            }
        }
    }

    // ---- loyalty

    private void writeNps() {
        for (long day = signup + 30; day < today; day += npsEveryDays + dice.between(-npsEveryDays / 9, npsEveryDays / 9)) {
            if (!isActive(day) || !dice.chance(0.45)) {
                continue;
            }
            int score = (int) Math.max(0, Math.min(10, Math.round(4 + 7.5 * (health + 0.12 * dice.gaussian()))));
            long answered = day * 86_400 + dice.between(0, 86_399);
            survey(SurveyType.NPS, score, 0, 10, answered);
            if (score >= 9 && dice.chance(0.12)) {
                long when = day + dice.between(1, 30);
                if (when < today) {
                    batch.add(new AdvocacyEvent(0, source, ext("a"), id, dice.pick(ADVOCACY, 0.45, 0.30, 0.15, 0.10), at(when)));
                    counts.add("advocacy_events", 1);
                }
            }
        }
    }

    private void survey(SurveyType type, int score, int min, int max, long answeredSecond) {
        boolean unmatched = type == SurveyType.NPS && dice.chance(0.02);
        String email = users.isEmpty() ? null : userOn(answeredSecond / 86_400) + "@customer" + id + ".example";
        batch.add(new SurveyResponse(0, source, ext("r"), unmatched ? null : id, unmatched ? "someone@unknown.example" : email,
                type, score, min, max, Instant.ofEpochSecond(answeredSecond), null));
        counts.add("survey_responses", 1);
    }
}
