package io.vitals.connector.delighted;

import static io.vitals.connector.delighted.DelightedData.T0;
import static io.vitals.connector.delighted.DelightedData.customer;
import static io.vitals.connector.delighted.FakeDelighted.response;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

/** Survey types and their scales, matching respondents, and every kind of bad response with its reason. */
class DelightedMappingTest {

    static final String KEY = "dlgtd_mapping_test_key_0123456789";

    @TempDir
    Path dir;
    FakeDelighted fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "delighted=" + KEY + "\n");
        fake = new FakeDelighted(KEY);
        fake.person("p1", "ana@acme.com", "Ana");
        harness = SourceHarness.in(dir);
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    int n;

    ObjectNode r(String type, Object score) {
        n++;
        return response("r" + n, "p1", type, score, null, T0 + n, T0 + n);
    }

    List<Map<String, Object>> landed() {
        return DelightedData.rows(harness, "SELECT external_id, survey_type, score, scale_min, scale_max FROM survey_responses"
                + " ORDER BY answered_at");
    }

    static Map<String, Object> landed(String id, String type, long score, long min, long max) {
        return Map.of("external_id", id, "survey_type", type, "score", score, "scale_min", min, "scale_max", max);
    }

    List<String> reasons() {
        return harness.rejects("nps").stream().sorted(Comparator.comparing(Rejected::raw)).map(Rejected::reason).toList();
    }

    @Test
    void everySurveyTypeLandsWithItsScale() {
        fake.add(r("nps", 0), r("nps", 10), r("csat", 1), r("csat", 5), r("ces", 1), r("ces", 7), r("5star", 3), r("smileys", 4),
                r("thumbs", 0), r("thumbs", 1), r("NPS", 7));
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 100));
        assertEquals(new PageCounts(11, 11, 0, 0, 0), report.counts());
        assertEquals(List.of(landed("r1", "nps", 0, 0, 10), landed("r2", "nps", 10, 0, 10), landed("r3", "csat", 1, 1, 5),
                landed("r4", "csat", 5, 1, 5), landed("r5", "ces", 1, 1, 7), landed("r6", "ces", 7, 1, 7),
                landed("r7", "csat", 3, 1, 5), landed("r8", "csat", 4, 1, 5), landed("r9", "csat", 0, 0, 1),
                landed("r10", "csat", 1, 0, 1), landed("r11", "nps", 7, 0, 10)), landed());
    }

    @Test
    void everyKindOfBadResponseIsRejectedWithItsReason() {
        fake.add(r("nps", 11), r("nps", -1), r("csat", 0), r("csat", 6), r("ces", 8), r("5star", 0), r("smileys", 6),
                r("thumbs", 2), r("enps", 9), r("pmf", 2), r("nss", 3), r("nps", null), r("nps", 8.5), r("nps", "nine"));
        ObjectNode noType = r("nps", 9);
        noType.remove("survey_type");
        ObjectNode noCreated = r("nps", 9);
        noCreated.putNull("created_at");
        ObjectNode textCreated = r("nps", 9);
        textCreated.put("created_at", "2026-01-01");
        ObjectNode noId = r("nps", 9);
        noId.remove("id");
        fake.add(noType, noCreated, textCreated, noId, r("nps", 9.0));
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 100));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(19, 1, 0, 0, 18), report.counts());
        assertEquals(List.of(landed("r19", "nps", 9, 0, 10)), landed()); // 9.0 is a whole number
        List<String> expected = List.of(
                "response r1: score 11 is outside 0..10, the scale of Delighted's nps survey",
                "response r10: survey_type 'pmf' (product-market fit, 1..3 'how disappointed') is no nps, csat or ces measure;"
                        + " Vitals keeps nps, csat and ces",
                "response r11: survey_type 'nss' is not one Vitals knows (nps, csat, ces, 5star, smileys, thumbs)",
                "response r12: score is missing",
                "response r13: score '8.5' is not a whole number",
                "response r14: score 'nine' is not a whole number",
                "response r15: survey_type is missing",
                "response r16: created_at is missing",
                "response r17: created_at '2026-01-01' is not a Unix timestamp",
                "response r2: score -1 is outside 0..10, the scale of Delighted's nps survey",
                "response r3: score 0 is outside 1..5, the scale of Delighted's csat survey",
                "response r4: score 6 is outside 1..5, the scale of Delighted's csat survey",
                "response r5: score 8 is outside 1..7, the scale of Delighted's ces survey",
                "response r6: score 0 is outside 1..5, the scale of Delighted's 5star survey",
                "response r7: score 6 is outside 1..5, the scale of Delighted's smileys survey",
                "response r8: score 2 is outside 0..1, the scale of Delighted's thumbs survey",
                "response r9: survey_type 'enps' is employee NPS, not a customer survey; Vitals keeps customer nps, csat and ces",
                "survey response without an id");
        List<String> reasons = harness.rejects("nps").stream().map(Rejected::reason).sorted().toList();
        assertEquals(expected.stream().sorted().toList(), reasons);
        // the raw row is the response as Delighted sent it, person expanded
        Rejected first = harness.rejects("nps").stream().filter(x -> x.reason().startsWith("response r1:")).findFirst().orElseThrow();
        assertEquals(true, first.raw().startsWith("{\"id\":\"r1\",\"person\":{\"id\":\"p1\",\"email\":\"ana@acme.com\""), first.raw());
        // read again from the start: the same rejects are not stored twice
        harness.store().resetCursor("nps");
        SyncReport again = harness.sync(DelightedData.source(fake, dir, 100));
        assertEquals(new PageCounts(19, 0, 0, 1, 18), again.counts());
        assertEquals(18, harness.rejects("nps").size());
    }

    @Test
    void aFivePointCesProjectIsReadOnOneToFive() {
        fake.add(r("ces", 5), r("ces", 6));
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 100, "cesScale", 5));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), report.counts());
        assertEquals(List.of(landed("r1", "ces", 5, 1, 5)), landed());
        assertEquals(List.of("response r2: score 6 is outside 1..5, the scale of Delighted's ces survey"), reasons());
    }

    @Test
    void configuredSurveyTypesRestrictWhatIsKept() {
        fake.add(r("nps", 9), r("csat", 4), r("thumbs", 1), r("ces", 3), r("enps", 9));
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 100, "surveyType", "csat"));
        // nps and ces are read and passed over; enps is still no customer survey
        assertEquals(new PageCounts(5, 2, 0, 0, 1), report.counts());
        assertEquals(List.of(landed("r2", "csat", 4, 1, 5), landed("r3", "csat", 1, 0, 1)), landed());
    }

    @Test
    void respondentsAreMatchedByIdPropertyThenEmailAndOtherwiseKeptUnmatched() {
        DelightedData.customers(harness, "hubspot-main", customer("hubspot-main", "001A", "ana@acme.com"),
                customer("hubspot-main", "001B", "bo@globex.com"));
        DelightedData.customers(harness, "billing", customer("billing", "001B", "someone@else.com"));
        fake.person("p2", "bo@globex.com", "Bo").person("p3", "nobody@nowhere.org", "Cy");
        fake.add(response("a", "p1", "nps", 9, null, T0 + 1, T0 + 1, "customer_id", "001B"), // the id wins over the e-mail
                response("b", "p1", "nps", 9, null, T0 + 2, T0 + 2, "customer_id", "missing"), // unknown id: the e-mail
                response("c", "p2", "nps", 9, null, T0 + 3, T0 + 3), // no id: the e-mail
                response("d", "p3", "nps", 9, null, T0 + 4, T0 + 4, "customer_id", "nope"), // neither: unmatched
                response("e", "p9", "nps", 9, null, T0 + 5, T0 + 5)); // a person the API does not expand: unmatched
        SyncReport report = harness.sync(DelightedData.source(fake, dir, 100));
        assertEquals(new PageCounts(5, 5, 0, 0, 0), report.counts());
        List<Map<String, Object>> rows = harness.rows("SELECT r.external_id, c.source, c.external_id AS customer"
                + " FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.external_id");
        assertEquals(List.of(
                map("a", "hubspot-main", "001B"), map("b", "hubspot-main", "001A"), map("c", "hubspot-main", "001B"),
                map("d", null, null), map("e", null, null)), rows);
    }

    @Test
    void withoutAnIdPropertyRespondentsAreMatchedByEmail() {
        DelightedData.customers(harness, "hubspot-main", customer("hubspot-main", "001A", "ana@acme.com"));
        fake.add(response("a", "p1", "nps", 9, null, T0 + 1, T0 + 1, "customer_id", "001B"));
        SyncReport report = harness.sync(new DelightedSource(DelightedData.config(Map.of("id", "nps",
                "apiKey", "file:secrets.properties#delighted", "baseUrl", fake.url())), dir));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), report.counts());
        assertEquals("001A", harness.value("SELECT c.external_id FROM survey_responses r JOIN customers c ON c.id = r.customer_id"));
    }

    static Map<String, Object> map(String id, String source, String customer) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("external_id", id);
        m.put("source", source);
        m.put("customer", customer);
        return m;
    }
}
