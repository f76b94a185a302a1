package io.vitals.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;
import io.vitals.kpi.Unit;

class ReporterTest {

    /** A registry of three KPIs with known answers per month, one of them broken. */
    static class KnownAnswers implements KpiRegistry {
        final Map<String, Map<Period, KpiResult>> answers;
        final List<KpiInfo> infos = new ArrayList<>();

        KnownAnswers(Map<String, Map<Period, KpiResult>> answers) {
            this.answers = answers;
            infos.add(info("nps", Category.SATISFACTION, Direction.HIGHER_IS_BETTER));
            infos.add(info("customer-churn-rate", Category.RETENTION, Direction.LOWER_IS_BETTER));
            infos.add(info("broken", Category.CUSTOM, Direction.NEUTRAL));
        }

        static KpiInfo info(String id, Category category, Direction direction) {
            return new KpiInfo(KpiDefinition.builder(id).name(id).category(category).unit(Unit.SCORE).direction(direction).build(),
                    "test", "1.0");
        }

        @Override public List<KpiInfo> list() { return infos; }
        @Override public Optional<KpiInfo> find(String id) { return infos.stream().filter(i -> i.id().equals(id)).findFirst(); }
        @Override public KpiResult compute(String id, KpiQuery query) {
            if (id.equals("broken")) {
                throw new IllegalStateException("the database is on fire\nsecond line");
            }
            return answers.get(id).getOrDefault(query.period(), KpiResult.noData("nothing then"));
        }
        @Override public KpiSeries series(String id, KpiQuery query, Grain grain) {
            return new KpiSeries(grain, grain.buckets(query.period()).stream()
                    .map(bucket -> new KpiSeries.Point(bucket, compute(id, query.withPeriod(bucket)))).toList());
        }
        @Override public KpiTable customers(String id, KpiQuery query, DrillDown d) {
            // as the registry answers for a KPI without a drill-down; none of these has one
            throw new io.vitals.kpi.InvalidQueryException("KPI '" + id + "' has no drill-down to customers");
        }
        @Override public List<io.vitals.kpi.ShadowedKpi> shadowed() { return List.of(); }
        @Override public List<io.vitals.kpi.KpiProblem> problems() { return List.of(); }
    }

    static Targets targets(Target... targets) {
        Targets book = new Targets();
        for (Target t : targets) {
            book.addTarget(new ConfiguredTarget(config(t)));
        }
        return book;
    }

    static ConfiguredTarget.Config config(Target t) {
        return config(t.kpi(), String.valueOf(t.target()), t.warning() == null ? "" : String.valueOf(t.warning()),
                String.join(",", t.segment().filters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }

    /** The configuration a file such as etc/vitals.target-nps.cfg gives. */
    static ConfiguredTarget.Config config(String kpi, String target, String warning, String segment) {
        return new ConfiguredTarget.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ConfiguredTarget.Config.class; }
            @Override public String kpi() { return kpi; }
            @Override public String target() { return target; }
            @Override public String warning() { return warning; }
            @Override public String segment() { return segment; }
            @Override public String felix_fileinstall_filename() { return "vitals.target-" + kpi + ".cfg"; }
        };
    }

    @Test
    void valueChangeAndStatusPerKpi() {
        Period march = Period.month(2026, 3);
        Period february = Period.month(2026, 2);
        KnownAnswers registry = new KnownAnswers(Map.of(
                "nps", Map.of(march, KpiResult.value(32.5, 100), february, KpiResult.value(30.0, 90)),
                "customer-churn-rate", Map.of(march, KpiResult.value(2.2, 500))));
        Targets book = targets(new Target("nps", null, 30, null, null), new Target("customer-churn-rate", null, 2.0, 3.0, null));
        KpiReport report = new Reporter(registry, book, 2).report(KpiQuery.of(march));

        assertEquals(february, report.previous());
        KpiReport.Line nps = report.lines().get(0);
        assertEquals(2.5, nps.change(), 1e-12);                    // 32.5 - 30.0
        assertEquals(TargetStatus.GREEN, nps.status());            // 32.5 >= 30
        KpiReport.Line churn = report.lines().get(1);
        assertNull(churn.change(), "no change without a previous value");
        assertEquals(TargetStatus.YELLOW, churn.status());         // 2.0 < 2.2 <= 3.0
        KpiReport.Line broken = report.lines().get(2);
        assertEquals("the database is on fire", broken.failure()); // one line; the others still answered
        assertEquals(TargetStatus.NONE, broken.status());
    }

