package io.vitals.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.runtime.RuntimeStatus;

/** The default report is computed ahead of its readers in a serving Vitals only, after start and after syncs that changed data. */
class ReportWarmerTest {

    final LinkedBlockingQueue<KpiQuery> asked = new LinkedBlockingQueue<>();
    final List<String> said = new CopyOnWriteArrayList<>();
    final KpiReporter reporter = query -> {
        asked.add(query);
        return new KpiReport(query, query.period().previous(), List.of(), Duration.ZERO);
    };
    ReportWarmer warmer;

    @AfterEach
    void stop() {
        if (warmer != null) {
            warmer.stop();
        }
    }

    ReportWarmer warmer(boolean serving, boolean atStart, boolean afterSync, long quietSeconds) {
        warmer = new ReportWarmer(reporter, said::add, config(atStart, afterSync, quietSeconds), () -> LocalDate.parse("2026-11-24"), serving);
        return warmer;
    }

    static SyncReport synced(long inserted, long updated) {
        return new SyncReport("crm", Instant.parse("2026-11-24T08:00:00Z"), Instant.parse("2026-11-24T08:00:05Z"),
                SyncReport.Outcome.COMPLETE, new PageCounts(inserted + updated + 3, inserted, updated, 3, 0), null);
    }

    @Test
    void atStartTheLastFullMonthIsComputedForAllCustomers() throws Exception {
        warmer(true, true, true, 0);
        KpiQuery query = asked.poll(10, TimeUnit.SECONDS);
        assertEquals(new KpiQuery(Period.parse("2026-10-01", "2026-11-01"), Segment.ALL), query);
        awaitSaid(1);
        assertTrue(said.get(0).startsWith("Report for 2026-10-01 to 2026-11-01 (exclusive) kept warm: 0 KPIs with the month before in "),
                said.get(0));
    }

    @Test
    void aConfigurationArrivingAfterActivationIsWhatTheWaitingComputationGoesBy() throws Exception {
        ReportWarmer w = warmer(true, true, true, 600);
        w.modified(config(true, true, 0));
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), asked.poll(10, TimeUnit.SECONDS).period(), "still waiting 600 s");
        w.stop();

        w = warmer(true, true, true, 1);
        w.modified(config(false, true, 0));
        assertEquals(null, asked.poll(2000, TimeUnit.MILLISECONDS), "computed at start though switched off");
    }

    @Test
    void itWaitsUntilThePlatformHasSettled() throws Exception {
        AtomicBoolean settled = new AtomicBoolean();
        ReportWarmer w = warmer(true, false, true, 0);
        w.bindStatus(new RuntimeStatus() {
            @Override public boolean settled() { return settled.get(); }
            @Override public List<DeployProblem> problems() { return List.of(); }
        });
        w.synced(synced(1, 0));
        assertEquals(null, asked.poll(1500, TimeUnit.MILLISECONDS), "computed before the platform settled");
        settled.set(true);
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), asked.poll(10, TimeUnit.SECONDS).period());
    }

    @Test
    void aBurstOfSyncsIsFollowedByOneComputation() throws Exception {
        ReportWarmer w = warmer(true, false, true, 1);
        for (int i = 0; i < 5; i++) {
            w.synced(synced(10, 2));
            Thread.sleep(100);
        }
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), asked.poll(10, TimeUnit.SECONDS).period());
        assertEquals(null, asked.poll(1500, TimeUnit.MILLISECONDS), "computed more than once");
        w.synced(synced(0, 1));
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), asked.poll(10, TimeUnit.SECONDS).period(), "an update changes data too");
    }

    @Test
    void aSyncThatChangedNothingComputesNothing() throws Exception {
        warmer(true, false, true, 0).synced(synced(0, 0));
        assertEquals(null, asked.poll(500, TimeUnit.MILLISECONDS));
    }

    @Test
    void nothingIsComputedAheadWhenNotServingOrSwitchedOff() throws Exception {
        warmer(false, true, true, 0).synced(synced(5, 0));
        assertEquals(null, asked.poll(500, TimeUnit.MILLISECONDS), "a one-shot command computes only what it is asked");
        warmer.stop();
        warmer(true, false, false, 0).synced(synced(5, 0));
        assertEquals(null, asked.poll(500, TimeUnit.MILLISECONDS));
    }

    @Test
    void afterAComputationTheNextRestsForRestFactorTimesItsDuration() throws Exception {
        List<Long> ended = new CopyOnWriteArrayList<>();
        KpiReporter slow = query -> {
            asked.add(query);
            sleep(400);
            ended.add(System.nanoTime());
            return new KpiReport(query, query.period().previous(), List.of(), Duration.ZERO);
        };
        warmer = new ReportWarmer(slow, said::add, config(true, true, 0, 5), () -> LocalDate.parse("2026-11-24"), true);
        asked.poll(10, TimeUnit.SECONDS);
        awaitSaid(1);
        warmer.synced(synced(1, 0));
        assertEquals(null, asked.poll(1500, TimeUnit.MILLISECONDS), "computed again without resting 5 x 0.4 s");
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), asked.poll(10, TimeUnit.SECONDS).period(), "never computed after the rest");
        long rested = System.nanoTime() - ended.get(0);
        assertTrue(rested >= TimeUnit.MILLISECONDS.toNanos(2000), "rested only " + rested / 1_000_000 + " ms");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitSaid(int lines) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (said.size() < lines && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    static ReportWarmer.Config config(boolean atStart, boolean afterSync, long quietSeconds) {
        return config(atStart, afterSync, quietSeconds, 0);
    }

    static ReportWarmer.Config config(boolean atStart, boolean afterSync, long quietSeconds, double restFactor) {
        return new ReportWarmer.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ReportWarmer.Config.class; }
            @Override public boolean atStart() { return atStart; }
            @Override public boolean afterSync() { return afterSync; }
            @Override public long quietSeconds() { return quietSeconds; }
            @Override public double restFactor() { return restFactor; }
        };
    }
}
