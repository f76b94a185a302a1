package io.vitals.kpi.mrr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.model.Subscription;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Fixture;
import io.vitals.testkit.RandomData;
import io.vitals.testkit.Reference;

/** MRR and its movements in SQL against a per-customer loop, on random datasets; the movements must reconcile to the cent. */
class MonthlyRecurringRevenueDifferentialTest {

    private static final String[] DETAILS = {"startMrr", "new", "expansion", "reactivation", "contraction", "churn", "netNew",
        "endMrr", "payingCustomers"};

    @TempDir
    Path dir;

    /** The expected answer and the expected movements table (signed MRR, customers). */
    record Expected(KpiResult result, List<List<Object>> movements) {
    }

    static Expected reference(Dataset d, KpiQuery q) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        if (before.isEmpty() && after.isEmpty()) {
            return new Expected(KpiResult.noData("nothing paying"), null);
        }
        Set<Long> paidBefore = new HashSet<>();
        for (Subscription s : d.subscriptions) {
            if (s.mrrCents() > 0 && s.startedAt().getEpochSecond() < Reference.from(q)) {
                paidBefore.add(s.customerId());
            }
        }
        long start = 0, end = 0, added = 0, expansion = 0, reactivation = 0, contraction = 0, churn = 0;
        long newCustomers = 0, expanded = 0, reactivated = 0, contracted = 0, churned = 0;
        Set<Long> everyone = new HashSet<>(before.keySet());
        everyone.addAll(after.keySet());
        for (long c : everyone) {
            long was = before.getOrDefault(c, 0L);
            long is = after.getOrDefault(c, 0L);
            start += was;
            end += is;
            if (was == 0 && paidBefore.contains(c)) {
                reactivation += is;
                reactivated++;
            } else if (was == 0) {
                added += is;
                newCustomers++;
            } else if (is == 0) {
                churn += was;
                churned++;
            } else if (is > was) {
                expansion += is - was;
                expanded++;
            } else if (is < was) {
                contraction += was - is;
                contracted++;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("startMrr", start / 100.0);
        details.put("new", added / 100.0);
        details.put("expansion", expansion / 100.0);
        details.put("reactivation", reactivation / 100.0);
        details.put("contraction", contraction / 100.0);
        details.put("churn", churn / 100.0);
        details.put("netNew", (end - start) / 100.0);
        details.put("endMrr", end / 100.0);
        details.put("payingCustomers", (long) after.size());
        List<List<Object>> movements = List.of(
                List.of("start", start / 100.0, (long) before.size()),
                List.of("new", added / 100.0, newCustomers),
                List.of("expansion", expansion / 100.0, expanded),
                List.of("reactivation", reactivation / 100.0, reactivated),
                List.of("contraction", -contraction / 100.0, contracted),
                List.of("churn", -churn / 100.0, churned),
                List.of("end", end / 100.0, (long) after.size()));
        return new Expected(new KpiResult(end / 100.0, null, null, after.size(), null, details), movements);
    }

    private static long cents(Object amount) {
        return Math.round(((Number) amount).doubleValue() * 100);
    }

    @Test
    void valueAndMovements() {
        Differential.check(dir, 40, MonthlyRecurringRevenue::new, (d, q) -> reference(d, q).result(), DETAILS);
    }

    @Test
    void movementsReconcileToTheCentAndMatchTheTable() throws IOException {
        for (long seed = 1; seed <= 40; seed++) {
            Dataset data = RandomData.generate(seed);
            try (Fixture fixture = Fixture.in(Files.createDirectories(dir.resolve("table-" + seed)))) {
                fixture.load(data);
                MonthlyRecurringRevenue kpi = new MonthlyRecurringRevenue(fixture.metrics());
                for (KpiQuery q : Differential.queries(data)) {
                    String where = "mrr, seed " + seed + ", " + q.period() + ", " + q.segment();
                    Expected expected = reference(data, q);
                    KpiResult actual = kpi.compute(q);
                    Differential.assertSame(expected.result(), actual, where, DETAILS);
                    if (!actual.hasValue()) {
                        continue;
                    }
                    Map<String, Object> d = actual.details();
                    long moved = cents(d.get("startMrr")) + cents(d.get("new")) + cents(d.get("expansion"))
                            + cents(d.get("reactivation")) - cents(d.get("contraction")) - cents(d.get("churn"));
                    if (moved != cents(d.get("endMrr")) || moved != cents(actual.value())) {
                        throw new AssertionError(where + ": movements reach " + moved + " cents, end MRR is " + d.get("endMrr"));
                    }
                    KpiTable table = actual.table("movements").orElseThrow(() -> new AssertionError(where + ": no movements table"));
                    long signed = 0;
                    for (int i = 0; i < 6; i++) {
                        signed += cents(table.rows().get(i).get(1));
                    }
                    if (signed != cents(table.rows().get(6).get(1))) {
                        throw new AssertionError(where + ": the movements table adds up to " + signed + " cents, not its end");
                    }
                    if (!expected.movements().equals(table.rows())) {
                        throw new AssertionError(where + ": movements " + expected.movements() + " but SQL answered " + table.rows());
                    }
                }
            }
        }
    }
}
