package io.vitals.kpi.ces;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Direction;
import io.vitals.kpi.KpiResult;
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
}
