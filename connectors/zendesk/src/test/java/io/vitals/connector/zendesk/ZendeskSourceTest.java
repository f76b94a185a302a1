package io.vitals.connector.zendesk;

import static io.vitals.connector.zendesk.ZendeskData.after;
import static io.vitals.connector.zendesk.ZendeskData.metrics;
import static io.vitals.connector.zendesk.ZendeskData.organization;
import static io.vitals.connector.zendesk.ZendeskData.fields;
import static io.vitals.connector.zendesk.ZendeskData.rating;
import static io.vitals.connector.zendesk.ZendeskData.t;
import static io.vitals.connector.zendesk.ZendeskData.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
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

/** How a sync walks Zendesk's exports: paging, the cursor between syncs, failures, rate limits, the pace, start times. */
class ZendeskSourceTest {

    static final String ORGS = FakeZendesk.ORGANIZATIONS;
    static final String TICKETS = FakeZendesk.TICKETS;
    static final String INCLUDE = "&include=metric_sets,users&per_page=2";
    static final long ORG_1 = t("2026-01-01T00:00:00Z");
    static final long ORG_2 = t("2026-01-02T00:00:00Z");
    static final long ORG_3 = t("2026-01-03T00:00:00Z");
    static final String AFTER_37 = after(t("2026-02-06T08:00:00Z"), 35437);
    static final String AFTER_39 = after(t("2026-04-01T12:00:00Z"), 35439);
    static final String AFTER_40 = after(t("2026-05-06T00:00:00Z"), 35440);

    /** The first sync of the clean data with pages of 2: organizations 2 + 2 (Globex twice: the time-based export
     * starts its second page at the first's end_time), tickets 2 + 2 + 1; 3 customers, 5 tickets, 2 CSAT answers. */
    static final PageCounts CLEAN_FIRST = new PageCounts(9, 10, 0, 1, 0);
    static final List<String> CLEAN_REQUESTS = List.of(
            ORGS + "?start_time=0&per_page=2",
            ORGS + "?start_time=" + ORG_2 + "&per_page=2",
            TICKETS + "?start_time=" + ZendeskData.START_EPOCH + INCLUDE,
            TICKETS + "?cursor=" + AFTER_37 + INCLUDE,
            TICKETS + "?cursor=" + AFTER_39 + INCLUDE);
    static final String CLEAN_CURSOR = "{\"organizations\":" + ORG_3 + ",\"tickets\":\"" + AFTER_40 + "\"}";

