package io.vitals.kpi.onboarding;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.onboarding.OnboardingCompletion.Settings;
import io.vitals.model.OnboardingMilestone;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Onboarding completion in SQL against loops over the milestones, on random datasets. */
class OnboardingCompletionDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, int withinDays) {
        Set<Long> inSegment = d.customersIn(q.segment());
        // each customer's first start, ever
        Map<Long, Instant> start = new HashMap<>();
        for (OnboardingMilestone m : d.milestones) {
            if (m.milestone().equals("started")) {
                start.merge(m.customerId(), m.occurredAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        long started = 0;
        long completed = 0;
        for (Map.Entry<Long, Instant> s : start.entrySet()) {
            if (!inSegment.contains(s.getKey()) || !Reference.in(s.getValue(), q.period())) {
                continue;
            }
            started++;
            boolean done = false;
            for (OnboardingMilestone m : d.milestones) {
                long after = m.occurredAt().getEpochSecond() - s.getValue().getEpochSecond();
                if (m.customerId() == s.getKey() && m.milestone().equals("completed") && after >= 0
                        && (withinDays == 0 || after <= withinDays * 86_400L)) {
                    done = true;
                }
            }
            if (done) {
                completed++;
            }
        }
        if (started == 0) {
            return KpiResult.noData("no starters");
        }
        return new KpiResult(100.0 * completed / started, (double) completed, (double) started, started, null,
                Map.of("started", started, "completed", completed));
    }

    @Test
    void completedEver() {
        Differential.check(dir, 40, store -> new OnboardingCompletion(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, 0), "started", "completed");
    }

    @Test
    void completedWithinThirtyDays() {
        Differential.check(dir, 40, store -> new OnboardingCompletion(store, new Settings(30)),
                (d, q) -> reference(d, q, 30), "started", "completed");
    }
}
