package io.vitals.connector.delighted;

import static io.vitals.connector.delighted.DelightedData.T0;
import static io.vitals.connector.delighted.DelightedData.customer;
import static io.vitals.connector.delighted.FakeDelighted.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

/** Paging along updated_at, cursors, retries and the sync contract, against Delighted's API on 127.0.0.1. */
class DelightedSourceTest {

    static final String KEY = "dlgtd_7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e";
    static final String FIRST = "per_page=3&page=1&order=asc:updated_at&expand[]=person";

    @TempDir
    Path dir;
    FakeDelighted fake;
    SourceHarness harness;
    final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "delighted=" + KEY + "\n");
        fake = new FakeDelighted(KEY);
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
    DelightedSource source(int pageSize, Object... more) {
        return DelightedData.source(fake, dir, pageSize, more).sleeper(waits::add);
    }

    static String since(long t) {
        return "per_page=3&page=1&order=asc:updated_at&updated_since=" + t + "&expand[]=person";
    }

    /**
     * Two customers of hubspot-main; five responses: r1 matched by its customer_id property, r2 by
     * e-mail (another case), r3 by nobody, r4 by an id nobody has and no e-mail (an SMS respondent),
     * r5 by its id although its e-mail is another customer's.
     */
    void clean() {
        DelightedData.customers(harness, "hubspot-main", customer("hubspot-main", "001A", "ana@acme.com"),
                customer("hubspot-main", "001B", "BO@globex.com"));
        fake.person("p1", "ana@acme.com", "Ana").person("p2", "bo@globex.com", "Bo").person("p3", "cy@nowhere.org", "Cy")
                .person("p4", null, "Di");
        fake.add(response("r1", "p1", "nps", 9, "Great", T0 + 100, T0 + 100, "customer_id", "001A", "plan", "pro"),
                response("r2", "p2", "csat", 4, null, T0 + 200, T0 + 200),
                response("r3", "p3", "ces", 6, "Easy enough", T0 + 300, T0 + 300),
                response("r4", "p4", "5star", 5, null, T0 + 400, T0 + 400, "customer_id", "009Z"),
                response("r5", "p1", "smileys", 2, "Meh", T0 + 500, T0 + 500, "customer_id", "001B"));
    }

    Optional<String> cursor() {
        return harness.store().cursor("nps");
    }

    long count() {
        return harness.count("survey_responses");
    }

    @Test
    void aFirstSyncPagesToTheEndAndLandsEveryResponse() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        // each request starts at the newest updated_at committed; the boundary response comes again and is not counted
        assertEquals(List.of(FIRST, since(T0 + 300), since(T0 + 500)), fake.queries());
        assertEquals(Optional.of("{\"updatedSince\":" + (T0 + 500) + ",\"seen\":[\"r5\"]}"), cursor());
        List<Map<String, Object>> rows = DelightedData.rows(harness, "SELECT r.external_id, c.external_id AS customer, r.respondent_email,"
                + " r.survey_type, r.score, r.scale_min, r.scale_max, r.answered_at, r.comment FROM survey_responses r"
                + " LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.external_id");
        assertEquals(List.of(
                row("r1", "001A", "ana@acme.com", "nps", 9, 0, 10, T0 + 100, "Great"),
                row("r2", "001B", "bo@globex.com", "csat", 4, 1, 5, T0 + 200, null),
                row("r3", null, "cy@nowhere.org", "ces", 6, 1, 7, T0 + 300, "Easy enough"),
                row("r4", null, null, "csat", 5, 1, 5, T0 + 400, null),
                row("r5", "001B", "ana@acme.com", "csat", 2, 1, 5, T0 + 500, "Meh")), rows);
        // the key went as HTTP Basic user name with an empty password (the fake answers 401 otherwise)
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString((KEY + ":").getBytes()),
                fake.requests().get(0).header("Authorization"));
    }

    static Map<String, Object> row(String id, String customer, String email, String type, int score, int min, int max, long at,
            String comment) {
        Map<String, Object> m = new HashMap<>();
        m.put("external_id", id);
        m.put("customer", customer);
        m.put("respondent_email", email);
        m.put("survey_type", type);
        m.put("score", (long) score);
        m.put("scale_min", (long) min);
        m.put("scale_max", (long) max);
        m.put("answered_at", at);
        m.put("comment", comment);
        return m;
    }

    @Test
    void syncingTwiceChangesNothing() {
        harness(RetryPolicy.DEFAULT);
        clean();
        harness.sync(source(3));
        Map<String, Long> tables = harness.store().counts();
        SyncReport again = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.COMPLETE, again.outcome(), again.message());
        // one request: the boundary response only, recognised as committed
        assertEquals(new PageCounts(0, 0, 0, 0, 0), again.counts());
        assertEquals(since(T0 + 500), fake.queries().get(fake.queries().size() - 1));
        assertEquals(tables, harness.store().counts());
        // everything again (connector:sync --full): all read, all unchanged
        harness.store().resetCursor("nps");
        SyncReport full = harness.sync(source(3));
        assertEquals(new PageCounts(5, 0, 0, 5, 0), full.counts());
        assertEquals(tables, harness.store().counts());
    }

    @Test
    void aResponseEditedAtDelightedIsUpdatedNotDoubled() {
        harness(RetryPolicy.DEFAULT);
        clean();
        harness.sync(source(3));
        ObjectNode r2 = fake.get("r2");
        r2.put("comment", "Support sorted it out").put("score", 5).put("updated_at", T0 + 9_000);
        fake.replace(r2);
        SyncReport report = harness.sync(source(3));
        assertEquals(new PageCounts(1, 0, 1, 0, 0), report.counts());
        assertEquals(5, count());
        assertEquals(List.of(Map.of("score", 5L, "comment", "Support sorted it out")),
                DelightedData.rows(harness, "SELECT score, comment FROM survey_responses WHERE external_id = 'r2'"));
        assertEquals(Optional.of("{\"updatedSince\":" + (T0 + 9_000) + ",\"seen\":[\"r2\"]}"), cursor());
    }

    @Test
    void aResponseEditedWhileTheSyncPagesIsNeitherSkippedNorStale() {
        harness(RetryPolicy.DEFAULT);
        clean();
        // page numbers over asc:updated_at would now skip r3: r1 moves to the end, r3 slides onto page 1
        fake.beforeRequest(2, f -> {
            ObjectNode r1 = f.get("r1");
            r1.put("comment", "Great, and the new export too").put("updated_at", T0 + 700);
            f.replace(r1);
        });
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(6, 5, 1, 0, 0), report.counts());
        assertEquals(5, count());
        assertEquals("Great, and the new export too", harness.value("SELECT comment FROM survey_responses WHERE external_id = 'r1'"));
    }

    @Test
    void resumesAfterAFailureMidSyncWithoutLosingOrDoubling() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(3), 2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 2", failed.message());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), failed.counts());
        assertEquals(3, count());
        assertEquals(Optional.of("{\"updatedSince\":" + (T0 + 300) + ",\"seen\":[\"r3\"]}"), cursor());

        SyncReport resumed = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), resumed.counts());
        assertEquals(5, count());
        assertEquals(List.of(FIRST, since(T0 + 300), since(T0 + 300), since(T0 + 500)), fake.queries());
    }

    @Test
    void moreThanAPageInOneSecondMovesOnByPageNumber() {
        harness(RetryPolicy.DEFAULT);
        fake.person("p1", "ana@acme.com", "Ana");
        for (int i = 1; i <= 5; i++) {
            fake.add(response("s" + i, "p1", "nps", 10 - i, null, T0 + i, T0 + 50)); // all edited in one bulk update
        }
        SyncReport report = harness.sync(source(2));
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of("per_page=2&page=1&order=asc:updated_at&expand[]=person",
                "per_page=2&page=2&order=asc:updated_at&updated_since=" + (T0 + 50) + "&expand[]=person",
                "per_page=2&page=3&order=asc:updated_at&updated_since=" + (T0 + 50) + "&expand[]=person"), fake.queries());
        SyncReport again = harness.sync(source(2));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), again.counts());
        assertEquals(5, count());
    }

    @Test
    void aServerErrorIsRetried() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.failRequest(2, 500);
        SyncReport report = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of(FIRST, since(T0 + 300), since(T0 + 300), since(T0 + 500)), fake.queries());
        assertEquals(List.of(Duration.ofMillis(1)), waits); // the policy's first backoff
    }

    @Test
    void serverErrorsBeyondTheRetriesFailWithTheReasonAndKeepWhatWasCommitted() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.failRequest(2, 503);
        fake.failRequest(3, 503);
        SyncReport report = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 503 from " + fake.url() + "/v1/survey_responses.json after 2 attempts: Service Unavailable",
                report.message());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), report.counts());
        SyncReport resumed = harness.sync(source(3));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), resumed.counts());
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(30)));
        clean();
        fake.api.failNext(FakeDelighted.PATH, 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits); // Retry-After, not the 1 ms backoff
        assertEquals(4, fake.requests().size());
    }

    @Test
    void aRateLimitReallyWaitsWithTheEnginesOwnSleeper() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(5)));
        clean();
        fake.api.failNext(FakeDelighted.PATH, 429, 1, Map.of("Retry-After", "1"));
        long started = System.nanoTime();
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 3));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertTrue(tookMillis >= 1_000, "waited " + tookMillis + " ms");
    }

    @Test
    void aWrongKeyFailsAtOnceWithDelightedsMessage() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.key("another-key");
        SyncReport report = harness.sync(source(3));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/v1/survey_responses.json: Unauthorized", report.message());
        assertEquals(1, fake.requests().size());
        assertEquals(List.of(), waits);
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(3), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), stopped.counts());
        SyncReport rest = harness.sync(source(3));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), rest.counts());
        assertEquals(5, count());
    }

    @Test
    void aTrendAndAPaceArePassedOn() {
        harness(RetryPolicy.DEFAULT);
        clean();
        fake.inTrend("r2", "1234");
        fake.inTrend("r5", "1234");
        SyncReport report = harness.sync(source(3, "trend", "1234", "requestsPerMinute", 6000));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), report.counts());
        assertEquals("per_page=3&page=1&order=asc:updated_at&trend=1234&expand[]=person", fake.queries().get(0));
    }
}
