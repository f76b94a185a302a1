package io.vitals.kpi.csat;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.csat.CustomerSatisfactionScore.Settings;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Fixture;

class CustomerSatisfactionScoreTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir).customer(1, "2025-01-01").customer(2, "2025-01-01");
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void satisfiedOverAllResponses() {
        // 5, 4, 4 satisfied; 3, 2 not: 3 / 5 = 60 %
        for (int score : new int[] {5, 4, 3, 4, 2}) {
            data.csat(1L, score, "2026-03-10");
        }
        KpiResult r = new CustomerSatisfactionScore(data.metrics(), Settings.DEFAULT).compute(query("2026-03-01", "2026-04-01"));
        assertEquals(60.0, r.value(), 1e-9);
        assertEquals(3.0, r.numerator());
        assertEquals(5.0, r.denominator());
        assertEquals(2L, r.details().get("notSatisfied"));
    }

    @Test
    void zeroToTenVariant() {
        // on 0-10 with 9-10 satisfied: 10 and 9 of 10, 9, 8, 2 -> 50 %; the 1-5 response is not on this scale
        data.response(1L, SurveyType.CSAT, 10, 0, 10, "2026-03-01")
            .response(1L, SurveyType.CSAT, 9, 0, 10, "2026-03-02")
            .response(2L, SurveyType.CSAT, 8, 0, 10, "2026-03-03")
            .response(2L, SurveyType.CSAT, 2, 0, 10, "2026-03-04")
            .csat(2L, 5, "2026-03-05");
        KpiResult r = new CustomerSatisfactionScore(data.metrics(), new Settings(0, 10, 9)).compute(query("2026-03-01", "2026-04-01"));
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(4, r.sampleSize());
    }

    @Test
    void noResponsesIsNoData() {
        data.csat(1L, 5, "2026-04-01T00:00"); // first instant after the period
        KpiResult r = new CustomerSatisfactionScore(data.metrics(), Settings.DEFAULT).compute(query("2026-03-01", "2026-04-01"));
        assertFalse(r.hasValue());
    }

    @Test
    void cutOffOutsideTheScaleIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 5, 6));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 5, 1));
    }

    @Test
    void periodIsHalfOpen() {
        data.csat(1L, 5, "2026-03-01T00:00")      // first instant: in
            .csat(1L, 1, "2026-03-31T23:59:59")   // last second: in
            .csat(1L, 5, "2026-04-01T00:00")      // out
            .csat(1L, 5, "2026-02-28T23:59:59");  // out
        KpiResult r = new CustomerSatisfactionScore(data.metrics(), Settings.DEFAULT).compute(query("2026-03-01", "2026-04-01"));
        // 1 of 2
        assertEquals(2, r.sampleSize());
        assertEquals(50.0, r.value(), 1e-9);
    }

    @Test
    void drillDownListsTheUnsatisfiedLowestFirst() {
        data.customer(3, "2025-01-01", "starter", "NA", "bob", Map.of());
        data.csat(1L, 5, "2026-03-05").csat(3L, 1, "2026-03-05").csat(2L, 3, "2026-03-06").csat(3L, 4, "2026-03-07")
            .csat(null, 2, "2026-03-08")                              // unmatched respondent: listed
            .csat(2L, 1, "2026-04-01")                                // April: out
            .response(2L, SurveyType.CSAT, 1, 0, 10, "2026-03-09"); // another scale: out
        CustomerSatisfactionScore csat = new CustomerSatisfactionScore(data.metrics(), Settings.DEFAULT);
        KpiTable unsatisfied = csat.customers(query("2026-03-01", "2026-04-01"), new DrillDown("unsatisfied", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "score", "answered", "respondent"),
                unsatisfied.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(List.of(1L, 2L, 3L), unsatisfied.rows().stream().map(r -> r.get(unsatisfied.column("score"))).toList());
        assertEquals("Customer 3", unsatisfied.rows().get(0).get(unsatisfied.column("customer")));
        assertEquals("2026-03-05T00:00:00Z", unsatisfied.rows().get(0).get(unsatisfied.column("answered")));
        assertNull(unsatisfied.rows().get(1).get(unsatisfied.column("customer_id")), "the unmatched respondent is listed too");

        KpiTable satisfied = csat.customers(query("2026-03-01", "2026-04-01"), new DrillDown("satisfied", null, true, 50));
        assertEquals(List.of(4L, 5L), satisfied.rows().stream().map(r -> r.get(satisfied.column("score"))).toList());
        KpiTable all = csat.customers(query("2026-03-01", "2026-04-01"), new DrillDown("all", "score", true, 2));
        assertEquals(List.of(5L, 4L), all.rows().stream().map(r -> r.get(all.column("score"))).toList());
        KpiTable starter = csat.customers(query("2026-03-01", "2026-04-01", "plan", "starter"), new DrillDown("all", null, true, 50));
        assertEquals(List.of(1L, 4L), starter.rows().stream().map(r -> r.get(starter.column("score"))).toList(),
                "the segment applies, and unmatched respondents are in no segment");
        assertThrows(InvalidQueryException.class,
                () -> csat.customers(query("2026-03-01", "2026-04-01"), new DrillDown("all", "comment", true, 5)));
    }

    @Test
    void drillDownFollowsTheConfiguredScale() {
        data.response(1L, SurveyType.CSAT, 10, 0, 10, "2026-03-01")
            .response(1L, SurveyType.CSAT, 8, 0, 10, "2026-03-02")
            .response(2L, SurveyType.CSAT, 0, 0, 10, "2026-03-03")
            .csat(2L, 1, "2026-03-04");                               // 1-5 scale: not on 0-10
        CustomerSatisfactionScore zeroToTen = new CustomerSatisfactionScore(data.metrics(), new Settings(0, 10, 9));
        KpiTable unsatisfied = zeroToTen.customers(query("2026-03-01", "2026-04-01"), new DrillDown("unsatisfied", null, true, 50));
        // 8 is not satisfied on 0-10 with 9-10 satisfied
        assertEquals(List.of(0L, 8L), unsatisfied.rows().stream().map(r -> r.get(unsatisfied.column("score"))).toList());
    }

    @Test
    void definitionNamesTheDrillDown() {
        CustomerSatisfactionScore csat = new CustomerSatisfactionScore(data.metrics(), Settings.DEFAULT);
        assertEquals(List.of("unsatisfied", "satisfied", "all"), csat.definition().drillDowns());
        assertTrue(csat.definition().formula().contains("responses scoring 4-5"), csat.definition().formula());
    }
}
