package io.vitals.report;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.Period;
import io.vitals.runtime.RuntimeStatus;

/**
 * Keeps the default report (every KPI for the last full month and the month before, all customers)
 * computed in a Vitals that serves HTTP, once it has settled after start and again after syncs, so
 * the dashboard, {@code /api/report}, the metrics scrape and the alert rules find its answers kept
 * by the registry instead of computing them while someone waits. Whoever asks while it computes
 * waits for the same computation rather than running it a second time beside it.
 *
 * <p>Only where the framework property {@value #SERVING_PROPERTY} is true ({@code bin/vitals serve},
 * a host that starts the runtime with HTTP): a one-shot command computes what it is asked, nothing more.
 */
@Component(service = SyncObserver.class, configurationPid = ReportWarmer.PID, immediate = true)
@Designate(ocd = ReportWarmer.Config.class)
public class ReportWarmer implements SyncObserver {

    static final String PID = "vitals.report.warm";

    /** The framework property of a serving Vitals (set by the launcher with HTTP on). */
    static final String SERVING_PROPERTY = "vitals.http.serve";

    @ObjectClassDefinition(name = "Vitals report kept warm",
            description = "In a serving Vitals, computes the default report (the last full month, all customers, with the"
                    + " month before) ahead of its readers: after start and after syncs.")
    public @interface Config {
        @AttributeDefinition(description = "Compute the report once the platform has settled after start.")
        boolean atStart() default true;

        @AttributeDefinition(description = "Compute it again after a sync that changed data.")
        boolean afterSync() default true;

        @AttributeDefinition(description = "Seconds to wait first; a sync meanwhile starts the wait again, so a burst"
                + " of syncs is followed by one computation.", min = "0")
        long quietSeconds() default 10;

        @AttributeDefinition(description = "After a computation that took D seconds, the next one waits at least"
                + " restFactor x D after it (3: the report kept warm takes at most a quarter of the time however"
                + " often sources sync); 0: no rest.", min = "0")
        double restFactor() default 3;
    }

    private final KpiReporter reporter;
    private final Consumer<String> say;
    private final Supplier<LocalDate> today;
    private final boolean serving;
    private final ScheduledExecutorService warming = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vitals-report-warm");
        t.setDaemon(true);
        return t;
    });
    private volatile Config config;
    private volatile RuntimeStatus status;
    private ScheduledFuture<?> next;
    /** The computation waiting is the one after start (no sync has asked for one since). */
    private boolean startPending;
    /** {@link System#nanoTime()} before which the next computation rests; only the warming thread writes it. */
    private volatile long restUntil = System.nanoTime();

    @Activate
    public ReportWarmer(@Reference KpiReporter reporter, @Reference(service = LoggerFactory.class) Logger log,
            Config config, BundleContext context) {
        this(reporter, log::info, config, today(context.getProperty("vitals.today")),
                Boolean.parseBoolean(context.getProperty(SERVING_PROPERTY)));
    }

    ReportWarmer(KpiReporter reporter, Consumer<String> say, Config config, Supplier<LocalDate> today, boolean serving) {
        this.reporter = reporter;
        this.say = say;
        this.config = config;
        this.today = today;
        this.serving = serving;
        if (serving && config.atStart()) {
            warmSoon();
            startPending = true;
        }
    }

    private static Supplier<LocalDate> today(String pinned) {
        return () -> pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim());
    }

    /** A configuration usually arrives just after activation: what is waiting waits as it now says. */
    @Modified
    synchronized void modified(Config changed) {
        this.config = changed;
        if (next == null || next.isDone()) {
            return;
        }
        if (startPending && !changed.atStart()) {
            next.cancel(false);
            next = null;
            startPending = false;
        } else {
            warmSoon();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindStatus(RuntimeStatus status) {
        this.status = status;
    }

    void unbindStatus(RuntimeStatus status) {
        if (this.status == status) {
            this.status = null;
        }
    }

    @Deactivate
    void stop() {
        warming.shutdownNow();
    }

    @Override
    public void synced(SyncReport report) {
        PageCounts c = report.counts();
        if (serving && config.afterSync() && c != null && c.inserted() + c.updated() > 0) {
            synchronized (this) {
                warmSoon();
                startPending = false;
            }
        }
    }

    /** (Re)starts the quiet wait; a computation already running finishes first, being on the same thread. */
    private synchronized void warmSoon() {
        if (next != null) {
            next.cancel(false);
        }
        try {
            next = warming.schedule(this::warmWhenSettled, config.quietSeconds(), TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            next = null;
        }
    }

    private void warmWhenSettled() {
        synchronized (this) {
            startPending = false;
        }
        long resting = restUntil - System.nanoTime();
        if (resting > 0) {
            // the last computation ended lately: syncs every minute must not keep the cores busy with it
            lookAgainIn(TimeUnit.NANOSECONDS.toMillis(resting) + 1);
            return;
        }
        RuntimeStatus platform = status;
        if (platform != null && !platform.settled()) {
            // deploy/ is still being installed or a store is migrating: look again in a second
            lookAgainIn(1000);
            return;
        }
        Period month = Period.lastFullMonth(today.get());
        long started = System.nanoTime();
        try {
            KpiReport report = reporter.report(KpiQuery.of(month));
            long failed = report.lines().stream().filter(l -> l.failure() != null).count();
            say.accept(String.format("Report for %s to %s (exclusive) kept warm: %d KPIs with the month before in %.1f s%s",
                    month.from(), month.to(), report.lines().size(), (System.nanoTime() - started) / 1e9,
                    failed == 0 ? "" : "; " + failed + " failed, each is computed again when asked"));
        } catch (RuntimeException e) {
            say.accept("Report for " + month.from() + " could not be kept warm: " + e.getMessage());
        } finally {
            long ended = System.nanoTime();
            restUntil = ended + (long) ((ended - started) * Math.max(0, config.restFactor()));
        }
    }

    private synchronized void lookAgainIn(long millis) {
        try {
            next = warming.schedule(this::warmWhenSettled, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            next = null;
        }
    }
}
