package io.vitals.connector.typeform;

import static io.vitals.connector.typeform.FakeTypeform.answer;
import static io.vitals.connector.typeform.FakeTypeform.email;
import static io.vitals.connector.typeform.FakeTypeform.nps;
import static io.vitals.connector.typeform.FakeTypeform.number;
import static io.vitals.connector.typeform.FakeTypeform.response;
import static io.vitals.connector.typeform.FakeTypeform.why;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** The scale of each kind of score question, e-mail and comment, and every kind of bad response with its reason. */
class TypeformMappingTest {

    static final String TOKEN = "tfp_mapping_test_token_0123456789";

    @TempDir
    Path dir;
    FakeTypeform fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "typeform=" + TOKEN + "\n");
        fake = new FakeTypeform(TOKEN);
        fake.form(FakeTypeform.form("abc"));
        harness = SourceHarness.in(dir);
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    int n;

    /** A response submitted a minute after the one before. */
    ObjectNode r(ObjectNode... answers) {
        n++;
        return response("t" + n, String.format("2026-01-10T12:%02d:00Z", n), List.of(answers));
    }

    List<Map<String, Object>> landed() {
        return TypeformData.rows(harness, "SELECT external_id, survey_type, score, scale_min, scale_max FROM survey_responses"
                + " WHERE source = 'survey' ORDER BY answered_at");
    }

    /** The row without its null columns. */
    static Map<String, Object> present(Map<String, Object> row) {
        Map<String, Object> m = new java.util.HashMap<>(row);
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }

    static Map<String, Object> landed(String id, String type, long score, long min, long max) {
        return Map.of("external_id", id, "survey_type", type, "score", score, "scale_min", min, "scale_max", max);
    }

    SyncReport sync(Object... config) {
        SyncReport report = harness.sync(TypeformData.source(fake, dir, 1000, config));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        return report;
    }

    static ObjectNode score(int v) {
        return number("Auxd6Itc4qgK", "opinion_scale", "score", v);
    }

    @Test
    void typeformsNpsQuestionIsNpsOnZeroToTen() {
        fake.add("abc", r(nps(0)), r(nps(10)));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync().counts());
        assertEquals(List.of(landed("t1", "nps", 0, 0, 10), landed("t2", "nps", 10, 0, 10)), landed());
    }

    @Test
    void anOpinionScaleFromZeroByItsRefOrItsId() {
        fake.add("abc", r(score(0)), r(score(10)));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("scoreField", "score", "surveyType", "nps").counts());
        assertEquals(List.of(landed("t1", "nps", 0, 0, 10), landed("t2", "nps", 10, 0, 10)), landed());
        harness.store().resetCursor("survey");
        assertEquals(new PageCounts(2, 0, 0, 2, 0), sync("scoreField", "Auxd6Itc4qgK", "surveyType", "nps").counts());
    }

    @Test
    void anOpinionScaleStartingAtOneARatingAndAScaleInsideAGroup() {
        fake.add("abc", r(number("Os5", "opinion_scale", "agree", 1)), r(number("Os5", "opinion_scale", "agree", 5)));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("id", "agree", "scoreField", "agree", "surveyType", "csat").counts());
        fake.add("abc", r(number("Rt5", "rating", "stars", 4)));
        harness.store().resetCursor("survey");
        assertEquals(new PageCounts(3, 1, 0, 0, 2), sync("scoreField", "stars", "surveyType", "csat").counts());
        fake.add("abc", r(number("Ces7", "opinion_scale", "effort", 7)));
        harness.store().resetCursor("survey");
        assertEquals(new PageCounts(4, 1, 0, 0, 3), sync("id", "effort", "scoreField", "effort", "surveyType", "ces").counts());
        assertEquals(List.of(landed("t1", "csat", 1, 1, 5), landed("t2", "csat", 5, 1, 5)),
                TypeformData.rows(harness, "SELECT external_id, survey_type, score, scale_min, scale_max FROM survey_responses"
                        + " WHERE source = 'agree' ORDER BY answered_at"));
        assertEquals(List.of(landed("t3", "csat", 4, 1, 5)), landed());
        assertEquals(List.of(landed("t4", "ces", 7, 1, 7)),
                TypeformData.rows(harness, "SELECT external_id, survey_type, score, scale_min, scale_max FROM survey_responses"
                        + " WHERE source = 'effort' ORDER BY answered_at"));
    }

    @Test
    void everyKindOfBadResponseIsRejectedWithItsReason() {
        fake.add("abc", r(nps(11)), r(nps(-1)), r(why("I skipped the score")), r(number("NpsQ1", "nps", "nps", 7.5)),
                r(answer("NpsQ1", "nps", "nps", "choice")));
        ObjectNode noSubmitted = r(nps(5));
        noSubmitted.remove("submitted_at");
        ObjectNode badSubmitted = r(nps(5));
        badSubmitted.put("submitted_at", "10/01/2026 12:00");
        ObjectNode noId = r(nps(5));
        noId.remove("response_id");
        noId.put("token", "");
        fake.add("abc", noSubmitted, badSubmitted, noId, r(number("NpsQ1", "nps", "nps", 8.0)));
        SyncReport report = sync();
        assertEquals(new PageCounts(9, 1, 0, 0, 8), report.counts());
        assertEquals(List.of(landed("t9", "nps", 8, 0, 10)), landed());
        assertEquals(List.of(
                "response t1: score 11 is outside 0..10, the scale of the nps question 'nps'",
                "response t2: score -1 is outside 0..10, the scale of the nps question 'nps'",
                "response t3: the score question 'nps' is not answered (no score, not a survey answer)",
                "response t4: the score question 'nps' answered '7.5', not a whole number",
                "response t5: the score question 'nps' answered choice answer, not a whole number",
                "response t6: submitted_at is missing",
                "response t7: submitted_at '10/01/2026 12:00' is not an ISO 8601 time such as 2026-01-10T12:02:00Z",
                "response without a response_id or token"),
                harness.rejects("survey").stream().map(Rejected::reason).sorted().toList());
        Rejected skipped = harness.rejects("survey").stream().filter(x -> x.reason().startsWith("response t3:")).findFirst().orElseThrow();
        assertTrue(skipped.raw().startsWith("{\"landing_id\":\"t3\",\"token\":\"t3\",\"response_id\":\"t3\""), skipped.raw());
        // read again: the rejects are not stored twice
        harness.store().resetCursor("survey");
        assertEquals(new PageCounts(9, 0, 0, 1, 8), sync().counts());
        assertEquals(8, harness.rejects("survey").size());
    }

    @Test
    void theEmailAnswerWinsOverTheHiddenFieldAndTheCommentIsTheWhy() {
        fake.add("abc", response("a", "2026-01-10T12:00:00Z", List.of(nps(9), email("answer@acme.com"), why("  Fast support  ")),
                        "email", "hidden@acme.com"),
                response("b", "2026-01-10T12:01:00Z", List.of(nps(9)), "email", "hidden@acme.com"),
                response("c", "2026-01-10T12:02:00Z", List.of(nps(9)), "email", ""));
        assertEquals(new PageCounts(3, 3, 0, 0, 0), sync().counts());
        assertEquals(List.of(Map.of("external_id", "a", "respondent_email", "answer@acme.com", "comment", "Fast support"),
                Map.of("external_id", "b", "respondent_email", "hidden@acme.com"), Map.of("external_id", "c")),
                harness.rows("SELECT external_id, respondent_email, comment FROM survey_responses ORDER BY external_id").stream()
                        .map(TypeformMappingTest::present).toList());
    }

    @Test
    void withoutMatchingKeysEveryResponseIsKeptUnmatched() {
        TypeformData.customers(harness, "hubspot-main", TypeformData.customer("hubspot-main", "001A", "ana@acme.com"));
        fake.add("abc", response("a", "2026-01-10T12:00:00Z", List.of(nps(9), email("ana@acme.com")), "customer_id", "001A"));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), sync("emailField", "", "emailHidden", "", "customerIdHidden", "",
                "customerSource", "").counts());
        assertEquals(List.of(Map.of("external_id", "a")), harness.rows("SELECT external_id, customer_id, respondent_email"
                + " FROM survey_responses").stream().map(TypeformMappingTest::present).toList());
    }
}
