package io.vitals.connector.stripe;

import static io.vitals.connector.stripe.StripeData.arr;
import static io.vitals.connector.stripe.StripeData.coupon;
import static io.vitals.connector.stripe.StripeData.customer;
import static io.vitals.connector.stripe.StripeData.discount;
import static io.vitals.connector.stripe.StripeData.item;
import static io.vitals.connector.stripe.StripeData.obj;
import static io.vitals.connector.stripe.StripeData.price;
import static io.vitals.connector.stripe.StripeData.subscription;
import static io.vitals.connector.stripe.StripeData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.sync.SyncRunner;
import io.vitals.testkit.SourceHarness;

/** Subscriptions to spans of MRR: every normalisation Stripe's objects call for, worked out by hand. */
class StripeSubscriptionTest {

    static final String KEY = "sk_test_51SubscriptionsKeyForTestsOnly0123456789";
    /** "Now" for discounts in force. */
    static final Instant NOW = Instant.parse("2026-03-15T00:00:00Z");

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "stripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
        harness = SourceHarness.in(dir, new RetryPolicy(2, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    StripeSource source(int pageSize) {
        return StripeData.source(fake, dir, pageSize).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** A subscription of one item, and its customer. */
    ObjectNode monthly(String name, long unitAmount, int quantity, String start) {
        fake.add("customers", customer("cus_" + name, name + "@example.com", "2025-01-01"));
        ObjectNode s = subscription("sub_" + name, "cus_" + name, "usd", start,
                item("si_" + name, price("price_" + name, unitAmount, "usd", "month", 1), quantity));
        fake.add("subscriptions", s);
        return s;
    }

    ObjectNode of(String name, String start, ObjectNode... items) {
        fake.add("customers", customer("cus_" + name, name + "@example.com", "2025-01-01"));
        ObjectNode s = subscription("sub_" + name, "cus_" + name, "usd", start, items);
        fake.add("subscriptions", s);
        return s;
    }

    void dataset() {
        // 4,900 a month: MRR 4,900
        monthly("monthly", 4_900, 1, "2025-01-10");
        // 1,200.00 a year: 120,000 / 12 = MRR 10,000
        of("yearly", "2025-02-01", item("si_yearly", price("price_yearly", 120_000L, "usd", "year", 1), 1));
        // 299.00 every 3 months: 29,900 / 3 = 9,966.67, MRR 9,967 (half-up)
        of("quarterly", "2025-02-01", item("si_quarterly", price("price_quarterly", 29_900L, "usd", "month", 3), 1));
        // 3 seats of 15.00 a month: amount 4,500, MRR 4,500
        monthly("seats", 1_500, 3, "2025-03-01");
        // 100.00 a month, 25 % off (the singular discount of older API versions): 10,000 x 0.75 = 7,500
        ObjectNode percent = monthly("percent", 10_000, 1, "2025-03-01");
        percent.remove("discounts");
        percent.set("discount", discount("di_quarter", coupon("QUARTER", 25.0, null, null), "2025-03-01", null));
        // 600.00 a year, 10.00 off each invoice until 2027 (discounts array, newer API versions); a 50 % coupon that
        // ended on 2026-01-01 no longer counts: (60,000 - 1,000) / 12 = 4,916.67, MRR 4,917
        ObjectNode amount = of("amount", "2025-02-01", item("si_amount", price("price_amount", 60_000L, "usd", "year", 1), 1));
        amount.remove("discount");
        amount.set("discounts", arr(discount("di_ten", coupon("TENOFF", null, 1_000L, "usd"), "2025-02-01", "2027-02-01"),
                discount("di_half", coupon("HALF", 50.0, null, null), "2025-02-01", "2026-01-01")));
        // 20.00 a month with a 2025-09-30 style discount whose coupon is only an id (fetched): 5.00 off, 2,000 - 500 = 1,500
        ObjectNode clover = monthly("clover", 2_000, 1, "2025-04-01");
        clover.set("discounts", arr(obj("id", "di_five", "object", "discount", "source", obj("type", "coupon", "coupon", "FIVEOFF"),
                "start", t("2025-04-01"), "end", null)));
        fake.coupons.put("FIVEOFF", coupon("FIVEOFF", null, 500L, "usd"));
        // 30.00 a month, 50.00 off: never below 0, MRR 0
        ObjectNode floor = monthly("floor", 3_000, 1, "2025-04-01");
        floor.set("discounts", arr(discount("di_big", coupon("BIG", null, 5_000L, "usd"), "2025-04-01", null)));
        // a trial 2025-06-01..06-15, then 25.00 a month: a zero span [06-01, 06-15) and MRR 2,500 from 06-15
        ObjectNode past = monthly("trial_past", 2_500, 1, "2025-06-01");
        past.put("trial_start", t("2025-06-01")).put("trial_end", t("2025-06-15"));
        // still in its trial (until 03-29, after now): a zero span [03-01, 03-29), 9,900 from 03-29
        ObjectNode now = monthly("trial_now", 9_900, 1, "2026-03-01");
        now.put("status", "trialing").put("trial_start", t("2026-03-01")).put("trial_end", t("2026-03-29"));
        // a free plan: MRR 0
        monthly("free", 0, 1, "2025-05-01");
        // canceled: 50.00 a month from 2025-01-01 until it ended 2025-09-01 (only listed with status=all)
        ObjectNode canceled = monthly("canceled", 5_000, 1, "2025-01-01");
        canceled.put("status", "canceled").put("canceled_at", t("2025-08-20")).put("ended_at", t("2025-09-01"));
        // cancel_at_period_end, the period on the item (2025-03-31 and later): 70.00 a month, ends 2026-04-10
        ObjectNode periodEnd = monthly("period_end", 7_000, 1, "2025-07-10");
        periodEnd.put("cancel_at_period_end", true);
        ((ObjectNode) periodEnd.path("items").path("data").get(0)).put("current_period_start", t("2026-03-10"))
                .put("current_period_end", t("2026-04-10"));
        // items on different intervals, each to a month: 2 x 10.00 monthly = 2,000; 240.00 yearly = 2,000;
        // 9.00 quarterly = 300: a monthly span of 4,300
        of("mixed", "2025-05-01", item("si_mixed_1", price("price_mixed_m", 1_000L, "usd", "month", 1), 2),
                item("si_mixed_2", price("price_mixed_y", 24_000L, "usd", "year", 1), 1),
                item("si_mixed_3", price("price_mixed_q", 900L, "usd", "month", 3), 1));
        // a legacy plan (no price): 12.00 every 2 weeks: 1,200 x 52 / 24 = 2,600
        of("legacy", "2025-05-01", obj("id", "si_legacy", "object", "subscription_item", "quantity", 1, "plan",
                obj("id", "plan_fortnight", "object", "plan", "amount", 1_200, "currency", "usd", "interval", "week",
                        "interval_count", 2, "usage_type", "licensed", "nickname", "Fortnightly")));
        // 1.00 a day: 100 x 365 / 12 = 3,041.67, MRR 3,042
        of("daily", "2025-05-01", item("si_daily", price("price_daily", 100L, "usd", "day", 1), 1));
        // three items of 10.00 a month, the embedded list cut after two (has_more): the third fetched, 3,000
        ObjectNode many = of("many", "2025-05-01", item("si_many_1", price("price_many", 1_000L, "usd", "month", 1), 1),
                item("si_many_2", price("price_many", 1_000L, "usd", "month", 1), 1));
        ((ObjectNode) many.path("items")).put("has_more", true);
        fake.subscriptionItems.put("sub_many", List.of(
                item("si_many_1", price("price_many", 1_000L, "usd", "month", 1), 1),
                item("si_many_2", price("price_many", 1_000L, "usd", "month", 1), 1),
                item("si_many_3", price("price_many", 1_000L, "usd", "month", 1), 1)));
        // a discount on one item: 40.00 with 50 % off = 2,000, plus 10.00 = 3,000; then 5.00 off the whole: 2,500
        ObjectNode itemDiscount = of("item_discount", "2025-05-01",
                item("si_half", price("price_big", 4_000L, "usd", "month", 1), 1),
                item("si_small", price("price_small", 1_000L, "usd", "month", 1), 1));
        ((ObjectNode) itemDiscount.path("items").path("data").get(0)).set("discounts",
                arr(discount("di_item", coupon("ITEMHALF", 50.0, null, null), "2025-05-01", null)));
        itemDiscount.set("discounts", arr(discount("di_whole", coupon("FIVE", null, 500L, "usd"), "2025-05-01", null)));
        // yen: 1,200 JPY a month is 120,000 hundredths of a yen
        fake.add("customers", customer("cus_jpy", "jpy@example.com", "2025-01-01"));
        fake.add("subscriptions", subscription("sub_jpy", "cus_jpy", "jpy", "2025-06-01",
                item("si_jpy", price("price_jpy", 1_200L, "jpy", "month", 1), 1)));
        // not subscriptions (yet), or no fixed MRR
        monthly("incomplete", 1_000, 1, "2026-03-01").put("status", "incomplete");
        monthly("expired", 1_000, 1, "2026-02-01").put("status", "incomplete_expired");
        of("tiered", "2025-05-01", item("si_tiered", price("price_tiered", null, "usd", "month", 1), 1));
        ObjectNode metered = price("price_metered", 5L, "usd", "month", 1);
        ((ObjectNode) metered.path("recurring")).put("usage_type", "metered");
        of("metered", "2025-05-01", obj("id", "si_metered", "object", "subscription_item", "price", metered));
    }

    static final String ROWS = "SELECT external_id, billing_interval, interval_count, quantity, amount_cents, currency, mrr_cents,"
            + " started_at, ended_at, status FROM subscriptions ORDER BY external_id";

    List<String> spans(SourceHarness h) {
        return h.rows(ROWS).stream().map(r -> r.get("external_id") + " " + r.get("billing_interval") + "/" + r.get("interval_count")
                + " x" + r.get("quantity") + " " + r.get("amount_cents") + " " + r.get("currency") + " mrr " + r.get("mrr_cents")
                + " " + day(r.get("started_at")) + ".." + day(r.get("ended_at")) + " " + r.get("status")).toList();
    }

    static String day(Object epoch) {
        return epoch == null ? "" : Instant.ofEpochSecond(((Number) epoch).longValue()).toString().substring(0, 10);
    }

    @Test
    void everyNormalisationToSpansOfMrr() {
        dataset();
        StripeSource stripe = source(4);
        SyncReport report = harness.sync(stripe);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        // read: 23 customers and 23 subscriptions; inserted: 23 customers and 19 subscriptions (one of them with its trial as
        // a span of its own); rejected: 3 by the mapping, the JPY one by the USD store
        assertEquals(new PageCounts(46, 42, 0, 0, 4), report.counts());
        assertEquals(Map.of("metered items left out of MRR", "1"), stripe.notes());
        assertEquals(List.of(
                "sub_amount year/1 x1 59000 USD mrr 4917 2025-02-01.. active",
                "sub_canceled month/1 x1 5000 USD mrr 5000 2025-01-01..2025-09-01 canceled",
                "sub_clover month/1 x1 1500 USD mrr 1500 2025-04-01.. active",
                "sub_daily day/1 x1 100 USD mrr 3042 2025-05-01.. active",
                "sub_floor month/1 x1 0 USD mrr 0 2025-04-01.. active",
                "sub_free month/1 x1 0 USD mrr 0 2025-05-01.. active",
                "sub_item_discount month/1 x2 2500 USD mrr 2500 2025-05-01.. active",
                "sub_legacy week/2 x1 1200 USD mrr 2600 2025-05-01.. active",
                "sub_many month/1 x3 3000 USD mrr 3000 2025-05-01.. active",
                "sub_metered month/1 x0 0 USD mrr 0 2025-05-01.. active",
                "sub_mixed month/1 x4 4300 USD mrr 4300 2025-05-01.. active",
                "sub_monthly month/1 x1 4900 USD mrr 4900 2025-01-10.. active",
                "sub_percent month/1 x1 7500 USD mrr 7500 2025-03-01.. active",
                // its cancellation at the period's end (2026-04-10, after now) is scheduled, not counted
                "sub_period_end month/1 x1 7000 USD mrr 7000 2025-07-10.. active",
                "sub_quarterly month/3 x1 29900 USD mrr 9967 2025-02-01.. active",
                "sub_seats month/1 x3 4500 USD mrr 4500 2025-03-01.. active",
                // in its trial until 03-29, after now: no revenue yet, and none counted ahead of time
                "sub_trial_now month/1 x1 0 USD mrr 0 2026-03-01.. trialing",
                // a trial 06-01..06-15, then paying from the trial's end: one subscription, two spans
                "sub_trial_past month/1 x1 0 USD mrr 0 2025-06-01..2025-06-15 trialing",
                "sub_trial_past@1749945600 month/1 x1 2500 USD mrr 2500 2025-06-15.. active",
                "sub_yearly year/1 x1 120000 USD mrr 10000 2025-02-01.. active"), spans(harness));

        // MRR at now: 4,900 + 10,000 + 9,967 + 4,500 + 7,500 + 4,917 + 1,500 + 2,500 + 7,000 + 4,300 + 2,600
        // + 3,042 + 3,000 + 2,500 = 68,226 (the running trial, the free plan, the floored and the canceled one add nothing)
        assertEquals(68_226L, ((Number) harness.value("SELECT sum(mrr_cents) FROM subscriptions WHERE mrr_cents > 0 AND started_at < "
                + NOW.getEpochSecond() + " AND (ended_at IS NULL OR ended_at >= " + NOW.getEpochSecond() + ")")).longValue());

        assertEquals(Map.of(
                "sub_incomplete", "subscription sub_incomplete: status incomplete is no subscription yet (its first payment never succeeded)",
                "sub_expired", "subscription sub_expired: status incomplete_expired is no subscription yet (its first payment never succeeded)",
                "sub_tiered", "subscription sub_tiered: price price_tiered has no unit_amount (billing_scheme tiered):"
                        + " tiered or decimal prices have no fixed amount",
                "sub_jpy", "currency JPY is not the store's currency USD (Vitals keeps every amount in one currency)"),
                rejectsById(harness.rejects("billing")));

        // again: nothing changes (the rejected rows are rejected again: a full pass reads them again)
        List<String> first = spans(harness);
        assertEquals(new PageCounts(46, 0, 0, 42, 4), harness.sync(source(4)).counts());
        assertEquals(first, spans(harness));

        // the canceled one is there because the source asks for status=all; the coupon was fetched once a sync
        assertTrue(fake.requests.contains("/v1/subscriptions?limit=4&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts"), fake.requests.toString());
        assertEquals(List.of("/v1/coupons/FIVEOFF", "/v1/coupons/FIVEOFF"), fake.requests("/v1/coupons/"));
        assertEquals(2, fake.requests("/v1/subscription_items?subscription=sub_many&limit=100&starting_after=si_many_2").size());
    }

    static Map<String, String> rejectsById(List<Rejected> rejects) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Rejected r : rejects) {
            String id = FakeStripe.JSON.valueToTree(parse(r.raw())).path("id").asText();
            out.put(id, r.reason());
        }
        return out;
    }

    static Object parse(String raw) {
        try {
            return FakeStripe.JSON.readTree(raw);
        } catch (Exception e) {
            throw new AssertionError(raw, e);
        }
    }

    @Test
    void aYenSubscriptionLandsInAYenStore() {
        fake.add("customers", customer("cus_jpy", "jpy@example.com", "2025-01-01"));
        fake.add("subscriptions", subscription("sub_jpy", "cus_jpy", "jpy", "2025-06-01",
                item("si_jpy", price("price_jpy", 1_200L, "jpy", "year", 1), 3)));
        ObjectNode invoice = StripeData.invoice("in_jpy", "cus_jpy", "paid", "2025-06-01");
        invoice.put("currency", "jpy").put("total_excluding_tax", 3_600).put("tax", 360).put("total", 3_960)
                .put("subscription", "sub_jpy").put("billing_reason", "subscription_create");
        fake.add("invoices", invoice);
        SyncRunner yen = new SyncRunner(harness.store(), "JPY", RetryPolicy.DEFAULT);
        SyncReport report = yen.run(source(10), SyncListener.NONE, () -> false);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), report.counts());
        // 3 x 1,200 yen a year = 3,600 yen = 360,000 hundredths; a month: 360,000 / 12 = 30,000
        assertEquals(List.of("sub_jpy year/1 x3 360000 JPY mrr 30000 2025-06-01.. active"), spans(harness));
        // the invoice: 3,600 yen and 360 yen of tax in hundredths
        assertEquals(List.of("360000 36000 JPY sub_jpy"), harness.rows("SELECT i.amount_cents, i.tax_cents, i.currency, s.external_id"
                + " FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id").stream()
                .map(r -> r.get("amount_cents") + " " + r.get("tax_cents") + " " + r.get("currency") + " " + r.get("external_id")).toList());
    }

    @Test
    void aCancellationDuringTheTrialLeavesNoPayingTime() {
        // trial 2025-06-01..06-15, canceled 06-10: the trial span stops at 06-10, the paying span is empty
        ObjectNode s = monthly("short", 2_500, 1, "2025-06-01");
        s.put("status", "canceled").put("trial_start", t("2025-06-01")).put("trial_end", t("2025-06-15"))
                .put("canceled_at", t("2025-06-10")).put("ended_at", t("2025-06-10"));
        // a trial that runs into cancel_at_period_end at its own end: no paying time either
        ObjectNode t2 = monthly("ending_trial", 2_500, 1, "2026-03-01");
        t2.put("status", "trialing").put("trial_start", t("2026-03-01")).put("trial_end", t("2026-03-29"))
                .put("cancel_at_period_end", true).put("cancel_at", t("2026-03-29")).put("current_period_end", t("2026-03-29"));
        // paused (a trial ended without a way to pay): not paying
        ObjectNode paused = monthly("paused", 2_500, 1, "2026-01-01");
        paused.put("status", "paused").put("trial_start", t("2026-01-01")).put("trial_end", t("2026-01-15"));
        SyncReport report = harness.sync(source(10));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(List.of(
                // still in its trial (until 03-29, after now): its cancellation at the trial's end is only scheduled
                "sub_ending_trial month/1 x1 0 USD mrr 0 2026-03-01.. trialing",
                "sub_paused month/1 x1 0 USD mrr 0 2026-01-01..2026-01-15 trialing",
                "sub_paused@1768435200 month/1 x1 2500 USD mrr 0 2026-01-15.. paused",
                // canceled in its trial: the trial is all it had
                "sub_short month/1 x1 0 USD mrr 0 2025-06-01..2025-06-10 trialing"), spans(harness));
    }

    @Test
    void aDiscountIsWeighedAtTheEndOfASpanThatEnded() {
        // canceled 2025-09-01 with a 20 % coupon that ran until 2025-12-31: in force while it ran, 4,000 x 0.8 = 3,200
        ObjectNode s = monthly("was_discounted", 4_000, 1, "2025-01-01");
        s.put("status", "canceled").put("canceled_at", t("2025-09-01")).put("ended_at", t("2025-09-01"));
        s.set("discounts", arr(discount("di_twenty", coupon("TWENTY", 20.0, null, null), "2025-01-01", "2025-12-31")));
        // a coupon in euros on a dollar subscription, with a dollar amount among its currency options: 8.00 off
        ObjectNode multi = monthly("multi", 4_000, 1, "2025-01-01");
        ObjectNode euro = coupon("EURO", null, 700L, "eur");
        euro.set("currency_options", obj("usd", obj("amount_off", 800)));
        multi.set("discounts", arr(discount("di_euro", euro, "2025-01-01", null)));
        // and one with no dollar amount at all: rejected
        ObjectNode foreign = monthly("foreign", 4_000, 1, "2025-01-01");
        foreign.set("discounts", arr(discount("di_gbp", coupon("POUND", null, 700L, "gbp"), "2025-01-01", null)));
        SyncReport report = harness.sync(source(10));
        assertEquals(new PageCounts(6, 5, 0, 0, 1), report.counts());
        assertEquals(List.of(
                "sub_multi month/1 x1 3200 USD mrr 3200 2025-01-01.. active",
                "sub_was_discounted month/1 x1 3200 USD mrr 3200 2025-01-01..2025-09-01 canceled"), spans(harness));
        assertEquals(Map.of("sub_foreign", "subscription sub_foreign: coupon POUND takes amount_off in gbp, the subscription is in usd"),
                rejectsById(harness.rejects("billing")));
    }

    /** MRR at the end of {@code day} (spans covering the instant before the next day), in cents. */
    long mrrAt(String day) {
        long b = t(day);
        return ((Number) harness.value("SELECT coalesce(sum(mrr_cents), 0) FROM subscriptions WHERE mrr_cents > 0 AND started_at < " + b
                + " AND (ended_at IS NULL OR ended_at >= " + b + ")")).longValue();
    }

    @Test
    void whatIsScheduledCountsWhenItHappensAndTheCustomersDiscountAndLicensedItemsCount() {
        // 99.00 a month after a trial that ends 03-29
        ObjectNode trial = monthly("trial", 9_900, 1, "2026-03-01");
        trial.put("status", "trialing").put("trial_start", t("2026-03-01")).put("trial_end", t("2026-03-29"));
        // 70.00 a month, set to cancel at the end of its period, 04-10
        ObjectNode leaving = monthly("leaving", 7_000, 1, "2025-07-10");
        leaving.put("cancel_at_period_end", true).put("current_period_end", t("2026-04-10"));
        // 20.00 a month with no discount of its own, its customer 10 % off for ever: Stripe charges 18.00
        monthly("loyal", 2_000, 1, "2025-05-01");
        fake.replace("customers", (ObjectNode) customer("cus_loyal", "loyal@example.com", "2025-01-01")
                .set("discount", discount("di_loyal", coupon("LOYAL", 10.0, null, null), "2025-01-01", null)));
        // 30.00 a month licensed plus a metered item: the licensed part counts, the metered one is left out
        ObjectNode metered = price("price_calls", 2L, "usd", "month", 1);
        ((ObjectNode) metered.path("recurring")).put("usage_type", "metered");
        of("hybrid", "2025-05-01", item("si_base", price("price_base", 3_000L, "usd", "month", 1), 1),
                obj("id", "si_calls", "object", "subscription_item", "price", metered));

        StripeSource before = source(10);
        assertEquals(SyncReport.Outcome.COMPLETE, harness.sync(before).outcome());
        assertEquals(Map.of("metered items left out of MRR", "1"), before.notes());
        assertEquals(List.of(
                "sub_hybrid month/1 x1 3000 USD mrr 3000 2025-05-01.. active",
                "sub_leaving month/1 x1 7000 USD mrr 7000 2025-07-10.. active",
                "sub_loyal month/1 x1 1800 USD mrr 1800 2025-05-01.. active",
                "sub_trial month/1 x1 0 USD mrr 0 2026-03-01.. trialing"), spans(harness));
        // March as seen on 03-15: the trial ending and the cancellation are only scheduled
        assertEquals(3_000 + 7_000 + 1_800, mrrAt("2026-04-01"));

        // 04-02: the trial became paying at its end; the cancellation is still ahead
        fake.replace("subscriptions", (ObjectNode) trial.deepCopy().put("status", "active"));
        StripeSource april = StripeData.source(fake, dir, 10).clock(Clock.fixed(Instant.parse("2026-04-02T00:00:00Z"), ZoneOffset.UTC));
        assertEquals(new PageCounts(8, 0, 1, 7, 0), harness.sync(april).counts());
        // 04-12: it ended on 04-10, as scheduled
        fake.replace("subscriptions", (ObjectNode) leaving.deepCopy().put("status", "canceled").put("canceled_at", t("2026-03-20"))
                .put("ended_at", t("2026-04-10")));
        StripeSource later = StripeData.source(fake, dir, 10).clock(Clock.fixed(Instant.parse("2026-04-12T00:00:00Z"), ZoneOffset.UTC));
        assertEquals(new PageCounts(8, 0, 1, 7, 0), harness.sync(later).counts());
        assertEquals(List.of(
                "sub_hybrid month/1 x1 3000 USD mrr 3000 2025-05-01.. active",
                "sub_leaving month/1 x1 7000 USD mrr 7000 2025-07-10..2026-04-10 canceled",
                "sub_loyal month/1 x1 1800 USD mrr 1800 2025-05-01.. active",
                // the trial's own span, and the paying one from the trial's end: Stripe's moment, not the sync's
                "sub_trial month/1 x1 0 USD mrr 0 2026-03-01..2026-03-29 trialing",
                "sub_trial@" + t("2026-03-29") + " month/1 x1 9900 USD mrr 9900 2026-03-29.. active"), spans(harness));
        assertEquals("source", harness.value("SELECT changed_by FROM subscriptions WHERE external_id = 'sub_trial@" + t("2026-03-29") + "'"));
        // March now holds the trial's end (9,900 from 03-29); April has lost the cancellation on 04-10
        assertEquals(3_000 + 7_000 + 1_800 + 9_900, mrrAt("2026-04-01"));
        assertEquals(3_000 + 1_800 + 9_900, mrrAt("2026-05-01"));
    }

    @Test
    void aCancellationKeepsWhyTheCustomerLeft() {
        ObjectNode pricey = monthly("pricey", 4_000, 1, "2025-05-01");
        pricey.put("status", "canceled").put("canceled_at", t("2026-02-20")).put("ended_at", t("2026-02-20"))
                .set("cancellation_details", obj("feedback", "too_expensive", "comment", "Too much for a team of 3",
                        "reason", "cancellation_requested"));
        ObjectNode unpaid = monthly("unpaid", 2_000, 1, "2025-05-01");
        unpaid.put("status", "canceled").put("canceled_at", t("2026-03-01")).put("ended_at", t("2026-03-01"))
                .set("cancellation_details", obj("reason", "payment_failed"));
        ObjectNode quiet = monthly("quiet", 1_000, 1, "2025-05-01");
        quiet.put("status", "canceled").put("canceled_at", t("2026-03-02")).put("ended_at", t("2026-03-02"))
                .set("cancellation_details", obj("comment", " "));
        // cancelled on 03-10, to end with its period on 04-10: the reason is known now, the revenue still counts
        ObjectNode leaving = monthly("leaving", 7_000, 1, "2025-07-10");
        leaving.put("cancel_at_period_end", true).put("canceled_at", t("2026-03-10")).put("current_period_end", t("2026-04-10"))
                .set("cancellation_details", obj("feedback", "switched_service"));
        monthly("loyal", 2_000, 1, "2025-05-01");

        assertEquals(SyncReport.Outcome.COMPLETE, harness.sync(source(10)).outcome());
        java.util.function.Supplier<List<String>> cancellations = () -> harness.rows("SELECT x.external_id, x.subscription, c.external_id"
                + " AS customer, x.canceled_at, x.reason, x.feedback FROM cancellations x JOIN customers c ON c.id = x.customer_id"
                + " ORDER BY x.external_id").stream().map(r -> r.get("external_id") + " of " + r.get("customer") + " at "
                + Instant.ofEpochSecond(((Number) r.get("canceled_at")).longValue()) + ": " + r.get("reason") + " / " + r.get("feedback"))
                .toList();
        List<String> expected = List.of(
                "sub_leaving of cus_leaving at 2026-03-10T00:00:00Z: switched_service / null",
                "sub_pricey of cus_pricey at 2026-02-20T00:00:00Z: too_expensive / Too much for a team of 3",
                "sub_unpaid of cus_unpaid at 2026-03-01T00:00:00Z: payment_failed / null");
        assertEquals(expected, cancellations.get());
        assertEquals(7_000 + 2_000, mrrAt("2026-04-01"), "a cancellation is no churn before the subscription ends");
        harness.sync(source(10));
        assertEquals(expected, cancellations.get(), "read again, nothing doubles");
    }
}
