package io.vitals.kpi.clv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.clv.CustomerLifetimeValue.Mode;
import io.vitals.kpi.clv.CustomerLifetimeValue.Settings;
import io.vitals.model.Invoice;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** CLV in SQL and Java against loops over subscriptions and invoices, on random datasets. */
class CustomerLifetimeValueDifferentialTest {

    @TempDir
    Path dir;

    /** Questions answered with a value, so the comparison is not vacuous. */
    static final AtomicInteger answered = new AtomicInteger();

    static KpiResult reference(Dataset d, KpiQuery q, Settings s) {
        Set<Long> segment = d.customersIn(q.segment());
        Set<Long> atStart = Reference.payingAt(d, Reference.from(q), segment);
        Map<Long, Long> atEnd = Reference.mrrAt(d, Reference.to(q), segment);
        if (atStart.isEmpty()) {
            return KpiResult.noData("no churn rate");
        }
        long churned = atStart.stream().filter(c -> !atEnd.containsKey(c)).count();
        double c = (double) churned / atStart.size();
        if (s.mode() == Mode.CLASSIC) {
            long purchases = 0;
            long cents = 0;
            Set<Long> buyers = new HashSet<>();
            for (Invoice i : d.invoices) {
                boolean purchase = i.status().equals("paid") && (i.kind().equals("recurring") || i.kind().equals("one_off"));
                if (purchase && Reference.in(i.issuedAt(), q.period()) && segment.contains(i.customerId())) {
                    purchases++;
                    cents += i.amountCents();
                    buyers.add(i.customerId());
                }
            }
            if (purchases == 0 || c == 0) {
                return KpiResult.noData("no purchases or no churn");
            }
            double value = cents / 100.0 / purchases;
            double frequency = (double) purchases / buyers.size();
            answered.incrementAndGet();
            return KpiResult.value(value * frequency * (1 / c) * s.grossMargin(), atStart.size())
                    .with("averagePurchaseValue", value)
                    .with("purchaseFrequency", frequency)
                    .with("churnRate", 100 * c)
                    .with("lifetimePeriods", 1 / c);
        }
        if (atEnd.isEmpty() || c == 0) {
            return KpiResult.noData("nobody paying at the end or no churn");
        }
        double arpa = atEnd.values().stream().mapToLong(Long::longValue).sum() / 100.0 / atEnd.size();
        double monthly = 1 - Math.pow(1 - c, 30.436875 / q.period().days());
        answered.incrementAndGet();
        return KpiResult.value(arpa * s.grossMargin() / monthly, atStart.size())
                .with("arpa", arpa)
                .with("grossMargin", s.grossMargin())
                .with("churnRate", 100 * c)
                .with("monthlyChurnRate", 100 * monthly);
    }

    @Test
    void classic() {
        answered.set(0);
        Differential.check(dir, 40, store -> new CustomerLifetimeValue(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Settings.DEFAULT), "averagePurchaseValue", "purchaseFrequency", "churnRate",
                "lifetimePeriods");
        assertTrue(answered.get() > Differential.scaled(100, 40), "only " + answered + " questions had a value");
    }

    @Test
    void classicWithAGrossMargin() {
        Settings s = new Settings(Mode.CLASSIC, 0.35);
        Differential.check(dir, 20, store -> new CustomerLifetimeValue(store, s), (d, q) -> reference(d, q, s),
                "averagePurchaseValue", "purchaseFrequency", "churnRate", "lifetimePeriods");
    }

    @Test
    void subscription() {
        answered.set(0);
        Settings s = new Settings(Mode.SUBSCRIPTION, 0.8);
        Differential.check(dir, 40, store -> new CustomerLifetimeValue(store, s), (d, q) -> reference(d, q, s),
                "arpa", "grossMargin", "churnRate", "monthlyChurnRate");
        assertTrue(answered.get() > Differential.scaled(100, 40), "only " + answered + " questions had a value");
    }
}
