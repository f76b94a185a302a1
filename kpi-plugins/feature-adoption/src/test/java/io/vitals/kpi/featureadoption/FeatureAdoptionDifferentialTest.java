package io.vitals.kpi.featureadoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
import io.vitals.kpi.featureadoption.FeatureAdoption.Per;
import io.vitals.kpi.featureadoption.FeatureAdoption.Settings;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Fixture;
import io.vitals.testkit.RandomData;
import io.vitals.testkit.Reference;

/** Feature adoption in SQL against loops over the usage events, on random datasets. */
class FeatureAdoptionDifferentialTest {

    @TempDir
    Path dir;

    record Feature(String name, long adopters, double share) {
    }

    /** The features of the period with their adopters and shares, most adopted first, then by name. */
    static List<Feature> features(Dataset d, KpiQuery q, Per per, List<String> exclude) {
        Set<String> active = new HashSet<>();
        Map<String, Set<String>> adopters = new HashMap<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), q.period()) && d.inSegment(e.customerId(), q.segment())) {
                String who = per == Per.ACCOUNT ? String.valueOf(e.customerId()) : e.customerId() + "/" + e.userId();
                active.add(who);
                if (!exclude.contains(e.event())) {
                    adopters.computeIfAbsent(e.event(), k -> new HashSet<>()).add(who);
                }
            }
        }
        List<Feature> out = new ArrayList<>();
        adopters.forEach((name, who) -> out.add(new Feature(name, who.size(), 100.0 * who.size() / active.size())));
        out.sort(Comparator.comparingDouble(Feature::share).reversed().thenComparing(Feature::name));
        return out;
    }

    static long active(Dataset d, KpiQuery q, Per per) {
        Set<String> active = new HashSet<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), q.period()) && d.inSegment(e.customerId(), q.segment())) {
                active.add(per == Per.ACCOUNT ? String.valueOf(e.customerId()) : e.customerId() + "/" + e.userId());
            }
        }
        return active.size();
    }

    static KpiResult reference(Dataset d, KpiQuery q, Per per, List<String> exclude) {
        long active = active(d, q, per);
        List<Feature> features = features(d, q, per, exclude);
        if (active == 0 || features.isEmpty()) {
            return KpiResult.noData("no active accounts or no features");
        }
        double mean = features.stream().mapToDouble(Feature::share).average().orElseThrow();
        return new KpiResult(mean, null, null, active, null,
                Map.of("features", (long) features.size(), "activeAccounts", active));
    }

    @Test
    void perAccountWithoutLogins() {
        Differential.check(dir, 40, store -> new FeatureAdoption(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, Per.ACCOUNT, List.of("login")), "features", "activeAccounts");
    }

    @Test
    void perUserEveryEvent() {
        Differential.check(dir, 40, store -> new FeatureAdoption(store, new Settings(Per.USER, "")),
                (d, q) -> reference(d, q, Per.USER, List.of()), "features", "activeAccounts");
    }

    @Test
    void theFeaturesTableRowByRow() {
        for (Per per : Per.values()) {
            for (long seed = 1; seed <= 15; seed++) {
                Dataset data = RandomData.generate(seed);
                try (Fixture fixture = Fixture.in(createDirectories(dir.resolve(per + "-" + seed)))) {
                    fixture.load(data);
                    FeatureAdoption kpi = new FeatureAdoption(fixture.metrics(), new Settings(per, "login,invite_user"));
                    for (KpiQuery q : Differential.queries(data)) {
                        List<Feature> expected = features(data, q, per, List.of("login", "invite_user"));
                        KpiResult actual = kpi.compute(q);
                        String where = per + ", seed " + seed + ", " + q.period() + ", " + q.segment();
                        if (!actual.hasValue()) {
                            assertTrue(active(data, q, per) == 0 || expected.isEmpty(), where + ": no data, yet features " + expected);
                            continue;
                        }
                        KpiTable t = actual.table("features").orElseThrow();
                        assertEquals(expected.size(), t.rows().size(), where);
                        for (int i = 0; i < expected.size(); i++) {
                            List<Object> row = t.rows().get(i);
                            assertEquals(expected.get(i).name(), row.get(0), where + " row " + i);
                            assertEquals(expected.get(i).adopters(), row.get(1), where + " row " + i);
                            assertEquals(expected.get(i).share(), (Double) row.get(2), 1e-9, where + " row " + i);
                        }
                    }
                }
            }
        }
    }

    private static Path createDirectories(Path p) {
        try {
            return java.nio.file.Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
