package io.vitals.connector.typeform;

import static io.vitals.connector.typeform.FakeTypeform.email;
import static io.vitals.connector.typeform.FakeTypeform.nps;
import static io.vitals.connector.typeform.FakeTypeform.response;
import static io.vitals.connector.typeform.FakeTypeform.why;
import static io.vitals.connector.typeform.TypeformData.customer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/** The form's scale, paging by token, cursors, pacing, retries and the sync contract, against Typeform on 127.0.0.1. */
class TypeformSourceTest {

    static final String TOKEN = "tfp_8xGk2LmQ9vR4sT7uW1yZ3aB5cD6eF0hJ";
    static final String FORM = "/forms/abc";
    static final String RESPONSES = "/forms/abc/responses";

    @TempDir
    Path dir;
    FakeTypeform fake;
    SourceHarness harness;
    final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "typeform=" + TOKEN + "\n");
        fake = new FakeTypeform(TOKEN);
        fake.form(FakeTypeform.form("abc"));
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

    /** A source whose waits (retries, pacing) are recorded, not slept. */
    TypeformSource source(int pageSize, Object... more) {
        return TypeformData.source(fake, dir, pageSize, more).sleeper(waits::add);
    }

    static String page(int size, String after) {
        return RESPONSES + "?page_size=" + size + "&completed=true" + (after == null ? "&sort=submitted_at,asc" : "&after=" + after);
    }

    /**
     * Two customers of hubspot-main; five completed responses and one left half-way: t1 matched by
     * its hidden customer id, t2 by its e-mail answer, t3 by nobody (its hidden e-mail is unknown),
     * t4 by an id nobody has and no e-mail, t5 by its id although its e-mail is another customer's.
     */
    void clean() {
        TypeformData.customers(harness, "hubspot-main", customer("hubspot-main", "001A", "ana@acme.com"),
                customer("hubspot-main", "001B", "bo@globex.com"));
        fake.add("abc", response("t1", "2026-01-10T12:02:00Z", List.of(nps(9), why("Great")), "customer_id", "001A"),
                response("t2", "2026-01-11T08:00:00Z", List.of(nps(6), email("Bo@Globex.com"))),
                response("t3", "2026-01-12T09:30:00Z", List.of(nps(10)), "email", "cy@nowhere.org"));
        fake.addPartial("abc", response("t6", "2026-01-12T10:00:00Z", List.of(why("I was about to"))));
        fake.add("abc", response("t4", "2026-01-13T10:00:00Z", List.of(nps(3), why("Too slow")), "customer_id", "009Z"),
                response("t5", "2026-01-14T16:45:00Z", List.of(nps(8), email("ana@acme.com")), "customer_id", "001B"));
    }

    Optional<String> cursor() {
        return harness.store().cursor("survey");
    }

    static long t(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    @Test
    void aFirstSyncReadsTheScaleThenPagesOldestFirstToTheEnd() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of(FORM, page(2, null), page(2, "t2"), page(2, "t4")), fake.calls());
        assertEquals(Optional.of("{\"form\":\"abc\",\"after\":\"t5\"}"), cursor());
        assertEquals(List.of(
                row("t1", "001A", null, 9, "2026-01-10T12:02:00Z", "Great"),
                row("t2", "001B", "Bo@Globex.com", 6, "2026-01-11T08:00:00Z", null),
                row("t3", null, "cy@nowhere.org", 10, "2026-01-12T09:30:00Z", null),
                row("t4", null, null, 3, "2026-01-13T10:00:00Z", "Too slow"),
                row("t5", "001B", "ana@acme.com", 8, "2026-01-14T16:45:00Z", null)), landed());
        assertEquals("Bearer " + TOKEN, fake.requests().get(0).header("Authorization"));
    }

    List<Map<String, Object>> landed() {
        return TypeformData.rows(harness, "SELECT r.external_id, c.external_id AS customer, r.respondent_email, r.survey_type,"
                + " r.score, r.scale_min, r.scale_max, r.answered_at, r.comment FROM survey_responses r"
                + " LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.answered_at");
    }

    static Map<String, Object> row(String id, String customer, String email, long score, String at, String comment) {
        Map<String, Object> m = new HashMap<>();
        m.put("external_id", id);
        m.put("customer", customer);
        m.put("respondent_email", email);
        m.put("survey_type", "nps");
        m.put("score", score);
        m.put("scale_min", 0L);
        m.put("scale_max", 10L);
        m.put("answered_at", t(at));
        m.put("comment", comment);
        return m;
    }

    @Test
    void syncingTwiceChangesNothingAndALaterSyncReadsOnlyNewResponses() {
        harness(RetryPolicy.DEFAULT);
        clean();
        harness.sync(source(2));
        Map<String, Long> tables = harness.store().counts();
        int before = fake.calls().size();
        SyncReport again = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, again.outcome(), again.message());
        assertEquals(new PageCounts(0, 0, 0, 0, 0), again.counts());
        assertEquals(List.of(FORM, page(2, "t5")), fake.calls().subList(before, fake.calls().size()));
        assertEquals(tables, harness.store().counts());

        fake.add("abc", response("t7", "2026-01-20T07:00:00Z", List.of(nps(7))));
        SyncReport later = harness.sync(source(2));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), later.counts());
        assertEquals(6, harness.count("survey_responses"));
        assertEquals(Optional.of("{\"form\":\"abc\",\"after\":\"t7\"}"), cursor());

        // everything again (connector:sync --full): all read, all unchanged
        harness.store().resetCursor("survey");
        SyncReport full = harness.sync(source(2));
        assertEquals(new PageCounts(6, 0, 0, 6, 0), full.counts());
        assertEquals(6, harness.count("survey_responses"));
    }

    @Test
    void aResponseReadAgainWithOtherContentIsUpdatedNotDoubled() {
        harness(RetryPolicy.DEFAULT);
        clean();
        harness.sync(source(2));
        // a respondent's hidden e-mail corrected at the source (Typeform responses can be edited in the results panel)
        ObjectNode t3 = fake.get("abc", "t3");
        ((ObjectNode) t3.path("hidden")).put("email", "bo@globex.com");
        fake.replace("abc", t3);
        harness.store().resetCursor("survey");
        SyncReport report = harness.sync(source(2));
        assertEquals(new PageCounts(5, 0, 1, 4, 0), report.counts());
        assertEquals(5, harness.count("survey_responses"));
        assertEquals("001B", harness.value("SELECT c.external_id FROM survey_responses r JOIN customers c ON c.id = r.customer_id"
                + " WHERE r.external_id = 't3'"));
    }

    @Test
    void resumesAfterAFailureMidSyncWithoutLosingOrDoubling() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(2), 2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 2", failed.message());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), failed.counts());
        assertEquals(Optional.of("{\"form\":\"abc\",\"after\":\"t2\"}"), cursor());
        int before = fake.calls().size();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), resumed.counts());
        assertEquals(List.of(FORM, page(2, "t2"), page(2, "t4")), fake.calls().subList(before, fake.calls().size()));
        assertEquals(5, harness.count("survey_responses"));
    }

    @Test
    void aServerErrorIsRetried() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.failResponsesRequest(2, 500);
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of(FORM, page(2, null), page(2, "t2"), page(2, "t2"), page(2, "t4")), fake.calls());
        assertEquals(List.of(Duration.ofMillis(1)), waits);
    }

    @Test
    void serverErrorsBeyondTheRetriesFailWithTheReasonAndKeepWhatWasCommitted() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.failResponsesRequest(2, 502);
        fake.failResponsesRequest(3, 502);
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 502 from " + fake.url() + RESPONSES + " after 2 attempts: Something went wrong on our side"
                + " (INTERNAL_ERROR)", report.message());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), report.counts());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(source(2)).counts());
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(30)));
        clean();
        fake.api.failNext(RESPONSES, 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits);
        // the first page asked twice: answered 429, then the page
        assertEquals(List.of(FORM, page(2, null), page(2, null), page(2, "t2"), page(2, "t4")), fake.calls());
    }

    @Test
    void requestsArePacedToTwoASecond() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(2, "requestsPerMinute", 120));
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        // four requests: three waits before the second, third and fourth, each at most half a second
        assertEquals(3, waits.size(), waits.toString());
        for (Duration w : waits) {
            assertTrue(!w.isNegative() && w.compareTo(Duration.ofMillis(500)) <= 0, w.toString());
        }
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(2), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), stopped.counts());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(source(2)).counts());
    }

    @Test
    void aScoreQuestionTheFormDoesNotHaveFailsTheSyncClearly() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(2, "scoreField", "recommend"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("scoreField 'recommend' is no question of form abc; its questions (ref or id, type): nps (nps),"
                + " score (opinion_scale), stars (rating), agree (opinion_scale), email (email), why (long_text),"
                + " effort_group (group), effort (opinion_scale), Nm1 (short_text)", report.message());
        assertEquals(List.of(FORM), fake.calls());
    }

    @Test
    void aScoreQuestionThatIsNoScaleFailsTheSyncClearly() {
        harness(RetryPolicy.DEFAULT);
        SyncReport report = harness.sync(source(2, "scoreField", "why", "surveyType", "csat"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("scoreField 'why' is a question of type long_text in form abc; the score must come from an opinion_scale,"
                + " rating or nps question", report.message());
    }

    @Test
    void anOpinionScaleNeedsItsSurveyTypeSaid() {
        harness(RetryPolicy.DEFAULT);
        SyncReport report = harness.sync(source(2, "scoreField", "score"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("surveyType is required: scoreField 'score' is a question of type opinion_scale on 0..10, not Typeform's"
                + " nps question; say what it measures: surveyType = nps, csat or ces", report.message());
    }

    @Test
    void anEmailQuestionTheFormDoesNotHaveFailsTheSyncClearly() {
        harness(RetryPolicy.DEFAULT);
        SyncReport report = harness.sync(source(2, "emailField", "mail"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertTrue(report.message().startsWith("emailField 'mail' is no question of form abc; its questions"), report.message());
    }

    @Test
    void aFormThatIsNotThereFailsWithTypeformsMessage() {
        harness(RetryPolicy.DEFAULT);
        SyncReport report = harness.sync(source(2, "formId", "zzz"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 404 from " + fake.url() + "/forms/zzz: Non-existing form with uid zzz (FORM_NOT_FOUND)", report.message());
    }

    @Test
    void aWrongTokenFailsAtOnceWithTypeformsMessage() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        fake.token("another-token");
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/forms/abc: Authentication credentials not found on the Request Headers"
                + " (AUTHENTICATION_FAILED)", report.message());
        assertEquals(1, fake.calls().size());
    }

    @Test
    void aCursorOfAnotherFormStartsThisOneFromItsOldest() {
        harness(RetryPolicy.DEFAULT);
        clean();
        harness.sync(source(2));
        fake.form(FakeTypeform.form("xyz"));
        fake.add("xyz", response("x1", "2026-02-01T00:00:00Z", List.of(nps(10))));
        int before = fake.calls().size();
        SyncReport report = harness.sync(source(2, "formId", "xyz"));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), report.counts());
        assertEquals("/forms/xyz/responses?page_size=2&completed=true&sort=submitted_at,asc", fake.calls().get(before + 1));
    }
}
