package io.vitals.kpi.csat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.csat.CustomerSatisfactionScore.Settings;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** CSAT in SQL against a loop over the responses, on random datasets. */
class CustomerSatisfactionScoreDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, int scaleMin, int scaleMax, int satisfiedMin) {
        long responses = 0;
        long satisfied = 0;
        for (SurveyResponse r : d.responses) {
            if (r.type() == SurveyType.CSAT && r.scaleMin() == scaleMin && r.scaleMax() == scaleMax
                    && Reference.in(r.answeredAt(), q.period()) && d.inSegment(r.customerId(), q.segment())) {
                responses++;
                if (r.score() >= satisfiedMin) {
                    satisfied++;
                }
            }
        }
        return KpiResult.ratio(satisfied, responses, 100, responses, "no responses")
                .with("satisfied", satisfied)
                .with("notSatisfied", responses - satisfied);
    }

    @Test
    void oneToFive() {
        Differential.check(dir, 40, store -> new CustomerSatisfactionScore(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, 1, 5, 4), "satisfied", "notSatisfied");
    }

    @Test
    void zeroToTen() {
        Differential.check(dir, 40, store -> new CustomerSatisfactionScore(store, new Settings(0, 10, 9)),
                (d, q) -> reference(d, q, 0, 10, 9), "satisfied", "notSatisfied");
    }
}