    @TempDir
    Path dir;
    FakeZendesk fake;
    SourceHarness harness;
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "zendesk=" + ZendeskData.TOKEN + "\n");
        fake = new FakeZendesk(FakeZendesk.basic(ZendeskData.EMAIL, ZendeskData.TOKEN), ZendeskData.CLOCK);
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

    /** The source with pages of 2, unpaced; waits are recorded, not slept. */
    ZendeskSource source(Object... more) {
        Object[] all = new Object[more.length + 6];
        System.arraycopy(new Object[] {"planField", "plan", "regionField", "region", "attributes", "seats,tier"}, 0, all, 0, 6);
        System.arraycopy(more, 0, all, 6, more.length);
        return ZendeskData.source(fake, dir, 2, all).sleeper(waits::add);
    }

    Map<String, Long> tables() {
        return Map.of("customers", harness.count("customers"), "tickets", harness.count("tickets"),
                "survey_responses", harness.count("survey_responses"), "customer_attributes", harness.count("customer_attributes"));
    }

    static final Map<String, Long> CLEAN_TABLES = Map.of("customers", 3L, "tickets", 5L, "survey_responses", 2L,
            "customer_attributes", 3L);

    Optional<String> cursor() {
        return harness.store().cursor("support");
    }

    @Test
    void aFirstSyncPagesThroughBothExportsToTheEndOfTheStream() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        List<PageCounts> pages = new ArrayList<>();
        SyncReport report = harness.sync(source(), (source, page, total) -> pages.add(page), () -> false);

        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        // one commit per export page: organizations first, so the tickets find them
        assertEquals(List.of(2L, 2L, 2L, 2L, 1L), pages.stream().map(PageCounts::read).toList());
        assertEquals(CLEAN_REQUESTS, fake.log());
        assertEquals(CLEAN_TABLES, tables());
        assertEquals(List.of(), harness.rejects("support"));
        // the next sync goes on from the organizations' last end_time and the tickets' last after_cursor
        assertEquals(Optional.of(CLEAN_CURSOR), cursor());
        // every request signed in with the API token
        assertTrue(fake.api.requests().stream().allMatch(r -> FakeZendesk.basic(ZendeskData.EMAIL, ZendeskData.TOKEN)
                .equals(r.header("Authorization"))));
    }

    @Test
    void syncingTwiceChangesNothing() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        int sent = fake.log().size();

        SyncReport second = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        // only what changed since: Initech again (changed at the last end_time), no ticket
        assertEquals(new PageCounts(1, 0, 0, 1, 0), second.counts());
        assertEquals(List.of(ORGS + "?start_time=" + ORG_3 + "&per_page=2", TICKETS + "?cursor=" + AFTER_40 + INCLUDE),
                fake.log().subList(sent, fake.log().size()));
        assertEquals(CLEAN_TABLES, tables());
        assertEquals(Optional.of(CLEAN_CURSOR), cursor());

        // and reading everything again from the start (connector:sync --full) changes nothing either
        harness.store().resetCursor("support");
        SyncReport full = harness.sync(source());
        assertEquals(new PageCounts(9, 0, 0, 11, 0), full.counts());
        assertEquals(CLEAN_TABLES, tables());
        assertEquals(Optional.of(CLEAN_CURSOR), cursor());
    }

    @Test
    void aTicketUpdatedLaterIsUpdatedNotDuplicated() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());

        // 35438 is answered again and solved, then rated; Globex moves to the enterprise plan
        ObjectNode t38 = ticket(35438, "2026-03-03T09:30:00Z", "2026-06-10T16:00:00Z", "solved", "urgent", "chat",
                ZendeskData.ACME, 9001);
        t38.set("satisfaction_rating", rating(79, "good", null));
        fake.ticket(t38, metrics(35438, "2026-03-03T09:30:00Z", 15, "2026-06-10T15:00:00Z", 0, 2));
        fake.organization(organization(ZendeskData.GLOBEX, "Globex", "2024-06-15T00:00:00Z", "2026-06-01T00:00:00Z",
                fields("plan", "enterprise", "region", "NA", "seats", 5, "tier", null, "crm_id", "001B")));

        SyncReport second = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        // Initech (unchanged), Globex (updated), 35438 (updated) and its new rating (inserted)
        assertEquals(new PageCounts(3, 1, 2, 1, 0), second.counts());
        assertEquals(Map.of("customers", 3L, "tickets", 5L, "survey_responses", 3L, "customer_attributes", 3L), tables());
        assertEquals(List.of("solved " + t("2026-06-10T15:00:00Z") + " 2"), harness.rows("SELECT status, resolved_at, agent_replies"
                + " FROM tickets WHERE external_id = '35438'").stream()
                .map(r -> r.get("status") + " " + r.get("resolved_at") + " " + r.get("agent_replies")).toList());
        assertEquals("enterprise", harness.value("SELECT plan FROM customers WHERE external_id = '5002'"));
        assertEquals(Optional.of("{\"organizations\":" + t("2026-06-01T00:00:00Z") + ",\"tickets\":\""
                + after(t("2026-06-10T16:00:00Z"), 35438) + "\"}"), cursor());
    }

    @Test
    void aSyncThatDiesMidStreamResumesAtTheNextPageWithNothingLostOrDoubled() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        // commits: organizations 1 and 2, tickets page 1, then the crash before tickets page 2 commits
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(), 4));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 4", failed.message());
        assertEquals(new PageCounts(6, 7, 0, 1, 0), failed.counts());
        assertEquals(Map.of("customers", 3L, "tickets", 2L, "survey_responses", 2L, "customer_attributes", 3L), tables());
        assertEquals(Optional.of("{\"organizations\":" + ORG_3 + ",\"tickets\":\"" + AFTER_37 + "\"}"), cursor());

        int sent = fake.log().size();
        SyncReport resumed = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of(ORGS + "?start_time=" + ORG_3 + "&per_page=2", TICKETS + "?cursor=" + AFTER_37 + INCLUDE,
                TICKETS + "?cursor=" + AFTER_39 + INCLUDE), fake.log().subList(sent, fake.log().size()));
        // Initech again (unchanged), then the three tickets not committed before
        assertEquals(new PageCounts(4, 3, 0, 1, 0), resumed.counts());
        assertEquals(CLEAN_TABLES, tables());
        for (String table : List.of("customers", "tickets", "survey_responses")) {
            assertEquals(harness.count(table), ((Number) harness.value("SELECT count(DISTINCT external_id) FROM " + table)).longValue());
        }
        assertEquals(Optional.of(CLEAN_CURSOR), cursor());
    }

    @Test
    void aFailureThatOutlastsTheRetriesFailsWithTheReasonAndTheNextSyncGoesOn() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
        ZendeskData.clean(fake);
        fake.api.failNext(TICKETS, 503, 2, Map.of());

        SyncReport failed = harness.sync(source());
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("HTTP 503 from " + fake.url() + TICKETS + " after 2 attempts: scripted failure 503", failed.message());
        // the organizations were committed; the tickets' first start time is kept for the next sync
        assertEquals(new PageCounts(4, 3, 0, 1, 0), failed.counts());
        assertEquals(Map.of("customers", 3L, "tickets", 0L, "survey_responses", 0L, "customer_attributes", 3L), tables());
        assertEquals(Optional.of("{\"organizations\":" + ORG_3 + ",\"ticketsStart\":" + ZendeskData.START_EPOCH + "}"), cursor());

        SyncReport resumed = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(new PageCounts(6, 7, 0, 1, 0), resumed.counts());
        assertEquals(CLEAN_TABLES, tables());
        assertEquals(Optional.of(CLEAN_CURSOR), cursor());
    }

    @Test
    void aServerErrorIsAnsweredThenRecovered() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        ZendeskData.clean(fake);
        fake.api.failNext(ORGS, 500, 1, Map.of());
        SyncReport report = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(6, fake.log().size());
        assertEquals(ORGS + "?start_time=0&per_page=2", fake.log().get(0));
        assertEquals(ORGS + "?start_time=0&per_page=2", fake.log().get(1));
        assertEquals(List.of(Duration.ofMillis(1)), waits); // the policy's first backoff
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(60)));
        ZendeskData.clean(fake);
        fake.api.failNext(TICKETS, 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits); // Retry-After, not the 1 ms backoff
        assertEquals(4, fake.requests(TICKETS).size());
    }

    @Test
    void exportRequestsArePacedAtTheConfiguredRate() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        // Zendesk's 10 a minute by default: one request every 6 seconds
        assertEquals(10, ZendeskData.source(fake, dir, 2, "exportRequestsPerMinute", null).exportRequestsPerMinute());
        SyncReport report = harness.sync(source("exportRequestsPerMinute", 10));
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(5, fake.log().size());
        // the recording sleeper does not sleep, so each request after the first is asked to wait (nearly) the whole 6 s,
        // less however long the request before it took
        assertEquals(4, waits.size(), waits.toString());
        for (Duration w : waits) {
            assertTrue(w.compareTo(Duration.ofSeconds(4)) > 0 && w.compareTo(Duration.ofSeconds(6)) <= 0, waits.toString());
        }

        // 30 a minute (the High Volume add-on): 2 s apart
        waits.clear();
        harness.store().resetCursor("support");
        harness.sync(source("exportRequestsPerMinute", 30));
        assertEquals(4, waits.size(), waits.toString());
        for (Duration w : waits) {
            assertTrue(w.compareTo(Duration.ofSeconds(1)) > 0 && w.compareTo(Duration.ofSeconds(2)) <= 0, waits.toString());
        }
    }

    @Test
    void thePaceReallySpacesTheRequests() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        long started = System.nanoTime();
        // the engine's own sleeper; 600 a minute is 100 ms apart, so 5 requests take at least 4 x 100 ms
        SyncReport report = harness.sync(ZendeskData.source(fake, dir, 2, "exportRequestsPerMinute", 600));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(CLEAN_FIRST, report.counts());
        assertTrue(tookMillis >= 380, "took " + tookMillis + " ms");
    }

    @Test
    void aStartTimeInsideTheExcludedMinuteIsClampedBeforeItIsSent() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        long clamped = ZendeskData.NOW.getEpochSecond() - 70; // the minute Zendesk refuses, and 10 s more
        for (String start : List.of("2026-11-23T11:59:30Z", "2027-01-01")) {
            harness.store().resetCursor("support");
            int sent = fake.log().size();
            SyncReport report = harness.sync(source("startTime", start));
            assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
            assertEquals(TICKETS + "?start_time=" + clamped + INCLUDE, fake.log().get(sent + 2));
            // nothing changed since then
            assertEquals(Optional.of("{\"organizations\":" + ORG_3 + ",\"tickets\":\"" + after(clamped, 0) + "\"}"), cursor());
        }
        // the organizations' end_time is never inside the minute either
        assertEquals(clamped, ZendeskClient.clamp(ZendeskData.NOW.getEpochSecond(), ZendeskData.NOW));
        assertEquals(ORG_3, ZendeskClient.clamp(ORG_3, ZendeskData.NOW));
    }

    @Test
    void zendeskRefusesAStartTimeLessThanAMinuteOldAndTheSyncSaysWhy() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        // a machine whose clock is 5 minutes ahead of Zendesk's: its clamped start is still in Zendesk's future
        ZendeskSource ahead = source("startTime", "2027-01-01").clock(Clock.offset(ZendeskData.CLOCK, Duration.ofMinutes(5)));
        SyncReport report = harness.sync(ahead);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 400 from " + fake.url() + TICKETS + ": start_time is too recent: use a start_time at least one"
                + " minute in the past (InvalidValue)", report.message());
        assertEquals(1, fake.requests(TICKETS).size()); // a 400 is not retried
    }

    @Test
    void withoutAStartTimeTheFirstSyncReadsTheLast365DaysAndKeepsThatStartUntilItGotTickets() {
        harness(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)));
        ZendeskData.clean(fake);
        long yearAgo = ZendeskData.NOW.minus(Duration.ofDays(365)).getEpochSecond();
        fake.api.failNext(TICKETS, 500, 1, Map.of());
        assertEquals(SyncReport.Outcome.FAILED, harness.sync(source("startTime", null)).outcome());
        assertEquals(TICKETS + "?start_time=" + yearAgo + INCLUDE, fake.log().get(2));
        assertEquals(Optional.of("{\"organizations\":" + ORG_3 + ",\"ticketsStart\":" + yearAgo + "}"), cursor());

        // a day later, the same start: the first sync's
        ZendeskSource dayLater = source("startTime", null).clock(Clock.fixed(ZendeskData.NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));
        SyncReport report = harness.sync(dayLater);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(TICKETS + "?start_time=" + yearAgo + INCLUDE, fake.log().get(4));
        assertEquals(CLEAN_TABLES, tables());
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(), (source, page, total) -> stop.set(page.read() > 0 && total.read() >= 6),
                stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(6, 7, 0, 1, 0), stopped.counts());
        assertEquals(Optional.of("{\"organizations\":" + ORG_3 + ",\"tickets\":\"" + AFTER_37 + "\"}"), cursor());
        SyncReport rest = harness.sync(source());
        assertEquals(new PageCounts(4, 3, 0, 1, 0), rest.counts());
        assertEquals(CLEAN_TABLES, tables());
    }

    @Test
    void organizationsAreNotReadWhenTheCustomersAreAnotherSources() {
        harness(RetryPolicy.DEFAULT);
        ZendeskData.clean(fake);
        SyncReport report = harness.sync(source("customerSource", "crm", "organizationField", "crm_id"));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(List.of(), fake.requests(ORGS));
        assertEquals(TICKETS + "?start_time=" + ZendeskData.START_EPOCH + "&include=metric_sets,users,organizations&per_page=2",
                fake.log().get(0));
        assertEquals(new PageCounts(5, 7, 0, 0, 0), report.counts());
        assertEquals(0, harness.count("customers"));
        assertEquals(Optional.of("{\"tickets\":\"" + AFTER_40 + "\"}"), cursor());
    }
}
