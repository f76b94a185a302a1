package io.vitals.kpi.ces;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.ces.CustomerEffortScore.Mode;
import io.vitals.kpi.ces.CustomerEffortScore.Settings;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Fixture;

class CustomerEffortScoreTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir).customer(1, "2025-01-01");
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void shareOfEasyAnswers() {
        // 7, 6, 5 easy; 4, 1 not: 3 / 5 = 60 %
        for (int score : new int[] {7, 6, 5, 4, 1}) {
            data.ces(1L, score, "2026-02-14");
        }
        KpiResult r = new CustomerEffortScore(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(60.0, r.value(), 1e-9);
        assertEquals(3L, r.details().get("easy"));
    }

    @Test
    void meanEffortVariantIsLowerIsBetter() {
        // effort 1, 2, 2, 5 on a 1-5 scale: mean 2.5
        for (int score : new int[] {1, 2, 2, 5}) {
            data.response(1L, SurveyType.CES, score, 1, 5, "2026-02-14");
        }
        CustomerEffortScore mean = new CustomerEffortScore(data.metrics(), new Settings(Mode.MEAN, 1, 5, 5));
        KpiResult r = mean.compute(query("2026-02-01", "2026-03-01"));
        assertEquals(2.5, r.value(), 1e-9);
        assertEquals(10.0, r.numerator());
        assertEquals(4.0, r.denominator());
        assertEquals(Direction.LOWER_IS_BETTER, mean.definition().direction());
    }

    @Test
    void noResponsesIsNoData() {
        assertFalse(new CustomerEffortScore(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01")).hasValue());
    }

    @Test
    void periodIsHalfOpen() {
        data.ces(1L, 7, "2026-02-01T00:00")      // first instant: in
            .ces(1L, 1, "2026-02-28T23:59:59")   // last second: in
            .ces(1L, 7, "2026-03-01T00:00")      // out
            .ces(1L, 7, "2026-01-31T23:59:59");  // out
        KpiResult r = new CustomerEffortScore(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(2, r.sampleSize());
        assertEquals(50.0, r.value(), 1e-9);
    }

    @Test
    void drillDownListsTheNotEasyAnswersHardestFirst() {
        data.customer(2, "2025-01-01", "starter", "NA", "bob", Map.of());
        data.ces(1L, 7, "2026-02-03").ces(2L, 1, "2026-02-03").ces(1L, 4, "2026-02-04").ces(2L, 5, "2026-02-05")
            .ces(null, 3, "2026-02-06")                               // unmatched respondent: listed
            .ces(1L, 2, "2026-03-01")                                 // March: out
            .response(1L, SurveyType.CES, 1, 1, 5, "2026-02-07");     // another scale: out
        CustomerEffortScore ces = new CustomerEffortScore(data.metrics(), Settings.DEFAULT);
        assertEquals(List.of("not-easy", "easy", "all"), ces.definition().drillDowns());
        KpiTable notEasy = ces.customers(query("2026-02-01", "2026-03-01"), new DrillDown("not-easy", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "score", "answered", "respondent"),
                notEasy.columns().stream().map(KpiTable.Column::name).toList());
        // below 5, lowest first
        assertEquals(List.of(1L, 3L, 4L), notEasy.rows().stream().map(r -> r.get(notEasy.column("score"))).toList());
        assertEquals("Customer 2", notEasy.rows().get(0).get(notEasy.column("customer")));
        assertEquals("2026-02-03T00:00:00Z", notEasy.rows().get(0).get(notEasy.column("answered")));
        assertNull(notEasy.rows().get(1).get(notEasy.column("customer_id")), "the unmatched respondent is listed too");

        KpiTable easy = ces.customers(query("2026-02-01", "2026-03-01"), new DrillDown("easy", null, true, 50));
        assertEquals(List.of(5L, 7L), easy.rows().stream().map(r -> r.get(easy.column("score"))).toList());
        KpiTable all = ces.customers(query("2026-02-01", "2026-03-01"), new DrillDown("all", "score", true, 1));
        assertEquals(List.of(7L), all.rows().stream().map(r -> r.get(all.column("score"))).toList());
        KpiTable starter = ces.customers(query("2026-02-01", "2026-03-01", "plan", "starter"), new DrillDown("all", null, true, 50));
        assertEquals(List.of(1L, 5L), starter.rows().stream().map(r -> r.get(starter.column("score"))).toList());
        assertThrows(InvalidQueryException.class,
                () -> ces.customers(query("2026-02-01", "2026-03-01"), new DrillDown("all", "effort", true, 5)));
    }

    @Test
    void meanModeDrillDownReadsTheScaleAsEffortWithTheHighestEffortFirst() {
        for (int score : new int[] {1, 2, 4, 5, 3}) {
            data.response(1L, SurveyType.CES, score, 1, 5, "2026-02-14");
        }
        CustomerEffortScore mean = new CustomerEffortScore(data.metrics(), new Settings(Mode.MEAN, 1, 5, 4));
        KpiTable notEasy = mean.customers(query("2026-02-01", "2026-03-01"), new DrillDown("not-easy", null, true, 50));
        // on a 1-5 effort scale with easyMin 4, easy is its mirror: 1 + 5 - 4 = 2 and below; the highest effort first
        assertEquals(List.of(5L, 4L, 3L), notEasy.rows().stream().map(r -> r.get(notEasy.column("score"))).toList());
        KpiTable easy = mean.customers(query("2026-02-01", "2026-03-01"), new DrillDown("easy", null, true, 50));
        assertEquals(List.of(2L, 1L), easy.rows().stream().map(r -> r.get(easy.column("score"))).toList());
        assertEquals(5, mean.customers(query("2026-02-01", "2026-03-01"), new DrillDown("all", null, true, 50)).rows().size());
    }
}
