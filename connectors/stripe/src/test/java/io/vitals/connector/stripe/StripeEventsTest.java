package io.vitals.connector.stripe;

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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

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
 * After a complete pass, a sync follows Stripe's events, each at its own moment: a quantity raised, a
 * customer discount that came, a subscription canceled and a customer deleted become the subscriptions'
 * history as it happened, not as the next sync saw it; a restart mid-way resumes at the last page; events
 * older than Stripe keeps send the sync back to reading every list.
 */
class StripeEventsTest {

    static final String KEY = "sk_test_51EventsKeyForTestsOnly0123456789abcdef";

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "stripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
        harness = SourceHarness.in(dir, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5)));
        fake.add("customers", customer("cus_a", "a@example.com", "2025-01-05"), customer("cus_d", "d@example.com", "2025-04-05"));
        fake.add("subscriptions",
                subscription("sub_a", "cus_a", "usd", "2025-01-05", item("si_a", price("price_basic", 2_900L, "usd", "month", 1), 1)),
                subscription("sub_d", "cus_d", "usd", "2025-04-05", item("si_d", price("price_seat", 1_000L, "usd", "month", 1), 3)));
        // an event from before the first sync: where following begins
        fake.event("evt_0", "customer.updated", t("2025-12-01"), customer("cus_a", "a@example.com", "2025-01-05"), null);
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    StripeSource source(String now) {
        return StripeData.source(fake, dir, 2).clock(Clock.fixed(Instant.parse(now + "T00:00:00Z"), ZoneOffset.UTC));
    }

    Optional<String> cursor() {
        return harness.store().cursor("billing");
    }

    List<String> spans(String key) {
        return harness.rows("SELECT external_id, quantity, amount_cents, mrr_cents, started_at, ended_at, status, changed_by FROM subscriptions"
                + " WHERE subscription_key = '" + key + "' ORDER BY started_at").stream()
                .map(r -> r.get("external_id") + " x" + r.get("quantity") + " " + r.get("mrr_cents") + " " + day(r.get("started_at")) + ".."
                        + day(r.get("ended_at")) + " " + r.get("status") + " " + r.get("changed_by")).toList();
    }

    static String day(Object epoch) {
        return epoch == null ? "" : Instant.ofEpochSecond(((Number) epoch).longValue()).toString().substring(0, 10);
    }

    /** Four events after evt_0, oldest first: a quantity raised, a discount, a cancellation, a deleted customer. */
    void history() {
        ObjectNode five = subscription("sub_d", "cus_d", "usd", "2025-04-05", item("si_d", price("price_seat", 1_000L, "usd", "month", 1), 5));
        fake.event("evt_1", "customer.subscription.updated", t("2026-01-10"), five,
                obj("items", obj("data", StripeData.arr(item("si_d", price("price_seat", 1_000L, "usd", "month", 1), 3)))));
        fake.replace("subscriptions", five);
        ObjectNode tenOff = discount("di_a", coupon("LOYAL", 10.0, null, null), "2026-01-20", null);
        tenOff.put("customer", "cus_a");
        fake.event("evt_2", "customer.discount.created", t("2026-01-20"), tenOff, null);
        fake.replace("customers", (ObjectNode) customer("cus_a", "a@example.com", "2025-01-05").set("discount", tenOff));
        ObjectNode canceled = subscription("sub_a", "cus_a", "usd", "2025-01-05", item("si_a", price("price_basic", 2_900L, "usd", "month", 1), 1));
        canceled.put("status", "canceled").put("canceled_at", t("2026-02-01")).put("ended_at", t("2026-02-01"));
        fake.event("evt_3", "customer.subscription.deleted", t("2026-02-01"), canceled, null);
        fake.replace("subscriptions", canceled);
        ObjectNode gone = obj("id", "cus_d", "object", "customer", "deleted", true);
        fake.event("evt_4", "customer.deleted", t("2026-02-15"), gone, null);
        // deleting a customer cancels its subscriptions at Stripe
        fake.replace("subscriptions", (ObjectNode) five.deepCopy().put("status", "canceled").put("canceled_at", t("2026-02-15"))
                .put("ended_at", t("2026-02-15")));
    }

    @Test
    void afterAFullPassTheEventsBecomeHistoryAtTheirOwnMoments() {
        SyncReport first = harness.sync(source("2025-12-15"));
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        assertEquals(Optional.of("{\"list\":\"done\",\"events\":\"evt_0\"}"), cursor());

        history();
        fake.requests.clear();
        SyncReport second = harness.sync(source("2026-03-01"));
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        // no list read again: the events after evt_0, two a page, oldest first; a customer's own discount when the
        // subscription has none, and the subscriptions of the customer whose discount came
        List<String> asked = fake.requests.stream().map(r -> r.replaceAll("&types\\[\\d+]=[a-z._]+", "")).toList();
        assertEquals(List.of("/v1/events?limit=2&ending_before=evt_0", "/v1/customers/cus_d",
                "/v1/subscriptions?customer=cus_a&limit=100&status=all&expand[0]=data.discounts&expand[1]=data.items.data.discounts",
                "/v1/events?limit=2&ending_before=evt_2"), asked);
        assertEquals(Optional.of("{\"list\":\"done\",\"events\":\"evt_4\"}"), cursor());

        // three seats until the raise on 01-10, five from then until its customer was deleted on 02-15
        assertEquals(List.of("sub_d x3 3000 2025-04-05..2026-01-10 active null",
                "sub_d@" + t("2026-01-10") + " x5 5000 2026-01-10..2026-02-15 deleted source"), spans("sub_d"));
        // 29.00 until the customer's 10 % came on 01-20, 26.10 until the cancellation on 02-01
        assertEquals(List.of("sub_a x1 2900 2025-01-05..2026-01-20 active null",
                "sub_a@" + t("2026-01-20") + " x1 2610 2026-01-20..2026-02-01 canceled source"), spans("sub_a"));
        assertEquals(t("2026-02-15"), ((Number) harness.value("SELECT deleted_at FROM customers WHERE external_id = 'cus_d'")).longValue());

        // MRR at the end of each month, as it happened: 5,900 (Dec), 2,610 + 5,000 (Jan), 0 (Feb)
        assertEquals(2_900 + 3_000, mrrAt("2026-01-01"));
        assertEquals(2_610 + 5_000, mrrAt("2026-02-01"));
        assertEquals(0, mrrAt("2026-03-01"));

        // nothing new: one request, nothing written
        fake.requests.clear();
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(source("2026-03-02")).counts());
        assertEquals(1, fake.requests.size(), fake.requests.toString());
    }

    long mrrAt(String day) {
        long b = t(day);
        return ((Number) harness.value("SELECT coalesce(sum(mrr_cents), 0) FROM subscriptions WHERE mrr_cents > 0 AND started_at < " + b
                + " AND (ended_at IS NULL OR ended_at >= " + b + ")")).longValue();
    }

    @Test
    void aRestartMidWayResumesAtTheLastCommittedPageAndOldEventsSendTheSyncBackToTheLists() {
        assertEquals(SyncReport.Outcome.COMPLETE, harness.sync(source("2025-12-15")).outcome());
        history();
        fake.fail("ending_before=evt_2", 503, 1);
        SyncReport failed = harness.sync(source("2026-03-01"));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals(Optional.of("{\"list\":\"done\",\"events\":\"evt_2\"}"), cursor(), "the first page of events committed");
        SyncReport resumed = harness.sync(source("2026-03-01"));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of("sub_d x3 3000 2025-04-05..2026-01-10 active null",
                "sub_d@" + t("2026-01-10") + " x5 5000 2026-01-10..2026-02-15 deleted source"), spans("sub_d"));

        // Stripe keeps 30 days of events: once the cursor's event is gone, every list again
        fake.lists.get("events").clear();
        fake.event("evt_9", "customer.updated", t("2026-04-01"), customer("cus_a", "a@example.com", "2025-01-05"), null);
        fake.requests.clear();
        SyncReport again = harness.sync(source("2026-04-02"));
        assertEquals(SyncReport.Outcome.COMPLETE, again.outcome(), again.message());
        assertTrue(fake.requests.stream().anyMatch(r -> r.startsWith("/v1/customers?limit=2")), fake.requests.toString());
        assertEquals(Optional.of("{\"list\":\"done\",\"events\":\"evt_9\"}"), cursor());
        // history stays; Stripe's word for it now is canceled
        assertEquals(List.of("sub_d x3 3000 2025-04-05..2026-01-10 active null",
                "sub_d@" + t("2026-01-10") + " x5 5000 2026-01-10..2026-02-15 canceled source"), spans("sub_d"));
    }
}
