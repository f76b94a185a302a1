package io.vitals.kpi.cohort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.cohort.CohortRetention.CohortBy;
import io.vitals.kpi.cohort.CohortRetention.Settings;
import io.vitals.model.Subscription;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Fixture;
import io.vitals.testkit.RandomData;
import io.vitals.testkit.Reference;

/** Cohort retention in SQL against loops over each customer's join month and paying state, on random datasets. */
class CohortRetentionDifferentialTest {

    @TempDir
    Path dir;

    /** When a customer joined its cohort, or null when it never did (no paying span, by first payment). */
    static Instant joined(Dataset d, long customerId, CohortBy by) {
        if (by == CohortBy.SIGNUP) {
            return d.customer(customerId).signupAt();
        }
        Instant first = null;
        for (Subscription s : d.subscriptions) {
            if (s.customerId() == customerId && s.mrrCents() > 0 && (first == null || s.startedAt().isBefore(first))) {
                first = s.startedAt();
            }
        }
        return first;
    }

    /** The first days of the months that start in the period. */
    static List<LocalDate> months(KpiQuery q) {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate m = q.period().from().withDayOfMonth(1); m.isBefore(q.period().to()); m = m.plusMonths(1)) {
            if (!m.isBefore(q.period().from())) {
                out.add(m);
            }
        }
        return out;
    }

    /** The members of each cohort month of the period. */
    static Map<LocalDate, Set<Long>> cohorts(Dataset d, KpiQuery q, CohortBy by) {
        Map<LocalDate, Set<Long>> cohorts = new HashMap<>();
        for (LocalDate m : months(q)) {
            cohorts.put(m, new HashSet<>());
        }
        for (long c : d.customersIn(q.segment())) {
            Instant t = joined(d, c, by);
            if (t != null) {
                LocalDate month = LocalDate.ofInstant(t, ZoneOffset.UTC).withDayOfMonth(1);
                if (cohorts.containsKey(month)) {
                    cohorts.get(month).add(c);
                }
            }
        }
        return cohorts;
    }

    static KpiResult reference(Dataset d, KpiQuery q, CohortBy by) {
        if (months(q).isEmpty()) {
            return KpiResult.noData("no cohort months");
        }
        Set<Long> members = new HashSet<>();
        long nonEmpty = 0;
        for (Set<Long> cohort : cohorts(d, q, by).values()) {
            members.addAll(cohort);
            nonEmpty += cohort.isEmpty() ? 0 : 1;
        }
        if (members.isEmpty()) {
            return KpiResult.noData("no members");
        }
        Set<Long> segment = d.customersIn(q.segment());
        if (d.subscriptions.stream().noneMatch(s -> s.startedAt().getEpochSecond() < Reference.to(q) && segment.contains(s.customerId()))) {
            return KpiResult.noData("no subscriptions recorded");
        }
        Set<Long> paying = Reference.payingAt(d, Reference.to(q), members);
        return new KpiResult(100.0 * paying.size() / members.size(), (double) paying.size(), (double) members.size(),
                members.size(), null, Map.of("cohorts", nonEmpty, "customers", (long) members.size()));
    }

    /** The matrix: a row per cohort month, its size, then retention at each age whose boundary is not after the period. */
    static List<List<Object>> matrix(Dataset d, KpiQuery q, CohortBy by) {
        Map<LocalDate, Set<Long>> cohorts = cohorts(d, q, by);
        List<LocalDate> months = months(q);
        int width = 0;
        while (!months.get(0).plusMonths(width + 1).isAfter(q.period().to())) {
            width++;
        }
        List<List<Object>> rows = new ArrayList<>();
        for (LocalDate m : months) {
            Set<Long> members = cohorts.get(m);
            List<Object> row = new ArrayList<>();
            row.add(String.format("%d-%02d", m.getYear(), m.getMonthValue()));
            row.add((long) members.size());
            for (int k = 0; k < width; k++) {
                LocalDate boundary = m.plusMonths(k + 1);
                if (boundary.isAfter(q.period().to()) || members.isEmpty()) {
                    row.add(null);
                } else {
                    row.add(100.0 * Reference.payingAt(d, Reference.epoch(boundary), members).size() / members.size());
                }
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void byFirstPayment() {
        Differential.check(dir, 40, store -> new CohortRetention(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, CohortBy.FIRST_PAYMENT), "cohorts", "customers");
    }

    @Test
    void bySignup() {
        Differential.check(dir, 40, store -> new CohortRetention(store, new Settings(CohortBy.SIGNUP)),
                (d, q) -> reference(d, q, CohortBy.SIGNUP), "cohorts", "customers");
    }

    @Test
    void everyCellOfTheMatrix() throws IOException {
        for (CohortBy by : CohortBy.values()) {
            for (long seed = 1; seed <= 20; seed++) {
                Dataset data = RandomData.generate(seed);
                try (Fixture fixture = Fixture.in(Files.createDirectories(dir.resolve(by + "-" + seed)))) {
                    fixture.load(data);
                    CohortRetention kpi = new CohortRetention(fixture.metrics(), new Settings(by));
                    for (KpiQuery q : Differential.queries(data)) {
                        String where = by + ", seed " + seed + ", " + q.period() + ", " + q.segment();
                        KpiResult actual = kpi.compute(q);
                        if (months(q).isEmpty()) {
                            if (actual.hasValue()) {
                                throw new AssertionError(where + ": a period without cohort months has a value");
                            }
                            continue;
                        }
                        if ("no subscriptions recorded".equals(reference(data, q, by).noDataReason())) {
                            if (actual.hasValue() || actual.table("cohorts").isPresent()) {
                                throw new AssertionError(where + ": signups billing knows nothing of have a value or a matrix");
                            }
                            continue;
                        }
                        KpiTable table = actual.table("cohorts").orElseThrow(() -> new AssertionError(where + ": no table"));
                        List<List<Object>> expected = matrix(data, q, by);
                        if (table.columns().size() != expected.get(0).size()) {
                            throw new AssertionError(where + ": columns " + table.columns() + " for rows like " + expected.get(0));
                        }
                        assertCells(where, expected, table.rows());
                    }
                }
            }
        }
    }

    private static void assertCells(String where, List<List<Object>> expected, List<List<Object>> actual) {
        if (expected.size() != actual.size()) {
            throw new AssertionError(where + ": " + expected.size() + " cohorts expected, got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < expected.get(i).size(); j++) {
                Object e = expected.get(i).get(j);
                Object a = actual.get(i).get(j);
                boolean same = e instanceof Double ed && a instanceof Double ad ? Math.abs(ed - ad) < 1e-9 : java.util.Objects.equals(e, a);
                if (!same) {
                    throw new AssertionError(where + ": row " + expected.get(i) + " but SQL answered " + actual.get(i));
                }
            }
        }
    }
}
