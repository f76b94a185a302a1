package io.vitals.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.Grain;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Unit;
import io.vitals.store.MetricStore;

/** Answers are kept while the data, the KPI and the question stay the same, and never longer. */
class KpiCatalogueTest {

    /** Counts its computations; its answer is the number of the computation, so a kept one is recognisable. */
    static final class CountingKpi implements Kpi {
        final AtomicInteger computed = new AtomicInteger();
        volatile String threshold = "9";
        volatile boolean failing;
        volatile int failingComputation;
        /** When set, a computation says it has started and then waits until it is let go. */
        volatile CountDownLatch started;
        volatile CountDownLatch letGo;

        @Override
        public KpiDefinition definition() {
            return KpiDefinition.builder("counted").name("Counted").category(Category.ENGAGEMENT).unit(Unit.COUNT)
                    .direction(Direction.HIGHER_IS_BETTER).parameter("threshold", threshold, "9", "a setting").build();
        }

        @Override
        public KpiResult compute(KpiQuery query) {
            int n = computed.incrementAndGet();
            CountDownLatch gate = letGo;
            if (gate != null) {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failing || n == failingComputation) {
                throw new IllegalStateException("the database is down");
            }
            return KpiResult.value(n, n);
        }
    }

    final AtomicLong version = new AtomicLong(7);
    final MetricStore store = (MetricStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MetricStore.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "dataVersion" -> version.get();
                case "hashCode" -> 1;
                case "equals" -> proxy == args[0];
                // the registry asks its store for the data version only
                default -> throw new AssertionError("the registry asked the store for " + method.getName());
            });
    final CountingKpi kpi = new CountingKpi();
    final KpiCatalogue registry = new KpiCatalogue();
    final KpiQuery october = new KpiQuery(Period.parse("2026-10-01", "2026-11-01"), Segment.ALL);

    @SuppressWarnings("unchecked")
    static ServiceReference<Kpi> reference(long serviceId) {
        Map<String, Object> properties = Map.of(Constants.SERVICE_ID, serviceId);
        return (ServiceReference<Kpi>) Proxy.newProxyInstance(KpiCatalogueTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get(args[0]);
                    case "getBundle" -> null;
                    case "hashCode" -> (int) serviceId;
                    case "equals" -> proxy == args[0];
                    case "compareTo" -> 0;
                    // the registry reads a KPI's service properties and bundle only
                    default -> throw new AssertionError("the registry asked its service reference for " + method.getName());
                });
    }

    final ServiceReference<Kpi> first = reference(1);

    @BeforeEach
    void register() {
        registry.addKpi(first, kpi);
        registry.bindStore(store);
    }

    @Test
    void theSameQuestionOverTheSameDataIsAnsweredOnce() {
        KpiResult first = registry.compute("counted", october);
        assertSame(first, registry.compute("counted", october));
        assertEquals(1, kpi.computed.get());
        assertEquals(1.0, first.value());
    }

    @Test
    void committedDataMakesItANewQuestion() {
        registry.compute("counted", october);
        version.incrementAndGet();
        assertEquals(2.0, registry.compute("counted", october).value());
        assertEquals(2.0, registry.compute("counted", october).value());
    }

    @Test
    void anotherPeriodSegmentOrGrainIsAnotherQuestion() {
        registry.compute("counted", october);
        registry.compute("counted", new KpiQuery(Period.parse("2026-09-01", "2026-10-01"), Segment.ALL));
        registry.compute("counted", new KpiQuery(october.period(), Segment.parse(java.util.List.of("plan=pro"))));
        assertEquals(3, kpi.computed.get());
        // a series by week asks each week once (5 buckets in October), then keeps the series
        registry.series("counted", october, Grain.WEEK);
        int afterSeries = kpi.computed.get();
        registry.series("counted", october, Grain.WEEK);
        assertEquals(afterSeries, kpi.computed.get());
        registry.series("counted", october, Grain.DAY);
        assertEquals(afterSeries + 31, kpi.computed.get());
    }

    @Test
    void aReconfiguredKpiIsAskedAfresh() {
        registry.compute("counted", october);
        kpi.threshold = "8";
        assertEquals(2.0, registry.compute("counted", october).value());
    }

    /** Two askers of October: the first held inside its computation until {@code gate} is let go. */
    record Held(Future<KpiResult> first, Future<KpiResult> second, CountDownLatch gate) {
    }

    /** Computations after the held one are not held. */
    Held twoAskersTheFirstHeld(ExecutorService askers) throws InterruptedException {
        kpi.started = new CountDownLatch(1);
        kpi.letGo = new CountDownLatch(1);
        Future<KpiResult> first = askers.submit(() -> registry.compute("counted", october));
        assertTrue(kpi.started.await(10, TimeUnit.SECONDS));
        Future<KpiResult> second = askers.submit(() -> registry.compute("counted", october));
        CountDownLatch gate = kpi.letGo;
        kpi.letGo = null;
        return new Held(first, second, gate);
    }

    @Test
    void whoAsksWhileTheSameQuestionIsComputedWaitsForThatAnswer() throws Exception {
        ExecutorService askers = Executors.newFixedThreadPool(2);
        try {
            Held held = twoAskersTheFirstHeld(askers);
            Future<KpiResult> first = held.first();
            Future<KpiResult> second = held.second();
            CountDownLatch gate = held.gate();
            // another question is not held up by it
            assertEquals(2.0, registry.compute("counted", new KpiQuery(Period.parse("2026-09-01", "2026-10-01"), Segment.ALL)).value());
            Thread.sleep(100); // the second asker is waiting by now (a wrong registry would have computed it)
            assertEquals(2, kpi.computed.get());
            gate.countDown();
            assertSame(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));
            assertEquals(1.0, second.get().value());
            assertEquals(2, kpi.computed.get());
        } finally {
            askers.shutdownNow();
        }
    }

    @Test
    void whoWaitedForAFailedComputationComputesOnItsOwn() throws Exception {
        kpi.failingComputation = 1;
        ExecutorService askers = Executors.newFixedThreadPool(2);
        try {
            Held held = twoAskersTheFirstHeld(askers);
            Future<KpiResult> first = held.first();
            Future<KpiResult> second = held.second();
            Thread.sleep(100); // the second asker is waiting for the first computation by now
            held.gate().countDown();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
            assertEquals("the database is down", failed.getCause().getMessage());
            assertEquals(2.0, second.get(10, TimeUnit.SECONDS).value());
            assertEquals(2, kpi.computed.get());
        } finally {
            askers.shutdownNow();
        }
    }

    @Test
    void failuresAreNotKept() {
        kpi.failing = true;
        assertThrows(IllegalStateException.class, () -> registry.compute("counted", october));
        kpi.failing = false;
        assertEquals(2.0, registry.compute("counted", october).value());
    }

    @Test
    void nothingIsKeptWithoutAStoreOrWhenSwitchedOff() {
        registry.unbindStore(store);
        registry.compute("counted", october);
        registry.compute("counted", october);
        assertEquals(2, kpi.computed.get());

        registry.bindStore(store);
        registry.configure(config(0));
        registry.compute("counted", october);
        registry.compute("counted", october);
        assertEquals(4, kpi.computed.get());
    }

    @Test
    void aStoreThatCannotTellKeepsNothing() {
        version.set(-1);
        registry.compute("counted", october);
        registry.compute("counted", october);
        assertEquals(2, kpi.computed.get());
    }

    @Test
    void theLeastRecentlyUsedAnswerGoesFirst() {
        registry.configure(config(2));
        KpiQuery september = new KpiQuery(Period.parse("2026-09-01", "2026-10-01"), Segment.ALL);
        KpiQuery august = new KpiQuery(Period.parse("2026-08-01", "2026-09-01"), Segment.ALL);
        registry.compute("counted", october);
        registry.compute("counted", september);
        registry.compute("counted", october); // october used last: september goes when august comes
        registry.compute("counted", august);
        assertEquals(3, kpi.computed.get());
        registry.compute("counted", october);
        assertEquals(3, kpi.computed.get());
        registry.compute("counted", september);
        assertEquals(4, kpi.computed.get());
    }

    @Test
    void aKpiGoneTakesItsAnswersWithIt() {
        registry.compute("counted", october);
        ServiceReference<Kpi> second = reference(2);
        CountingKpi newer = new CountingKpi();
        registry.addKpi(second, newer); // the same id, registered later: it answers now
        assertEquals(1.0, registry.compute("counted", october).value());
        assertEquals(1, newer.computed.get());
        registry.removeKpi(second);
        registry.compute("counted", october);
        assertEquals(1, kpi.computed.get(), "the first KPI's answer is still right for it");
    }

    @Test
    void aQuestionWhileAKpiIsReconfiguredWaitsForItsNewComponent() throws Exception {
        registry.removeKpi(first); // a new configuration: SCR deactivates the component, then activates a new one
        CountingKpi reconfigured = new CountingKpi();
        Thread back = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            registry.addKpi(reference(3), reconfigured);
        });
        back.start();
        assertEquals(1.0, registry.compute("counted", october).value(), "answered by the new component, not 'unknown KPI'");
        assertEquals(1, reconfigured.computed.get());
        back.join();
    }

    @Test
    void aKpiNeverSeenOrGoneForGoodIsUnknown() {
        io.vitals.kpi.UnknownKpiException typo = assertThrows(io.vitals.kpi.UnknownKpiException.class,
                () -> registry.compute("countd", october));
        assertTrue(typo.getMessage().contains("did you mean 'counted'"), typo.getMessage());
        registry.removeKpi(first);
        assertThrows(io.vitals.kpi.UnknownKpiException.class, () -> registry.compute("counted", october)); // after the wait
        assertThrows(io.vitals.kpi.UnknownKpiException.class, () -> registry.compute("counted", october)); // at once
    }

    /** A KPI that works until its time limit stops it, as the store's statements do, and counts how often it was asked. */
    static final class SlowKpi implements Kpi {
        final AtomicInteger computed = new AtomicInteger();

        @Override
        public KpiDefinition definition() {
            return KpiDefinition.builder("slow").name("Slow").category(Category.ENGAGEMENT).unit(Unit.COUNT)
                    .direction(Direction.HIGHER_IS_BETTER).build();
        }

        @Override
        public KpiResult compute(KpiQuery query) {
            computed.incrementAndGet();
            while (true) {
                io.vitals.kpi.TimeLimit.remainingNanos(); // throws once the limit has run out
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void aComputationPastItsTimeLimitFailsNamingTheKpiAndThoseWaitingForItAreToldTheSame() throws Exception {
        registry.configure(config(100, 1, 1, KpiCatalogue.MAX_BUCKETS));
        SlowKpi slow = new SlowKpi();
        registry.addKpi(reference(5), slow);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            java.util.List<Future<KpiResult>> asked = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                asked.add(pool.submit(() -> registry.compute("slow", october)));
            }
            for (Future<KpiResult> f : asked) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof io.vitals.kpi.TimeLimitExceededException, e.getCause().toString());
                assertEquals("KPI 'slow' for 2026-10-01..2026-11-01 took longer than 1 s, its time limit, and was stopped;"
                        + " ask a shorter period or a coarser grain, or raise the limit in etc/vitals.registry.cfg", e.getCause().getMessage());
            }
            assertEquals(1, slow.computed.get(), "the same question asked meanwhile waits for the one computation");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSeriesWithMoreBucketsThanAllowedIsRefusedBeforeAnythingIsComputed() {
        registry.configure(config(100, 60, 30, 31));
        Period year = new Period(java.time.LocalDate.of(2025, 1, 1), java.time.LocalDate.of(2026, 1, 1));
        io.vitals.kpi.InvalidQueryException e = assertThrows(io.vitals.kpi.InvalidQueryException.class,
                () -> registry.series("counted", KpiQuery.of(year), Grain.DAY));
        assertEquals("a series by day over 2025-01-01..2026-01-01 has 365 buckets, more than the 31 allowed; ask a coarser --by"
                + " or a shorter period (maxBuckets in etc/vitals.registry.cfg)", e.getMessage());
        assertEquals(0, kpi.computed.get());
        assertEquals(12, registry.series("counted", KpiQuery.of(year), Grain.MONTH).points().size());
        Period january = new Period(java.time.LocalDate.of(2026, 1, 1), java.time.LocalDate.of(2026, 2, 1));
        assertEquals(31, registry.series("counted", KpiQuery.of(january), Grain.DAY).points().size(), "31 is allowed");
    }

    static KpiCatalogue.Config config(int kept) {
        return config(kept, 60, 30, KpiCatalogue.MAX_BUCKETS);
    }

    static KpiCatalogue.Config config(int kept, int limitSeconds, int declaredLimitSeconds, int maxBuckets) {
        return new KpiCatalogue.Config() {
            @Override
            public int timeLimitSeconds() {
                return limitSeconds;
            }

            @Override
            public int declaredTimeLimitSeconds() {
                return declaredLimitSeconds;
            }

            @Override
            public int maxBuckets() {
                return maxBuckets;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return KpiCatalogue.Config.class;
            }

            @Override
            public int keptResults() {
                return kept;
            }
        };
    }
}
