package io.vitals.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;

/**
 * Every installed KPI for one period and segment, with the previous period of the same length and
 * the status against the KPI's target. A KPI that fails is reported as failed on its own line;
 * the others still answer. The computations run side by side on as many threads as there are
 * processors (each on its own read connection of the store), so a report takes about as long as
 * its slowest KPIs rather than the sum of all of them.
 */
@Component(service = KpiReporter.class, configurationPid = Reporter.PID)
@Designate(ocd = Reporter.Config.class)
public class Reporter implements KpiReporter {

    static final String PID = "vitals.report";

    @ObjectClassDefinition(name = "Vitals report")
    public @interface Config {
        @AttributeDefinition(description = "KPI computations run at once for a report; 0: one per processor.")
        int parallelism() default 0;
    }

    private final KpiRegistry registry;
    private final TargetBook targets;
    private final ExecutorService computing;

    /** The store's data version, read before a report is computed, so the report says what data it holds. */
    private volatile io.vitals.store.MetricStore store;

    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    void bindStore(io.vitals.store.MetricStore s) {
        this.store = s;
    }

    void unbindStore(io.vitals.store.MetricStore s) {
        if (this.store == s) {
            this.store = null;
        }
    }

    /** How many questions' last complete reports are kept for {@link #latest}. */
    static final int KEPT_REPORTS = 32;

    /** The last complete report of each question asked through {@link #latest}, least recently used first out. */
    private final Map<KpiQuery, KpiReport> kept = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KpiQuery, KpiReport> eldest) {
            return size() > KEPT_REPORTS;
        }
    };

    /**
     * When the next refresh of a question may start: after a report that took D, not before 3 x D has passed,
     * so a sync committing a page a second does not keep both cores busy recomputing it.
     */
    private final Map<KpiQuery, Long> restUntil = new java.util.concurrent.ConcurrentHashMap<>();

    /** Reports being computed for {@link #latest}: one at a time per question. */
    private final Map<KpiQuery, CompletableFuture<KpiReport>> refreshing = new java.util.HashMap<>();

    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vitals-report-refresh");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public Reporter(@Reference KpiRegistry registry, @Reference TargetBook targets, Config config) {
        this(registry, targets, config.parallelism() > 0 ? config.parallelism() : Runtime.getRuntime().availableProcessors());
    }

    public Reporter(KpiRegistry registry, TargetBook targets, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1; got " + parallelism);
        }
        this.registry = registry;
        this.targets = targets;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "vitals-report-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.computing = Executors.newFixedThreadPool(parallelism, named);
    }

    /** Computations queued and not yet done: told when the reporter stops, so no one waits for them forever. */
    private final java.util.Set<CompletableFuture<KpiResult>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Deactivate
    void stop() {
        refresher.shutdownNow();
        computing.shutdownNow();
        pending.forEach(f -> f.completeExceptionally(new java.util.concurrent.CancellationException("Vitals is stopping")));
    }

    private CompletableFuture<KpiResult> compute(String id, KpiQuery query) {
        CompletableFuture<KpiResult> answer = new CompletableFuture<>();
        pending.add(answer);
        answer.whenComplete((r, e) -> pending.remove(answer));
        try {
            computing.execute(() -> {
                try {
                    answer.complete(registry.compute(id, query));
                } catch (RuntimeException | Error e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            answer.completeExceptionally(new java.util.concurrent.CancellationException("Vitals is stopping"));
        }
        return answer;
    }

    private long dataVersion() {
        io.vitals.store.MetricStore s = store;
        try {
            return s == null ? -1 : s.dataVersion();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public KpiReport latest(KpiQuery query) {
        long version = dataVersion();
        KpiReport last;
        CompletableFuture<KpiReport> newer;
        synchronized (this) {
            last = kept.get(query);
            if (last != null && version >= 0 && last.asOf().dataVersion() == version) {
                return last;
            }
            newer = refreshing.get(query);
            if (newer == null && last != null && System.nanoTime() - restUntil.getOrDefault(query, Long.MIN_VALUE) < 0) {
                // computed a moment ago, and data streams in: the cores rest, readers get that one
                return last.refreshing();
            }
            if (newer == null) {
                CompletableFuture<KpiReport> mine = new CompletableFuture<>();
                newer = mine;
                refreshing.put(query, mine);
                try {
                    refresher.execute(() -> {
                        KpiReport report = null;
                        Throwable failure = null;
                        try {
                            report = report(query);
                        } catch (RuntimeException | Error e) {
                            failure = e;
                        }
                        synchronized (this) {
                            refreshing.remove(query); // before anyone hears it is done: a done one is never asked again
                        }
                        if (failure == null) {
                            mine.complete(report);
                        } else {
                            mine.completeExceptionally(failure);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    refreshing.remove(query);
                    mine.completeExceptionally(new java.util.concurrent.CancellationException("Vitals is stopping"));
                }
            }
        }
        if (last != null && !newer.isDone()) {
            return last.refreshing(); // a reader during a sync gets the last complete answer at once, said to be so
        }
        try {
            return newer.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public KpiReport report(KpiQuery query) {
        long version = dataVersion();
        long started = System.nanoTime();
        KpiReport report = compute(query, version);
        long ended = System.nanoTime();
        restUntil.put(query, ended + 3 * (ended - started));
        if (restUntil.size() > KEPT_REPORTS * 4) {
            restUntil.clear();
        }
        synchronized (this) {
            KpiReport last = kept.get(query);
            if (last == null || last.asOf().dataVersion() <= version) {
                kept.put(query, report);
            }
        }
        return report;
    }

    private KpiReport compute(KpiQuery query, long version) {
        KpiReport.AsOf asOf = KpiReport.AsOf.now(version);
        long started = System.nanoTime();
        Period previous = query.period().previous();
        KpiQuery before = query.withPeriod(previous);
        List<KpiInfo> kpis = registry.list();
        // both periods of every KPI are queued first, so the slow KPIs' two halves run side by side
        List<CompletableFuture<KpiResult>> now = new ArrayList<>();
        List<CompletableFuture<KpiResult>> then = new ArrayList<>();
        for (KpiInfo info : kpis) {
            now.add(compute(info.id(), query));
            then.add(compute(info.id(), before));
        }
        List<KpiReport.Line> lines = new ArrayList<>();
        for (int i = 0; i < kpis.size(); i++) {
            lines.add(line(kpis.get(i), query, now.get(i), then.get(i)));
        }
        return new KpiReport(query, previous, lines, Duration.ofNanos(System.nanoTime() - started), asOf);
    }

    private KpiReport.Line line(KpiInfo info, KpiQuery query, CompletableFuture<KpiResult> current, CompletableFuture<KpiResult> earlier) {
        Optional<Target> target = targets.targetFor(info.id(), query.segment());
        try {
            KpiResult now = current.join();
            KpiResult then = earlier.join();
            Double change = now.hasValue() && then.hasValue() ? now.value() - then.value() : null;
            TargetStatus status = target.map(t -> t.status(now.value(), info.definition().direction())).orElse(TargetStatus.NONE);
            return new KpiReport.Line(info, now, then, change, target.orElse(null), status, null);
        } catch (RuntimeException e) {
            // a failed computation (CompletionException around its cause) or a KPI that answered nothing
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().lines().findFirst().orElse("");
            return new KpiReport.Line(info, null, null, null, target.orElse(null), TargetStatus.NONE, message);
        }
    }
}
