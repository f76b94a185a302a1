package io.vitals.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.store.MetricStore;
import io.vitals.testdb.TestStores;

/**
 * Runs a KPI's SQL against a plain Java reference on many random datasets and fails with the seed
 * and the question that show a disagreement:
 *
 * <pre>
 * Differential.check(dir, 40, store -> new NetPromoterScore(store, Settings.DEFAULT), NpsReference::compute);
 * </pre>
 */
public final class Differential {

    private static final double TOLERANCE = 1e-9;

    private Differential() {
    }

    /** On PostgreSQL, which answers each query slower than an in-process SQLite, fewer datasets keep the build short. */
    static final int POSTGRESQL_SEEDS = 12;

    /** Seeds 1..{@code seeds} (at most {@value #POSTGRESQL_SEEDS} on PostgreSQL); for each, every question {@link RandomData#queries} asks. */
    public static void check(Path folder, int seeds, Function<MetricStore, Kpi> sql,
            BiFunction<Dataset, KpiQuery, KpiResult> reference, String... detailsToCompare) {
        for (long seed = 1; seed <= seeds(seeds); seed++) {
            Dataset data = RandomData.generate(seed);
            try (Fixture fixture = Fixture.in(dir(folder, seed))) {
                fixture.load(data);
                Kpi kpi = sql.apply(fixture.metrics());
                for (KpiQuery q : RandomData.queries(data)) {
                    KpiResult expected = reference.apply(data, q);
                    KpiResult actual = kpi.compute(q);
                    String where = kpi.definition().id() + ", seed " + seed + ", " + q.period() + ", " + q.segment();
                    assertSame(expected, actual, where, detailsToCompare);
                }
            }
        }
    }

    /** How many datasets {@link #check} really reads when asked for {@code requested} (fewer on PostgreSQL). */
    public static int seeds(int requested) {
        return TestStores.postgresql() ? Math.min(requested, POSTGRESQL_SEEDS) : requested;
    }

    /** A count a test expects over {@code requested} datasets, scaled to the datasets really read. */
    public static int scaled(int countOverRequested, int requested) {
        return countOverRequested * seeds(requested) / requested;
    }

    private static Path dir(Path folder, long seed) {
        try {
            return Files.createDirectories(folder.resolve("seed-" + seed));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Equal values (or both no data), numerators, denominators, sample sizes and the named details. */
    public static void assertSame(KpiResult expected, KpiResult actual, String where, String... details) {
        if (expected.hasValue() != actual.hasValue()) {
            throw new AssertionError(where + ": expected " + describe(expected) + " but SQL answered " + describe(actual));
        }
        check(where + " value", expected.value(), actual.value());
        check(where + " numerator", expected.numerator(), actual.numerator());
        check(where + " denominator", expected.denominator(), actual.denominator());
        if (expected.sampleSize() != actual.sampleSize()) {
            throw new AssertionError(where + ": sample size expected " + expected.sampleSize() + " but was " + actual.sampleSize());
        }
        for (String key : expected.hasValue() ? details : new String[0]) {
            Object e = expected.details().get(key);
            Object a = actual.details().get(key);
            if (e instanceof Number en && a instanceof Number an) {
                check(where + " " + key, en.doubleValue(), an.doubleValue());
            } else if (!Objects.equals(e, a)) {
                throw new AssertionError(where + ": " + key + " expected " + e + " but was " + a);
            }
        }
    }

    private static void check(String what, Double expected, Double actual) {
        if (expected == null && actual == null) {
            return;
        }
        if (expected == null || actual == null
                || Math.abs(expected - actual) > TOLERANCE * Math.max(1, Math.abs(expected))) {
            throw new AssertionError(what + ": expected " + expected + " but was " + actual);
        }
    }

    private static String describe(KpiResult r) {
        return r.hasValue() ? "value " + r.value() : "no data (" + r.noDataReason() + ")";
    }

    /** The questions for one dataset, for tests that loop themselves. */
    public static List<KpiQuery> queries(Dataset data) {
        return RandomData.queries(data);
    }
}
