package io.vitals.close;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.MonthBook;
import io.vitals.kpi.Period;
import io.vitals.render.Json;
import io.vitals.render.Queries;
import io.vitals.store.MetricStore;
import io.vitals.store.PublicationStore;

/**
 * Closes months and watches them: closing keeps every KPI's answer for the month (all customers) as
 * published; a serving Vitals closes the last full month on its own {@code closeAfterDays} after it ends,
 * and after each sync that wrote data computes the latest closed months again, recording each figure that
 * moved as a restatement, with what reached the store in between. Configured by {@code etc/vitals.close.cfg}.
 */
@Component(service = {MonthBook.class, SyncObserver.class}, configurationPid = MonthCloser.PID, immediate = true)
@Designate(ocd = MonthCloser.Config.class)
public class MonthCloser implements MonthBook, SyncObserver {

    static final String PID = "vitals.close";

    /** Two figures closer than this (relative, at least absolute for small ones) are the same figure. */
    static final double SAME = 1e-9;

    @ObjectClassDefinition(name = "Vitals closed months", description = "Months kept as published, and their restatements.")
    public @interface Config {
        @AttributeDefinition(description = "Days after a month ends that a serving Vitals closes it on its own (late"
                + " invoices and syncs have landed by then); 0: only kpi:close closes a month.", min = "0")
        int closeAfterDays() default 5;

        @AttributeDefinition(description = "How many of the latest closed months are computed again after a sync to find"
                + " restatements; 0: every closed month.", min = "0")
        int checkMonths() default 3;

        @AttributeDefinition(description = "Look for restatements after each sync that wrote data (in a serving Vitals).")
        boolean checkAfterSync() default true;

        @AttributeDefinition(description = "Seconds to wait after a sync before looking; a sync meanwhile starts the wait again.",
                min = "0")
        long quietSeconds() default 10;
    }

    private final KpiReporter reporter;
    private final PublicationStore store;
    private final MetricStore metrics;
    private final Logger log;
    private final Config config;
    private final boolean serving;
    private final java.util.function.Supplier<LocalDate> today;
    private final ScheduledExecutorService watching = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vitals-close");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pendingCheck;

    @Activate
    public MonthCloser(@Reference KpiReporter reporter, @Reference PublicationStore store, @Reference MetricStore metrics,
            @Reference(service = LoggerFactory.class) Logger log, BundleContext context, Config config) {
        this(reporter, store, metrics, log, config, Boolean.parseBoolean(context.getProperty("vitals.http.serve")),
                () -> Queries.today(context.getProperty(Queries.TODAY_PROPERTY)));
    }

    MonthCloser(KpiReporter reporter, PublicationStore store, MetricStore metrics, Logger log, Config config, boolean serving,
            java.util.function.Supplier<LocalDate> today) {
        this.reporter = reporter;
        this.store = store;
        this.metrics = metrics;
        this.log = log;
        this.config = config;
        this.serving = serving;
        this.today = today;
        if (serving && config.closeAfterDays() > 0) {
            watching.scheduleWithFixedDelay(this::closeDue, 30, 3600, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void stop() {
        watching.shutdownNow();
    }

    @Override
    public synchronized ClosedMonth close(YearMonth month) {
        long version = metrics.dataVersion();
        KpiQuery query = KpiQuery.of(Period.month(month.getYear(), month.getMonthValue()));
        KpiReport report = reporter.report(query);
        List<Figure> figures = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (KpiReport.Line line : report.lines()) {
            if (line.failure() != null) {
                continue; // a KPI that could not answer is not published; kpi:close says so
            }
            Double value = line.current().hasValue() ? line.current().value() : null;
            String answer = Json.write(Json.answer(line.kpi(), query, line.current(), null, line.target()));
            figures.add(new Figure(line.kpi().id(), month, value, answer, now));
        }
        ClosedMonth closed = new ClosedMonth(month, now, version, figures.size());
        store.publish(closed, figures);
        log.info("Month {} closed: {} figures kept as published", month, figures.size());
        return closed;
    }

    @Override
    public List<ClosedMonth> closed() {
        return store.publishedMonths();
    }

    @Override
    public Optional<Figure> published(String kpi, YearMonth month) {
        return store.figure(kpi, month);
    }

    @Override
    public List<Restatement> restatements(YearMonth month) {
        return store.restatements(month);
    }

    @Override
    public synchronized List<Restatement> check() {
        List<ClosedMonth> months = store.publishedMonths();
        if (config.checkMonths() > 0 && months.size() > config.checkMonths()) {
            months = months.subList(0, config.checkMonths());
        }
        List<Restatement> found = new ArrayList<>();
        for (ClosedMonth month : months) {
            Period period = Period.month(month.month().getYear(), month.month().getMonthValue());
            KpiReport report = reporter.report(KpiQuery.of(period));
            Map<String, KpiReport.Line> lines = new HashMap<>();
            report.lines().forEach(l -> lines.put(l.kpi().id(), l));
            Map<String, Restatement> latest = new HashMap<>();
            for (Restatement r : store.restatements(month.month())) {
                latest.putIfAbsent(r.kpi(), r); // newest first
            }
            Instant from = period.from().atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = period.to().atStartOfDay(ZoneOffset.UTC).toInstant();
            for (Figure f : store.figures(month.month())) {
                KpiReport.Line line = lines.get(f.kpi());
                if (line == null || line.failure() != null) {
                    continue; // a KPI gone, or failing now: nothing to compare
                }
                Double now = line.current().hasValue() ? line.current().value() : null;
                Restatement before = latest.get(f.kpi());
                Double known = before == null ? f.value() : before.restated();
                if (same(now, known)) {
                    continue;
                }
                Instant since = before == null ? f.publishedAt() : before.detectedAt();
                Restatement r = new Restatement(f.kpi(), month.month(), f.value(), f.publishedAt(), now,
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), // as the store keeps it
                        store.changesSince(since, from, to));
                store.recordRestatement(r);
                found.add(r);
                log.warn("Restated: {} {}: {} as published on {}, now {}: {}", f.kpi(), month.month(), show(f.value()),
                        f.publishedAt().atZone(ZoneOffset.UTC).toLocalDate(), show(now), r.cause());
            }
        }
        return found;
    }

    static boolean same(Double a, Double b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        return Math.abs(a - b) <= SAME * Math.max(1, Math.abs(a));
    }

    static String show(Double v) {
        return v == null ? "no data" : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    /** The last full month, once {@code closeAfterDays} have passed since it ended, unless it is closed. */
    void closeDue() {
        try {
            LocalDate day = today.get();
            Period last = Period.lastFullMonth(day);
            YearMonth month = YearMonth.from(last.from());
            if (day.isBefore(last.to().plusDays(config.closeAfterDays()))) {
                return;
            }
            if (store.publishedMonths().stream().noneMatch(m -> m.month().equals(month))) {
                close(month);
            }
        } catch (RuntimeException e) {
            log.warn("Closing the last month failed: {}", e.getMessage());
        }
    }

    @Override
    public void synced(SyncReport report) {
        if (!serving || !config.checkAfterSync() || report.counts().inserted() + report.counts().updated() == 0) {
            return;
        }
        synchronized (watching) {
            if (pendingCheck != null) {
                pendingCheck.cancel(false);
            }
            try {
                pendingCheck = watching.schedule(() -> {
                    try {
                        if (!store.publishedMonths().isEmpty()) {
                            check();
                        }
                    } catch (RuntimeException e) {
                        log.warn("Looking for restatements failed: {}", e.getMessage());
                    }
                }, config.quietSeconds(), TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopping) {
                pendingCheck = null;
            }
        }
    }
}
