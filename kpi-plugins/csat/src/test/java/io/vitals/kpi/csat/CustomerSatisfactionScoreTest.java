package io.vitals.kpi.csat;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiResult;
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
}
