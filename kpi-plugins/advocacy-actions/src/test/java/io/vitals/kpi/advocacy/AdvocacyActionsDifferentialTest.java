package io.vitals.kpi.advocacy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.advocacy.AdvocacyActions.Settings;
import io.vitals.model.AdvocacyEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Advocacy actions in SQL against loops over the events and subscriptions, on random datasets. */
class AdvocacyActionsDifferentialTest {

    @TempDir
    Path dir;

    /** {@code keys} are the detail keys of {@code kinds}, in the same order. */
    static KpiResult reference(Dataset d, KpiQuery q, List<String> kinds, List<String> keys) {
        Set<Long> customers = Reference.payingDuring(d, q, d.customersIn(q.segment()));
        long[] perKind = new long[kinds.size()];
        long actions = 0;
        for (AdvocacyEvent a : d.advocacy) {
            int k = kinds.indexOf(a.kind());
            if (k >= 0 && Reference.in(a.occurredAt(), q.period()) && d.inSegment(a.customerId(), q.segment())) {
                actions++;
                perKind[k]++;
            }
        }
        boolean tracked = d.advocacy.stream().anyMatch(a -> kinds.contains(a.kind())
                && a.occurredAt().getEpochSecond() < Reference.to(q) && d.inSegment(a.customerId(), q.segment()));
        if (!customers.isEmpty() && !tracked) {
            return KpiResult.noData("no advocacy recorded");
        }
        KpiResult r = KpiResult.ratio(actions, customers.size(), 1, customers.size(), "no paying customers")
                .with("actions", actions)
                .with("customers", (long) customers.size());
        for (int k = 0; k < kinds.size(); k++) {
            r = r.with(keys.get(k), perKind[k]);
        }
        return r;
    }

    @Test
    void everyKind() {
        Differential.check(dir, 40, store -> new AdvocacyActions(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, List.of("referral", "testimonial", "review", "case_study"),
                        List.of("referral", "testimonial", "review", "caseStudy")),
                "actions", "customers", "referral", "testimonial", "review", "caseStudy");
    }

    @Test
    void referralsAndCaseStudiesOnly() {
        Differential.check(dir, 40, store -> new AdvocacyActions(store, Settings.parse("case_study,referral")),
                (d, q) -> reference(d, q, List.of("case_study", "referral"), List.of("caseStudy", "referral")),
                "actions", "customers", "referral", "caseStudy", "review");
    }
}
