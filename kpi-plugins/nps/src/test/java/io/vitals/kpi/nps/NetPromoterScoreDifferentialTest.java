package io.vitals.kpi.nps;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.nps.NetPromoterScore.Counting;
import io.vitals.kpi.nps.NetPromoterScore.Settings;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** NPS in SQL against a loop over the responses, on random datasets. */
class NetPromoterScoreDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, boolean latestOnly) {
        Map<Long, SurveyResponse> counted = new HashMap<>();
        for (int i = 0; i < d.responses.size(); i++) {
            SurveyResponse r = d.responses.get(i);
            if (r.type() == SurveyType.NPS && r.scaleMin() == 0 && r.scaleMax() == 10
                    && Reference.in(r.answeredAt(), q.period()) && d.inSegment(r.customerId(), q.segment())) {
                // one respondent per customer when only the latest counts; unmatched respondents each their own
                long key = latestOnly && r.customerId() != null ? r.customerId() : -(i + 1);
                Comparator<SurveyResponse> newer = Comparator.comparing(SurveyResponse::answeredAt)
                        .thenComparing(x -> d.responses.indexOf(x));
                counted.merge(key, r, (a, b) -> newer.compare(a, b) >= 0 ? a : b);
            }
        }
        long n = counted.size();
        long promoters = counted.values().stream().filter(r -> r.score() >= 9).count();
        long detractors = counted.values().stream().filter(r -> r.score() <= 6).count();
        if (n == 0) {
            return KpiResult.noData("no responses");
        }
        return new KpiResult(100.0 * (promoters - detractors) / n, (double) (promoters - detractors), (double) n, n, null,
                Map.of("promoters", promoters, "passives", n - promoters - detractors, "detractors", detractors));
    }

    @Test
    void everyResponse() {
        Differential.check(dir, 40, store -> new NetPromoterScore(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, false), "promoters", "passives", "detractors");
    }

    @Test
    void latestResponsePerCustomer() {
        Differential.check(dir, 40, store -> new NetPromoterScore(store, new Settings(0, 10, 9, 6, Counting.LATEST_PER_CUSTOMER)),
                (d, q) -> reference(d, q, true), "promoters", "passives", "detractors");
    }
}
