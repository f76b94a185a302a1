package io.vitals.connector.stripe;

import static io.vitals.connector.stripe.StripeData.arr;
import static io.vitals.connector.stripe.StripeData.coupon;
import static io.vitals.connector.stripe.StripeData.customer;
import static io.vitals.connector.stripe.StripeData.discount;
import static io.vitals.connector.stripe.StripeData.invoice;
import static io.vitals.connector.stripe.StripeData.item;
import static io.vitals.connector.stripe.StripeData.obj;
import static io.vitals.connector.stripe.StripeData.price;
import static io.vitals.connector.stripe.StripeData.subscription;
import static io.vitals.connector.stripe.StripeData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/**
 * A team that connects Stripe sees its subscriptions' past as the invoices tell it: a quantity raised
 * mid-month (a proration) from that day, a new price from the period it was first billed, a coupon from
 * the invoice it first reduced; worked out by hand from the invoices below.
 */
class StripeHistoryTest {

    static final String KEY = "sk_test_51HistoryKeyForTestsOnly0123456789abcdef";

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "stripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
        harness = SourceHarness.in(dir, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    /** An invoice line of the older shape: type subscription, the price on the line. */
    static ObjectNode line(String id, ObjectNode price, int quantity, long amount, String from, String to, boolean proration) {
        return obj("id", id, "object", "line_item", "type", "subscription", "subscription_item", "si_h", "price", price,
                "quantity", quantity, "amount", amount, "proration", proration, "discount_amounts", arr(),
                "period", obj("start", t(from), "end", t(to)));
    }

    static ObjectNode withLines(ObjectNode invoice, String reason, ObjectNode... lines) {
        invoice.put("subscription", "sub_h").put("billing_reason", reason);
        invoice.set("lines", obj("object", "list", "data", arr((Object[]) lines), "has_more", false));
        long total = 0;
        for (ObjectNode l : lines) {
            total += l.path("amount").asLong();
            for (var d : l.path("discount_amounts")) {
                total -= d.path("amount").asLong();
            }
        }
        invoice.put("total_excluding_tax", total).put("tax", 0).put("total", total);
        return invoice;
    }

    @Test
    void theFirstSyncRebuildsTheSubscriptionsPastFromItsInvoices() {
        ObjectNode twenty = price("price_h", 2_000L, "usd", "month", 1);
        ObjectNode fifteen = price("price_h2", 1_500L, "usd", "month", 1);
        fake.prices.put("price_h2", fifteen);
        fake.add("customers", customer("cus_h", "h@example.com", "2025-01-01"));
        // now: two seats of 15.00 with 10 % off, 27.00 a month
        ObjectNode now = subscription("sub_h", "cus_h", "usd", "2025-01-01", item("si_h", fifteen, 2));
        now.set("discounts", arr(discount("di_h", coupon("TEN", 10.0, null, null), "2025-07-01", null)));
        fake.add("subscriptions", now);
        // the newer shape: the line's parent names the item, its pricing the price by id only
        ObjectNode june = obj("id", "il_h7", "object", "line_item", "amount", 3_000, "quantity", 2, "discount_amounts", arr(),
                "period", obj("start", t("2025-06-01"), "end", t("2025-07-01")),
                "parent", obj("type", "subscription_item_details", "subscription_item_details",
                        obj("subscription_item", "si_h", "proration", false, "subscription", "sub_h")),
                "pricing", obj("type", "price_details", "price_details", obj("price", "price_h2", "product", "prod_h2")));
        ObjectNode july = (ObjectNode) june.deepCopy().put("id", "il_h8");
        july.set("period", obj("start", t("2025-07-01"), "end", t("2025-08-01")));
        july.set("discount_amounts", arr(obj("amount", 300, "discount", "di_h")));
        fake.add("invoices",
                withLines(invoice("in_h1", "cus_h", "paid", "2025-01-01"), "subscription_create",
                        line("il_h1", twenty, 1, 2_000, "2025-01-01", "2025-02-01", false)),
                withLines(invoice("in_h2", "cus_h", "paid", "2025-02-01"), "subscription_cycle",
                        line("il_h2", twenty, 1, 2_000, "2025-02-01", "2025-03-01", false)),
                withLines(invoice("in_h3", "cus_h", "paid", "2025-03-01"), "subscription_cycle",
                        line("il_h3", twenty, 1, 2_000, "2025-03-01", "2025-04-01", false)),
                // a second seat from 03-15: the unused time of one seat back, the time left on two charged
                withLines(invoice("in_h4", "cus_h", "paid", "2025-03-15"), "subscription_update",
                        line("il_h4a", twenty, 1, -1_000, "2025-03-15", "2025-04-01", true),
                        line("il_h4b", twenty, 2, 2_000, "2025-03-15", "2025-04-01", true)),
                withLines(invoice("in_h5", "cus_h", "paid", "2025-04-01"), "subscription_cycle",
                        line("il_h5", twenty, 2, 4_000, "2025-04-01", "2025-05-01", false)),
                withLines(invoice("in_h6", "cus_h", "paid", "2025-05-01"), "subscription_cycle",
                        line("il_h6", twenty, 2, 4_000, "2025-05-01", "2025-06-01", false)),
                withLines(invoice("in_h7", "cus_h", "paid", "2025-06-01"), "subscription_cycle", june),
                withLines(invoice("in_h8", "cus_h", "paid", "2025-07-01"), "subscription_cycle", july),
                // a draft says nothing yet
                withLines(invoice("in_h9", "cus_h", "draft", "2025-08-01"), "subscription_cycle",
                        line("il_h9", twenty, 9, 18_000, "2025-08-01", "2025-09-01", false)));

        StripeSource stripe = StripeData.source(fake, dir, 10).clock(Clock.fixed(Instant.parse("2025-07-20T00:00:00Z"), ZoneOffset.UTC));
        SyncReport first = harness.sync(stripe);
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        // 20.00 until the second seat on 03-15; 40.00 until the new price billed from 06-01; 30.00; 27.00 from the coupon's first invoice
        assertEquals(List.of("sub_h x1 2000 2025-01-01..2025-03-15 source",
                "sub_h@" + t("2025-03-15") + " x2 4000 2025-03-15..2025-06-01 source",
                "sub_h@" + t("2025-06-01") + " x2 3000 2025-06-01..2025-07-01 source",
                "sub_h@" + t("2025-07-01") + " x2 2700 2025-07-01.. source"), harness.rows("SELECT external_id, quantity, mrr_cents,"
                        + " started_at, ended_at, changed_by FROM subscriptions ORDER BY started_at").stream()
                        .map(r -> r.get("external_id") + " x" + r.get("quantity") + " " + r.get("mrr_cents") + " "
                                + StripeEventsTest.day(r.get("started_at")) + ".." + StripeEventsTest.day(r.get("ended_at")) + " "
                                + r.get("changed_by")).toList());
        assertEquals(List.of("/v1/prices/price_h2"), fake.requests("/v1/prices/"), "a price named by id is fetched once");

        // the next pass (no events to follow) rebuilds nothing and finds the same state
        PageCounts again = harness.sync(StripeData.source(fake, dir, 10)
                .clock(Clock.fixed(Instant.parse("2025-07-21T00:00:00Z"), ZoneOffset.UTC))).counts();
        assertEquals(new PageCounts(11, 0, 0, 10, 1), again);
    }
}
