package io.vitals.kpi.arr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** ARR and its movements in SQL against a loop over each customer's MRR, on random datasets. */
class AnnualRecurringRevenueDifferentialTest {

    @TempDir
    Path dir;

    /** Monthly cents per movement, and customers per movement, in the table's order. */
    record Movements(Map<String, Long> cents, Map<String, Long> customers) {
    }

    static Movements movements(Dataset d, KpiQuery q) {
        Set<Long> segment = d.customersIn(q.segment());
        Map<Long, Long> before = Reference.mrrAt(d, Reference.from(q), segment);
        Map<Long, Long> after = Reference.mrrAt(d, Reference.to(q), segment);
        Set<Long> paidBefore = new HashSet<>();
        for (Subscription s : d.subscriptions) {
            if (s.mrrCents() > 0 && s.startedAt().getEpochSecond() < Reference.from(q) && segment.contains(s.customerId())) {
                paidBefore.add(s.customerId());
            }
        }
        Map<String, Long> cents = new LinkedHashMap<>();
        Map<String, Long> customers = new LinkedHashMap<>();
        for (String m : List.of("start", "new", "expansion", "reactivation", "contraction", "churn", "end")) {
            cents.put(m, 0L);
            customers.put(m, 0L);
        }
        Set<Long> everyone = new HashSet<>(before.keySet());
        everyone.addAll(after.keySet());
        for (long c : everyone) {
            long b = before.getOrDefault(c, 0L);
            long a = after.getOrDefault(c, 0L);
            String movement;
            long amount;
            if (b == 0) {
                movement = paidBefore.contains(c) ? "reactivation" : "new";
                amount = a;
            } else if (a == 0) {
                movement = "churn";
                amount = -b;
            } else if (a > b) {
                movement = "expansion";
                amount = a - b;
            } else if (a < b) {
                movement = "contraction";
                amount = a - b;
            } else {
                movement = null;
                amount = 0;
            }
            if (movement != null) {
                cents.merge(movement, amount, Long::sum);
                customers.merge(movement, 1L, Long::sum);
            }
            if (b > 0) {
                cents.merge("start", b, Long::sum);
                customers.merge("start", 1L, Long::sum);
            }
            if (a > 0) {
                cents.merge("end", a, Long::sum);
                customers.merge("end", 1L, Long::sum);
            }
        }
        return new Movements(cents, customers);
    }

    static double arr(long monthlyCents) {
        return monthlyCents * 12 / 100.0;
    }

    static KpiResult reference(Dataset d, KpiQuery q) {
        Movements m = movements(d, q);
        if (m.customers().get("start") == 0 && m.customers().get("end") == 0) {
            return KpiResult.noData("nobody paying");
        }
        Map<String, Long> c = m.cents();
        long netNew = c.get("new") + c.get("expansion") + c.get("reactivation") + c.get("contraction") + c.get("churn");
        if (c.get("start") + netNew != c.get("end")) {
            throw new AssertionError("the reference's movements do not reconcile");
        }
        long payingAtEnd = m.customers().get("end");
        return KpiResult.value(arr(c.get("end")), payingAtEnd)
                .with("startArr", arr(c.get("start")))
                .with("new", arr(c.get("new")))
                .with("expansion", arr(c.get("expansion")))
                .with("reactivation", arr(c.get("reactivation")))
                .with("contraction", arr(-c.get("contraction")))
                .with("churn", arr(-c.get("churn")))
                .with("netNew", arr(netNew))
                .with("endArr", arr(c.get("end")))
                .with("payingCustomers", payingAtEnd);
    }

    @Test
    void matchesTheReference() {
        Differential.check(dir, 40, AnnualRecurringRevenue::new, AnnualRecurringRevenueDifferentialTest::reference,
                "startArr", "new", "expansion", "reactivation", "contraction", "churn", "netNew", "endArr", "payingCustomers");
    }

    @Test
    void movementsTableMatchesTheReference() throws Exception {
        int compared = 0;
        for (long seed = 1; seed <= 15; seed++) {
            Dataset data = RandomData.generate(seed);
            try (Fixture fixture = Fixture.in(Files.createDirectories(dir.resolve("table-" + seed)))) {
                fixture.load(data);
                AnnualRecurringRevenue kpi = new AnnualRecurringRevenue(fixture.metrics());
                for (KpiQuery q : Differential.queries(data)) {
                    KpiResult actual = kpi.compute(q);
                    if (!actual.hasValue()) {
                        continue;
                    }
                    Movements m = movements(data, q);
                    KpiTable t = actual.table("movements").orElseThrow();
                    for (List<Object> row : t.rows()) {
                        String movement = (String) row.get(0);
                        String where = "seed " + seed + ", " + q.period() + ", " + q.segment() + ", " + movement;
                        assertEquals(arr(m.cents().get(movement)), (double) row.get(1), 1e-9, where);
                        assertEquals(m.customers().get(movement), row.get(2), where);
                    }
                    compared++;
                }
            }
        }
        assertTrue(compared > 300, "only " + compared + " tables compared");
    }
}
