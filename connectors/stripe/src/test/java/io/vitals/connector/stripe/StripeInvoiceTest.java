package io.vitals.connector.stripe;

import static io.vitals.connector.stripe.StripeData.arr;
import static io.vitals.connector.stripe.StripeData.customer;
import static io.vitals.connector.stripe.StripeData.invoice;
import static io.vitals.connector.stripe.StripeData.item;
import static io.vitals.connector.stripe.StripeData.obj;
import static io.vitals.connector.stripe.StripeData.price;
import static io.vitals.connector.stripe.StripeData.subscription;
import static io.vitals.connector.stripe.StripeData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** Invoices in their older and newer shapes, and every kind of row that lands in the rejects. */
class StripeInvoiceTest {

    static final String KEY = "sk_test_51InvoicesKeyForTestsOnly0123456789";

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "stripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
        harness = SourceHarness.in(dir, RetryPolicy.DEFAULT);
        fake.add("customers", customer("cus_1", "one@example.com", "2025-01-01"), customer("cus_2", "two@example.com", "2025-01-01"));
        fake.add("subscriptions",
                subscription("sub_1", "cus_1", "usd", "2025-01-01", item("si_1", price("price_m", 4_900L, "usd", "month", 1), 1)),
                subscription("sub_2", "cus_2", "usd", "2025-01-01", item("si_2", price("price_y", 120_000L, "usd", "year", 1), 1)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    static String day(Object epoch) {
        return epoch == null ? "-" : Instant.ofEpochSecond(((Number) epoch).longValue()).toString().substring(0, 10);
    }

    @Test
    void invoicesWithTaxInTheirOlderAndNewerShapes() {
        // older API versions: subscription on the invoice, tax as one number
        ObjectNode old = invoice("in_old", "cus_1", "paid", "2026-02-01");
        old.put("subscription", "sub_1").put("billing_reason", "subscription_cycle").put("subtotal", 4_900)
                .put("total_excluding_tax", 4_900).put("tax", 392).put("total", 5_292);
        ((ObjectNode) old.path("status_transitions")).put("paid_at", t("2026-02-02"));
        // 2025-03-31 and later: the subscription under parent, taxes listed in total_taxes, no "tax"
        ObjectNode basil = invoice("in_basil", "cus_2", "open", "2026-01-01");
        basil.remove(List.of("subscription", "tax"));
        basil.set("parent", obj("type", "subscription_details", "quote_details", null,
                "subscription_details", obj("metadata", obj(), "subscription", "sub_2")));
        basil.put("billing_reason", "subscription_create").put("subtotal", 120_000).put("total_excluding_tax", 120_000)
                .put("total", 121_500).put("due_date", t("2026-01-31"));
        basil.set("total_taxes", arr(obj("amount", 1_200, "tax_behavior", "exclusive"), obj("amount", 300, "tax_behavior", "exclusive")));
        // no total_excluding_tax: subtotal less discounts
        ObjectNode subtotal = invoice("in_subtotal", "cus_1", "void", "2025-11-01");
        subtotal.put("subtotal", 10_000).put("tax", 0).put("total", 7_500);
        subtotal.set("total_discount_amounts", arr(obj("amount", 2_500, "discount", "di_1")));
        // nor subtotal: total less tax
        ObjectNode total = invoice("in_total", "cus_2", "uncollectible", "2025-10-01");
        total.put("total", 3_300).put("tax", 300).put("billing_reason", (String) null);
        fake.add("invoices", old, basil, subtotal, total);

        SyncReport report = harness.sync(StripeData.source(fake, dir, 100));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(8, 8, 0, 0, 0), report.counts());
        assertEquals(List.of(
                "in_basil cus_2 sub_2 2026-01-01 due 2026-01-31 paid - 120000 tax 1500 USD open recurring",
                "in_old cus_1 sub_1 2026-02-01 due - paid 2026-02-02 4900 tax 392 USD paid recurring",
                "in_subtotal cus_1 null 2025-11-01 due - paid - 7500 tax 0 USD void one_off",
                "in_total cus_2 null 2025-10-01 due - paid - 3000 tax 300 USD uncollectible one_off"),
                harness.rows("SELECT i.*, c.external_id AS cus, s.external_id AS sub FROM invoices i JOIN customers c ON c.id = i.customer_id"
                        + " LEFT JOIN subscriptions s ON s.id = i.subscription_id ORDER BY i.external_id").stream()
                        .map(r -> r.get("external_id") + " " + r.get("cus") + " " + r.get("sub") + " " + day(r.get("issued_at"))
                                + " due " + day(r.get("due_at")) + " paid " + day(r.get("paid_at")) + " " + r.get("amount_cents")
                                + " tax " + r.get("tax_cents") + " " + r.get("currency") + " " + r.get("status") + " " + r.get("kind"))
                        .toList());
    }

    @Test
    void everyKindOfBadRowLandsInTheRejectsWithItsReason() {
        fake.add("customers",
                obj("id", "cus_gone", "object", "customer", "deleted", true),
                obj("object", "customer", "email", "noid@example.com", "created", t("2025-01-01")),
                obj("id", "cus_undated", "object", "customer", "email", "x@example.com", "created", null),
                obj("id", "cus_bad_date", "object", "customer", "created", "yesterday"));
        ObjectNode incomplete = subscription("sub_incomplete", "cus_1", "usd", "2026-03-01",
                item("si_i", price("price_m", 4_900L, "usd", "month", 1), 1));
        incomplete.put("status", "incomplete");
        ObjectNode unknown = subscription("sub_nobody", "cus_nobody", "usd", "2026-03-01",
                item("si_n", price("price_m", 4_900L, "usd", "month", 1), 1));
        ObjectNode oneTime = subscription("sub_one_time", "cus_1", "usd", "2026-03-01",
                item("si_o", price("price_once", 4_900L, "usd", "month", 1), 1));
        ((ObjectNode) oneTime.path("items").path("data").get(0).path("price")).putNull("recurring");
        ObjectNode noEnd = subscription("sub_no_end", "cus_1", "usd", "2025-03-01",
                item("si_e", price("price_m", 4_900L, "usd", "month", 1), 1));
        noEnd.put("status", "canceled");
        ObjectNode empty = subscription("sub_empty", "cus_1", "usd", "2025-03-01");
        fake.add("subscriptions", incomplete, unknown, oneTime, noEnd, empty);
        ObjectNode draft = invoice("in_draft", "cus_1", "draft", "2026-03-01");
        draft.put("total_excluding_tax", 4_900);
        ObjectNode credit = invoice("in_credit", "cus_1", "paid", "2026-03-01");
        credit.put("total_excluding_tax", -500).put("tax", 0);
        ObjectNode stranger = invoice("in_stranger", "cus_nobody", "paid", "2026-03-01");
        stranger.put("total_excluding_tax", 100).put("tax", 0);
        ObjectNode odd = invoice("in_odd", "cus_1", "deleted", "2026-03-01");
        ObjectNode nothing = invoice("in_nothing", "cus_1", "paid", "2026-03-01");
        ObjectNode kwd = invoice("in_kwd", "cus_1", "paid", "2026-03-01");
        kwd.put("currency", "kwd").put("total_excluding_tax", 12_340).put("tax", 0);
        fake.add("invoices", draft, credit, stranger, odd, nothing, kwd);

        SyncReport report = harness.sync(StripeData.source(fake, dir, 100));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        // read 6 customers, 7 subscriptions, 6 invoices; kept cus_1, cus_2, sub_1, sub_2
        assertEquals(new PageCounts(19, 4, 0, 0, 15), report.counts());
        Map<String, String> expected = new java.util.TreeMap<>(Map.ofEntries(
                Map.entry("cus_gone", "customer cus_gone is deleted (\"deleted\": true)"),
                Map.entry("noid@example.com", "customer without an id"),
                Map.entry("cus_undated", "customer cus_undated: created is missing"),
                Map.entry("cus_bad_date", "customer cus_bad_date: created is not a whole number: \"yesterday\""),
                Map.entry("sub_incomplete", "subscription sub_incomplete: status incomplete is no subscription yet"
                        + " (its first payment never succeeded)"),
                Map.entry("sub_nobody", "no customer billing:cus_nobody in the store"),
                Map.entry("sub_one_time", "subscription sub_one_time: price price_once is not recurring (recurring.interval is missing)"),
                Map.entry("sub_no_end", "subscription sub_no_end: status canceled but ended_at is missing"),
                Map.entry("sub_empty", "subscription sub_empty: it has no items"),
                Map.entry("in_draft", "invoice in_draft: status draft is not final yet"),
                Map.entry("in_credit", "invoice in_credit: negative amount on invoice in_credit; a refund is an invoice of kind refund"
                        + " with a positive amount"),
                Map.entry("in_stranger", "no customer billing:cus_nobody in the store"),
                Map.entry("in_odd", "invoice in_odd: unknown status 'deleted' (open, paid, void or uncollectible)"),
                Map.entry("in_nothing", "invoice in_nothing: total_excluding_tax, subtotal and total are all missing"),
                Map.entry("in_kwd", "currency KWD is not the store's currency USD (Vitals keeps every amount in one currency)")));
        Map<String, String> actual = new java.util.TreeMap<>();
        harness.rejects("billing").forEach(r -> {
            var raw = (com.fasterxml.jackson.databind.JsonNode) StripeSubscriptionTest.parse(r.raw());
            actual.put(raw.has("id") ? raw.get("id").asText() : raw.get("email").asText(), r.reason());
        });
        assertEquals(expected, actual);
    }
}
