package io.vitals.kpi.renewal;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.renewal.RenewalRate.Basis;
import io.vitals.kpi.renewal.RenewalRate.Settings;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Renewal rate in SQL against a loop over the renewal deals, on random datasets. */
class RenewalRateDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, Basis basis) {
        long renewed = 0;
        long lost = 0;
        long pending = 0;
        long renewedAmount = 0;
        long lostAmount = 0;
        for (Deal deal : d.deals) {
            if (deal.kind() != DealKind.RENEWAL || !Reference.in(deal.closedAt(), q.period())
                    || !d.inSegment(deal.customerId(), q.segment())) {
                continue;
            }
            if (deal.stage() == DealStage.WON) {
                renewed++;
                renewedAmount += deal.amountCents();
            } else if (deal.stage() == DealStage.LOST) {
                lost++;
                lostAmount += deal.amountCents();
            } else {
                pending++;
            }
        }
        long decided = renewed + lost;
        double numerator = basis == Basis.COUNT ? renewed : renewedAmount / 100.0;
        double denominator = basis == Basis.COUNT ? decided : (renewedAmount + lostAmount) / 100.0;
        if (denominator == 0) {
            return KpiResult.noData("nothing decided");
        }
        return new KpiResult(100.0 * numerator / denominator, numerator, denominator, decided, null,
                Map.of("renewed", renewed, "lost", lost, "pending", pending,
                        "renewedAmount", renewedAmount / 100.0, "lostAmount", lostAmount / 100.0));
    }

    @Test
    void byCount() {
        Differential.check(dir, 40, store -> new RenewalRate(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Basis.COUNT), "renewed", "lost", "pending", "renewedAmount", "lostAmount");
    }

    @Test
    void byRevenue() {
        Differential.check(dir, 40, store -> new RenewalRate(store, new Settings(Basis.REVENUE)),
                (d, q) -> reference(d, q, Basis.REVENUE), "renewed", "lost", "pending", "renewedAmount", "lostAmount");
    }
}
