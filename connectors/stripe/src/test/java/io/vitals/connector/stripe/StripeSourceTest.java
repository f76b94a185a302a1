package io.vitals.connector.stripe;

import static io.vitals.connector.stripe.StripeData.customer;
import static io.vitals.connector.stripe.StripeData.invoice;
import static io.vitals.connector.stripe.StripeData.item;
import static io.vitals.connector.stripe.StripeData.obj;
import static io.vitals.connector.stripe.StripeData.price;
import static io.vitals.connector.stripe.StripeData.subscription;
import static io.vitals.connector.stripe.StripeData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** Paging, cursors, retries and the sync contract, against a Stripe API on 127.0.0.1. */
class StripeSourceTest {

    static final String KEY = "sk_test_51VitalsSecretKey0123456789abcdefXYZ";

    /** A pass begins by asking for the newest event: the events after it are what the next sync follows. */
    static final String NEWEST_EVENT = "/v1/events?limit=1" + java.util.stream.IntStream.range(0, StripeClient.EVENT_TYPES.size())
            .mapToObj(i -> "&types[" + i + "]=" + StripeClient.EVENT_TYPES.get(i)).collect(java.util.stream.Collectors.joining());

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;
    final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "# Stripe\nstripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        fake.close();
    }

    SourceHarness harness(RetryPolicy policy) {
        harness = SourceHarness.in(dir, policy);
        return harness;
    }

    /** A source whose waits between retries are recorded, not slept. */
    StripeSource source(int pageSize) {
        return StripeData.source(fake, dir, pageSize).sleeper(waits::add);
    }

    /**
     * Four customers, four subscriptions (sub_b with a past trial: two spans), three invoices:
     * 11 Stripe objects, 12 records.
     */
    void clean() {
        fake.add("customers", customer("cus_a", "a@example.com", "2025-01-05"), customer("cus_b", "b@example.com", "2025-02-05"),
                customer("cus_c", "c@example.com", "2025-03-05"), customer("cus_d", "d@example.com", "2025-04-05"));
        ObjectNode b = subscription("sub_b", "cus_b", "usd", "2025-02-05", item("si_b", price("price_pro", 120_000L, "usd", "year", 1), 1));
        b.put("trial_start", t("2025-02-05")).put("trial_end", t("2025-02-19"));
        ObjectNode c = subscription("sub_c", "cus_c", "usd", "2025-03-05", item("si_c", price("price_basic", 2_900L, "usd", "month", 1), 1));
        c.put("status", "canceled").put("canceled_at", t("2025-08-01")).put("ended_at", t("2025-08-05"));
        fake.add("subscriptions",
                subscription("sub_a", "cus_a", "usd", "2025-01-05", item("si_a", price("price_basic", 2_900L, "usd", "month", 1), 1)),
                b, c,
                subscription("sub_d", "cus_d", "usd", "2025-04-05", item("si_d", price("price_seat", 1_000L, "usd", "month", 1), 3)));
        ObjectNode in1 = invoice("in_1", "cus_a", "paid", "2026-02-05");
        in1.put("subscription", "sub_a").put("billing_reason", "subscription_cycle").put("total_excluding_tax", 2_900).put("tax", 0);
        ObjectNode in2 = invoice("in_2", "cus_b", "paid", "2025-02-19");
        in2.put("subscription", "sub_b").put("billing_reason", "subscription_cycle").put("total_excluding_tax", 120_000).put("tax", 0);
        ObjectNode in3 = invoice("in_3", "cus_c", "open", "2025-07-05");
        in3.put("total_excluding_tax", 15_000).put("tax", 1_500);
        fake.add("invoices", in1, in2, in3);
    }

    static final PageCounts CLEAN_FIRST = new PageCounts(11, 11, 0, 0, 0); // a subscription with its trial is one row
    static final PageCounts CLEAN_AGAIN = new PageCounts(11, 0, 0, 11, 0);

    Map<String, Long> tables() {
        return Map.of("customers", harness.count("customers"), "subscriptions", harness.count("subscriptions"),
                "invoices", harness.count("invoices"), "customer_attributes", harness.count("customer_attributes"));
    }

    Optional<String> cursor() {
        return harness.store().cursor("billing");
    }

    @Test
    void customersOverSeveralPagesWithEveryField() {
        harness(RetryPolicy.DEFAULT);
        ObjectNode rich = customer("cus_1", "Ada@Example.com", "2025-03-14T09:26:53Z");
        rich.put("name", "Analytical Engines Ltd");
        rich.set("metadata", obj("plan", "pro", "region", "emea", "csm", "grace", "industry", "manufacturing", "seats", "40"));
        rich.set("address", obj("city", "London", "country", "GB", "line1", "12 St James's Square"));
        fake.add("customers", rich);
        for (int i = 2; i <= 7; i++) {
            fake.add("customers", customer("cus_" + i, "c" + i + "@example.com", "2025-0" + i + "-01"));
        }
        fake.add("customers", obj("id", "cus_gone", "object", "customer", "deleted", true));

        List<PageCounts> pages = new ArrayList<>();
        SyncReport report = harness.sync(source(3), (source, page, total) -> pages.add(page), () -> false);

        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(8, 7, 0, 0, 1), report.counts());
        // one commit per API page: customers 3 + 3 + 2 (the deleted one in the last), an empty page of each other list
        assertEquals(List.of(3L, 3L, 2L, 0L, 0L), pages.stream().map(PageCounts::read).toList());
        assertEquals(List.of(NEWEST_EVENT, "/v1/customers?limit=3", "/v1/customers?limit=3&starting_after=cus_3",
                "/v1/customers?limit=3&starting_after=cus_6", "/v1/subscriptions?limit=3&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts",
                "/v1/invoices?limit=3"), fake.requests);
        assertEquals(7, harness.count("customers"));
        Map<String, Object> c = harness.rows("SELECT * FROM customers WHERE external_id = 'cus_1'").get(0);
        assertEquals("billing Analytical Engines Ltd Ada@Example.com 2025-03 pro emea grace manufacturing",
                c.get("source") + " " + c.get("name") + " " + c.get("email") + " " + c.get("cohort") + " " + c.get("plan") + " "
                        + c.get("region") + " " + c.get("csm_owner") + " " + c.get("industry"));
        assertEquals(StripeData.t("2025-03-14T09:26:53Z"), ((Number) c.get("signup_at")).longValue());
        assertEquals(List.of("country=GB", "csm=grace", "industry=manufacturing", "plan=pro", "region=emea", "seats=40"),
                harness.rows("SELECT a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " WHERE c.external_id = 'cus_1' ORDER BY a.name").stream().map(r -> r.get("name") + "=" + r.get("value")).toList());
        assertEquals(List.of("customer cus_gone is deleted (\"deleted\": true)"),
                harness.rejects("billing").stream().map(r -> r.reason()).toList());
        assertEquals(Optional.of("{\"list\":\"done\"}"), cursor());
    }

    @Test
    void syncingTwiceChangesNothing() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport first = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        assertEquals(CLEAN_FIRST, first.counts());
        Map<String, Long> after = tables();
        assertEquals(Map.of("customers", 4L, "subscriptions", 5L, "invoices", 3L, "customer_attributes", 0L), after);
        // every invoice found its customer, the subscription ones their subscription
        assertEquals(List.of("in_1 sub_a", "in_2 sub_b", "in_3 null"), harness.rows("SELECT i.external_id AS inv, s.external_id AS sub"
                + " FROM invoices i LEFT JOIN subscriptions s ON s.id = i.subscription_id ORDER BY 1").stream()
                .map(r -> r.get("inv") + " " + r.get("sub")).toList());

        fake.requests.clear();
        SyncReport second = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        assertEquals(CLEAN_AGAIN, second.counts());
        assertEquals(after, tables());
        // a new pass from the first page of customers, two pages of each list
        assertEquals(List.of(NEWEST_EVENT, "/v1/customers?limit=2", "/v1/customers?limit=2&starting_after=cus_b",
                "/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts",
                "/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts&starting_after=sub_b",
                "/v1/invoices?limit=2", "/v1/invoices?limit=2&starting_after=in_2"), fake.requests);
    }

    @Test
    void aRecordEditedAtStripeIsUpdatedNotDuplicatedAndASubscriptionKeepsItsPast() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source(2)).counts());
        long before = java.time.Instant.now().getEpochSecond();
        fake.replace("customers", customer("cus_b", "b.new@example.com", "2025-02-05"));
        fake.replace("subscriptions", subscription("sub_d", "cus_d", "usd", "2025-04-05",
                item("si_d", price("price_seat", 1_000L, "usd", "month", 1), 4)));
        SyncReport second = harness.sync(source(2));
        assertEquals(new PageCounts(11, 0, 2, 9, 0), second.counts());
        // sub_d's quantity changed: its first span ends when the sync saw it, a second one goes on from there
        assertEquals(Map.of("customers", 4L, "subscriptions", 6L, "invoices", 3L, "customer_attributes", 0L), tables());
        assertEquals("b.new@example.com", harness.value("SELECT email FROM customers WHERE external_id = 'cus_b'"));
        long after = java.time.Instant.now().getEpochSecond();
        List<Map<String, Object>> spans = harness.rows("SELECT external_id, quantity, mrr_cents, started_at, ended_at, changed_by"
                + " FROM subscriptions WHERE subscription_key = 'sub_d' ORDER BY started_at");
        assertEquals(2, spans.size(), spans.toString());
        long changed = ((Number) spans.get(1).get("started_at")).longValue();
        assertTrue(changed >= before && changed <= after, "the change is dated when the sync saw it: " + spans);
        assertEquals("sub_d 3 3000 " + changed, spans.get(0).get("external_id") + " " + spans.get(0).get("quantity") + " "
                + spans.get(0).get("mrr_cents") + " " + spans.get(0).get("ended_at"), "the past as it was, up to the change");
        assertEquals("sub_d@" + changed + " 4 4000 null sync", spans.get(1).get("external_id") + " " + spans.get(1).get("quantity") + " "
                + spans.get(1).get("mrr_cents") + " " + spans.get(1).get("ended_at") + " " + spans.get(1).get("changed_by"));
    }

    @Test
    void aFailureThatOutlastsTheRetriesMidPassResumesWithNothingLostOrDoubled() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
        clean();
        String secondPage = "/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts&starting_after=sub_b";
        fake.fail(secondPage, 503, 2);

        SyncReport failed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("HTTP 503 from " + fake.url() + "/v1/subscriptions after 2 attempts: scripted failure 503", failed.message());
        // committed: both pages of customers and the first of subscriptions (sub_a, and sub_b with its trial)
        assertEquals(new PageCounts(6, 6, 0, 0, 0), failed.counts());
        assertEquals(Map.of("customers", 4L, "subscriptions", 3L, "invoices", 0L, "customer_attributes", 0L), tables());
        // the first pass, so it also rebuilds history from invoices (and says so in its cursor, to go on doing it)
        assertEquals(Optional.of("{\"list\":\"subscriptions\",\"after\":\"sub_b\",\"history\":true}"), cursor());

        fake.requests.clear();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // the rest only: the second page of subscriptions (2 objects, 2 spans) and the invoices (3)
        // customers not read in this sync are asked for their own discount (Stripe applies it when a subscription has none)
        assertEquals(List.of(secondPage, "/v1/invoices?subscription=sub_c&limit=100", "/v1/customers/cus_c",
                "/v1/invoices?subscription=sub_d&limit=100", "/v1/customers/cus_d", "/v1/invoices?limit=2",
                "/v1/invoices?limit=2&starting_after=in_2"), fake.requests);
        assertEquals(new PageCounts(5, 5, 0, 0, 0), resumed.counts());
        assertEquals(Map.of("customers", 4L, "subscriptions", 5L, "invoices", 3L, "customer_attributes", 0L), tables());
        for (String table : List.of("customers", "subscriptions", "invoices")) {
            assertEquals(harness.count(table), ((Number) harness.value("SELECT count(DISTINCT external_id) FROM " + table)).longValue());
        }
        assertEquals(Optional.of("{\"list\":\"done\"}"), cursor());

        // and the next sync is a whole new pass in which nothing changed
        assertEquals(CLEAN_AGAIN, harness.sync(source(2)).counts());
    }

    @Test
    void aCursorWhoseObjectWasDeletedSinceRestartsItsList() {
        harness(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5)));
        clean();
        fake.fail("starting_after=sub_b", 503, 1);
        assertEquals(SyncReport.Outcome.FAILED, harness.sync(source(2)).outcome());
        fake.remove("subscriptions", "sub_b");

        fake.requests.clear();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // Stripe answers 400 for a starting_after it no longer knows: subscriptions again from their start
        assertEquals(List.of("/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts&starting_after=sub_b",
                "/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts",
                // still the first pass: each subscription's invoices for its history; customers not read in this sync
                // are asked for their own discount (Stripe's: when a subscription has none)
                "/v1/invoices?subscription=sub_a&limit=100", "/v1/customers/cus_a", "/v1/invoices?subscription=sub_c&limit=100",
                "/v1/customers/cus_c",
                "/v1/subscriptions?limit=2&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts&starting_after=sub_c",
                "/v1/invoices?subscription=sub_d&limit=100", "/v1/customers/cus_d", "/v1/invoices?limit=2",
                "/v1/invoices?limit=2&starting_after=in_2"), fake.requests);
        // sub_a again (unchanged), sub_c and sub_d new, three invoices new
        assertEquals(new PageCounts(6, 5, 0, 1, 0), resumed.counts());
        assertEquals(5, harness.count("subscriptions"));
    }

    @Test
    void aServerErrorOnOnePageIsRetried() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.fail("/v1/customers?limit=2&starting_after=cus_b", 500, 1);
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(2, fake.requests("/v1/customers?limit=2&starting_after=cus_b").size());
        assertEquals(List.of(Duration.ofMillis(1)), waits); // the policy's first backoff
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(30)));
        clean();
        fake.fail("/v1/invoices?limit=2&starting_after=in_2", 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits); // Retry-After, not the 1 ms backoff
    }

    @Test
    void aRateLimitReallyWaitsWithTheEnginesOwnSleeper() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(5)));
        clean();
        fake.fail("/v1/customers?limit=2", 429, 1, Map.of("Retry-After", "1"));
        long started = System.nanoTime();
        SyncReport report = harness.sync(StripeData.source(fake, dir, 2));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(CLEAN_FIRST, report.counts());
        assertTrue(tookMillis >= 1_000, "waited " + tookMillis + " ms");
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(2), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), stopped.counts());
        assertEquals(Optional.of("{\"list\":\"customers\",\"after\":\"cus_b\",\"history\":true}"), cursor());
        SyncReport rest = harness.sync(source(2));
        assertEquals(new PageCounts(9, 9, 0, 0, 0), rest.counts());
        assertEquals(Map.of("customers", 4L, "subscriptions", 5L, "invoices", 3L, "customer_attributes", 0L), tables());
    }

    @Test
    void onlyTheConfiguredListsAreRead() {
        harness(RetryPolicy.DEFAULT);
        clean();
        StripeSource customersOnly = new StripeSource(StripeData.config(Map.of("id", "billing", "apiKey", "file:secrets.properties#stripe",
                "baseUrl", fake.url(), "objects", "invoices, customers")), dir);
        SyncReport report = harness.sync(customersOnly);
        // customers before invoices whatever the order configured
        assertEquals(List.of(NEWEST_EVENT, "/v1/customers?limit=100", "/v1/invoices?limit=100"), fake.requests);
        assertEquals(new PageCounts(7, 7, 0, 0, 0), report.counts());
        // in_1 and in_2 name subscriptions this source did not read: kept without the link
        assertEquals(0L, ((Number) harness.value("SELECT count(*) FROM invoices WHERE subscription_id IS NOT NULL")).longValue());
        assertEquals(0, harness.count("subscriptions"));
        assertEquals(Optional.of("{\"list\":\"done\"}"), cursor());
    }
}