    @Test
    void aReportBeingComputedWhenTheReporterStopsEndsWithEveryLineFailedRatherThanWaitingForever() throws Exception {
        java.util.concurrent.CountDownLatch computing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        KnownAnswers registry = new KnownAnswers(Map.of("nps", Map.of(), "customer-churn-rate", Map.of())) {
            @Override public KpiResult compute(String id, KpiQuery query) {
                computing.countDown();
                try {
                    never.await(); // a long query; the pool's stop interrupts it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("interrupted");
            }
        };
        Reporter reporter = new Reporter(registry, targets(), 1);
        java.util.concurrent.CompletableFuture<KpiReport> report = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> reporter.report(KpiQuery.of(Period.month(2026, 3))));
        assertTrue(computing.await(10, java.util.concurrent.TimeUnit.SECONDS));
        reporter.stop(); // five computations are still queued behind the first
        KpiReport stopped = report.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(3, stopped.lines().size());
        assertTrue(stopped.lines().stream().allMatch(l -> l.failure() != null), stopped.lines().toString());
        assertTrue(stopped.lines().stream().anyMatch(l -> l.failure().equals("Vitals is stopping")), stopped.lines().toString());
    }

    @Test
    void aSegmentTargetWinsOverTheGeneralOne() {
        TargetBook book = targets(new Target("nps", null, 30, null, null), new Target("nps", Segment.of("plan", "pro"), 50, null, null));
        assertEquals(50.0, book.targetFor("nps", Segment.of("plan", "pro")).orElseThrow().target());
        assertEquals(30.0, book.targetFor("nps", Segment.of("plan", "starter")).orElseThrow().target(), "falls back to all customers");
        assertEquals(30.0, book.targetFor("nps", Segment.ALL).orElseThrow().target());
        assertTrue(book.targetFor("csat", Segment.ALL).isEmpty());
    }

    @Test
    void badTargetFilesAreRefusedWithTheFileName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfiguredTarget.parse(config("nps", "thirty", "", "")));
        assertEquals("vitals.target-nps.cfg: 'target' must be a number, got 'thirty'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfiguredTarget.parse(config("", "1", "", "")));
        assertEquals(Segment.of(Map.of("plan", "pro", "region", "EMEA")),
                ConfiguredTarget.parse(config("nps", "30", "", "plan=pro,region=EMEA")).segment());
    }

    @Test
    void computationsRunSideBySide() {
        // every computation waits until two are under way at once: a report run one by one never gets past the first
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        KnownAnswers registry = new KnownAnswers(Map.of()) {
            @Override public KpiResult compute(String id, KpiQuery query) {
                try {
                    together.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("computed alone: " + e);
                }
                return KpiResult.value(1.0, 1);
            }
        };
        Reporter reporter = new Reporter(registry, targets(), 2);
        try {
            KpiReport report = reporter.report(KpiQuery.of(Period.month(2026, 3)));
            assertEquals(3, report.lines().size());
            report.lines().forEach(line -> assertNull(line.failure(), line.kpi().id() + " failed: " + line.failure()));
        } finally {
            reporter.stop();
        }
    }

    @Test
    void whileDataStreamsInTheLastCompleteReportIsServedSaidToBeSoAndANewerOneComputedOnce() throws Exception {
        java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong(1);
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        KnownAnswers registry = new KnownAnswers(Map.of()) {
            @Override public KpiResult compute(String id, KpiQuery query) {
                computed.incrementAndGet();
                if (version.get() > 1) {
                    try {
                        release.await(10, java.util.concurrent.TimeUnit.SECONDS); // the second report takes its time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return KpiResult.value(version.get(), 1);
            }
        };
        Reporter reporter = new Reporter(registry, targets(), 2);
        // the reporter asks its store for the data version only
        reporter.bindStore((io.vitals.store.MetricStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {io.vitals.store.MetricStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dataVersion" -> version.get();
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> throw new AssertionError("the reporter asked its store for " + method.getName());
                }));
        try {
            KpiQuery march = KpiQuery.of(Period.month(2026, 3));
            KpiReport first = reporter.latest(march);
            assertEquals(1, first.asOf().dataVersion());
            assertTrue(!first.asOf().refreshing());
            assertEquals(6, computed.get(), "three KPIs, two periods");
            assertTrue(first == reporter.latest(march), "unchanged data: the same report");

            version.set(2); // a sync committed a page
            KpiReport during = reporter.latest(march);
            assertTrue(during.asOf().refreshing(), "served at once, said to be on earlier data: " + during.asOf() + " " + during.lines());
            assertEquals(1, during.asOf().dataVersion());
            assertEquals(1.0, during.lines().get(0).current().value());
            assertTrue(reporter.latest(march).asOf().refreshing(), "asked again meanwhile: still the last one, no second computation");

            release.countDown();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            KpiReport fresh = reporter.latest(march);
            while (fresh.asOf().refreshing() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                fresh = reporter.latest(march);
            }
            assertEquals(2, fresh.asOf().dataVersion());
            assertEquals(2.0, fresh.lines().get(0).current().value());
            assertEquals(12, computed.get(), "the newer report was computed once");
        } finally {
            reporter.stop();
        }
    }
}
