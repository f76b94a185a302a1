package io.vitals.kpi.fcr;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.model.SupportTicket;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** First contact resolution in SQL against a loop over the tickets, on random datasets. */
class FirstContactResolutionDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q) {
        long resolved = 0;
        long firstContact = 0;
        long withReplies = 0;
        for (SupportTicket t : d.tickets) {
            if (Reference.in(t.resolvedAt(), q.period()) && d.inSegment(t.customerId(), q.segment())) {
                resolved++;
                if (t.agentReplies() > 0) {
                    withReplies++;
                }
                if (t.agentReplies() <= 1 && t.reopens() == 0) {
                    firstContact++;
                }
            }
        }
        if (resolved > 0 && withReplies == 0) {
            return KpiResult.noData("no reply counts");
        }
        return KpiResult.ratio(firstContact, resolved, 100, resolved, "no resolved tickets")
                .with("resolved", resolved)
                .with("firstContact", firstContact);
    }

    @Test
    void againstReference() {
        Differential.check(dir, 40, FirstContactResolution::new, FirstContactResolutionDifferentialTest::reference,
                "resolved", "firstContact");
    }
}
