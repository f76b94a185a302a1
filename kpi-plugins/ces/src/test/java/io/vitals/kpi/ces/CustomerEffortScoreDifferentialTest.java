package io.vitals.kpi.ces;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.ces.CustomerEffortScore.Mode;
import io.vitals.kpi.ces.CustomerEffortScore.Settings;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** CES in SQL against a loop over the responses, on random datasets, in both modes. */
class CustomerEffortScoreDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, Settings s) {
        long responses = 0;
        long easy = 0;
        long total = 0;
        for (SurveyResponse r : d.responses) {
            if (r.type() == SurveyType.CES && r.scaleMin() == s.scaleMin() && r.scaleMax() == s.scaleMax()
                    && Reference.in(r.answeredAt(), q.period()) && d.inSegment(r.customerId(), q.segment())) {
                responses++;
                total += r.score();
                if (r.score() >= s.easyMin()) {
                    easy++;
                }
            }
        }
        if (s.mode() == Mode.MEAN) {
            // the mean effort, reported as total effort over answers
            return KpiResult.ratio(total, responses, 1, responses, "no responses");
        }
        return KpiResult.ratio(easy, responses, 100, responses, "no responses")
                .with("easy", easy)
                .with("notEasy", responses - easy);
    }

    @Test
    void shareOfEasyAnswers() {
        Differential.check(dir, 40, store -> new CustomerEffortScore(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Settings.DEFAULT), "easy", "notEasy");
    }

    @Test
    void shareWithAnotherCutOff() {
        Settings strict = new Settings(Mode.SHARE, 1, 7, 6);
        Differential.check(dir, 40, store -> new CustomerEffortScore(store, strict),
                (d, q) -> reference(d, q, strict), "easy", "notEasy");
    }

    @Test
    void meanEffort() {
        Settings mean = new Settings(Mode.MEAN, 1, 7, 5);
        Differential.check(dir, 40, store -> new CustomerEffortScore(store, mean),
                (d, q) -> reference(d, q, mean));
    }
}
