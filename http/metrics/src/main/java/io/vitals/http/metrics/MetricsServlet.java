package io.vitals.http.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vitals.connector.SourceStatus;
import io.vitals.connector.SyncReport;
import io.vitals.connector.SyncService;
import io.vitals.http.VitalsHttp;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;
import io.vitals.render.Queries;
import io.vitals.runtime.RuntimeStatus;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics} in the Prometheus text format. KPI values are computed for the current
 * period (the last full month, as {@code kpi:compute} with no dates) for all customers and each
 * configured segment on a schedule and after each sync, and kept: a scrape reads the cache, never the
 * store. Health (syncs, rejects, bundles) is read at scrape time from what the platform keeps in memory.
 */
@Component(service = Servlet.class, configurationPid = MetricsSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsSettings.class)
@HttpWhiteboardServletPattern("/metrics")
@HttpWhiteboardContextSelect(VitalsHttp.CONTEXT_SELECT)
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String ALL = "all";

    /** One KPI's cached value for one segment. */
    record Point(String kpi, String segment, double value, Target target, TargetStatus status) {
    }

    /** What the last refresh computed. */
    record Cache(Instant refreshed, Period period, List<String> kpis, List<Point> points) {
    }

    private final transient KpiRegistry registry;
    private final transient BundleContext context;
    private final transient Logger log;
    private final transient PrometheusRegistry prometheus = new PrometheusRegistry();
    private final transient Histogram computeSeconds;
    private final transient ScheduledExecutorService scheduler;
    private final transient Map<String, Segment> segments = new LinkedHashMap<>();
    private transient volatile Cache cache;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile TargetBook targets;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile SyncService sync;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile RuntimeStatus status;

    @Activate
    public MetricsServlet(@Reference KpiRegistry registry, @Reference(service = LoggerFactory.class) Logger log,
            BundleContext context, MetricsSettings settings) {
        this.registry = registry;
        this.context = context;
        this.log = log;
        segments.put(ALL, Segment.ALL);
        for (String s : String.join(",", settings.segments()).split(",")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                segments.put(s.trim(), Segment.parse(List.of(s.trim().split("&"))));
            } catch (IllegalArgumentException e) {
                log.warn("{}: segment '{}' ignored: {}", MetricsSettings.PID, s, e.getMessage());
            }
        }
        Histogram.Builder histogram = Histogram.builder().name("vitals_kpi_compute_seconds")
                .help("Time to compute one KPI for one segment when the metrics are refreshed")
                .labelNames("kpi").classicOnly().classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
        histogram.withoutExemplars(); // no tracing here, and exemplars would want the client's tracer bundles
        computeSeconds = histogram.register(prometheus);
        prometheus.register(new Gauges());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vitals-metrics");
            t.setDaemon(true);
            return t;
        });
        if (!Boolean.parseBoolean(context.getProperty(VitalsHttp.SERVE_PROPERTY))) {
            // no HTTP server (a one-shot command, the shell, an embedding host): nobody scrapes, compute nothing
            return;
        }
        int every = Math.max(10, settings.refreshSeconds());
        scheduler.scheduleWithFixedDelay(() -> {
            if (settled()) {
                refreshQuietly();
            }
        }, every, every, TimeUnit.SECONDS);
        int poll = Math.max(1, settings.syncPollSeconds());
        scheduler.scheduleWithFixedDelay(this::refreshWhenChanged, 1, poll, TimeUnit.SECONDS);
    }

    @Deactivate
    void stop() {
        scheduler.shutdownNow();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException | LinkageError e) {
            // a scheduled task that throws is never run again: keep the schedule alive, say why once per failure
            log.warn("metrics refresh failed: {}", e.toString(), e);
        }
    }

    /**
     * Computes again, once the platform has settled (the demo dataset loaded, deploy/ read), when
     * nothing is cached yet, when KPIs came or went, or when a source finished a sync after the last
     * computation started.
     */
    private void refreshWhenChanged() {
        try {
            refreshIfChanged();
        } catch (RuntimeException | LinkageError e) {
            log.warn("metrics: cannot tell whether to refresh: {}", e.toString(), e);
        }
    }

    private void refreshIfChanged() {
        if (!settled()) {
            return;
        }
        Cache c = cache;
        if (c == null || !c.kpis().equals(kpiIds())
                || sources().stream().anyMatch(s -> s.last() != null && s.last().finished().isAfter(c.refreshed()))) {
            refreshQuietly();
        }
    }

    private boolean settled() {
        RuntimeStatus s = status;
        return s == null || s.settled();
    }

    private List<String> kpiIds() {
        return registry.list().stream().map(i -> i.id() + " " + i.origin() + " " + i.version()).toList();
    }

    void refresh() {
        Instant started = Instant.now();
        List<String> kpis = kpiIds();
        Period period = Queries.period(null, null, Queries.today(context.getProperty(Queries.TODAY_PROPERTY)));
        List<Point> points = new ArrayList<>();
        TargetBook book = targets;
        for (KpiInfo info : registry.list()) {
            for (Map.Entry<String, Segment> s : segments.entrySet()) {
                KpiResult r;
                long start = System.nanoTime();
                try {
                    r = registry.compute(info.id(), new KpiQuery(period, s.getValue()));
                } catch (RuntimeException e) {
                    continue; // the KPI is gone, or failed: it has no value to report now
                } finally {
                    computeSeconds.labelValues(info.id()).observe((System.nanoTime() - start) / 1e9);
                }
                if (!r.hasValue()) {
                    continue;
                }
                Target target = book == null ? null : book.targetFor(info.id(), s.getValue()).orElse(null);
                TargetStatus status = target == null ? TargetStatus.NONE : target.status(r.value(), info.definition().direction());
                points.add(new Point(info.id(), s.getKey(), r.value(), target, status));
            }
        }
        cache = new Cache(started, period, kpis, List.copyOf(points));
        log.info("metrics: {} KPI values for {} computed in {} ms", points.size(), period,
                java.time.Duration.between(started, Instant.now()).toMillis());
    }

    private List<SourceStatus> sources() {
        SyncService s = sync;
        try {
            return s == null ? List.of() : s.sources();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, prometheus.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(out.toByteArray());
    }

    /** The gauges, built at scrape time from the cache and from the platform's own state. */
    private final class Gauges implements MultiCollector {

        @Override
        public MetricSnapshots collect() {
            List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();
            Cache c = cache;
            GaugeSnapshot.Builder values = GaugeSnapshot.builder().name("vitals_kpi_value")
                    .help("A KPI's value for the current period (the last full month), by segment");
            GaugeSnapshot.Builder targetValues = GaugeSnapshot.builder().name("vitals_kpi_target")
                    .help("The target in force for a KPI and segment");
            GaugeSnapshot.Builder statuses = GaugeSnapshot.builder().name("vitals_kpi_target_status")
                    .help("1 for the status of a KPI's value against its target (green, yellow, red), 0 for the others");
            if (c != null) {
                for (Point p : c.points()) {
                    values.dataPoint(point(p.value(), "kpi", p.kpi(), "segment", p.segment()));
                    if (p.target() != null) {
                        targetValues.dataPoint(point(p.target().target(), "kpi", p.kpi(), "segment", p.segment()));
                        for (TargetStatus s : List.of(TargetStatus.GREEN, TargetStatus.YELLOW, TargetStatus.RED)) {
                            statuses.dataPoint(point(s == p.status() ? 1 : 0, "kpi", p.kpi(), "segment", p.segment(),
                                    "status", s.name().toLowerCase(Locale.ROOT)));
                        }
                    }
                }
                all.add(GaugeSnapshot.builder().name("vitals_kpi_period_start_seconds")
                        .help("The first instant of the period the KPI values are for (Unix time)")
                        .dataPoint(point(c.period().from().atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond(), new String[0])).build());
                all.add(GaugeSnapshot.builder().name("vitals_kpi_refreshed_seconds")
                        .help("When the KPI values were last computed (Unix time)")
                        .dataPoint(point(c.refreshed().getEpochSecond(), new String[0])).build());
            }
            all.add(values.build());
            all.add(targetValues.build());
            all.add(statuses.build());

            GaugeSnapshot.Builder lastSync = GaugeSnapshot.builder().name("vitals_source_last_sync_seconds")
                    .help("When a source's last sync finished (Unix time), with its outcome");
            GaugeSnapshot.Builder success = GaugeSnapshot.builder().name("vitals_source_last_sync_success")
                    .help("1 when a source's last sync read everything there was, else 0");
            GaugeSnapshot.Builder rejects = GaugeSnapshot.builder().name("vitals_source_rows_rejected")
                    .help("Rows a source could not take, kept in its rejects");
            for (SourceStatus s : sources()) {
                rejects.dataPoint(point(s.rejects(), "source", s.id()));
                SyncReport last = s.last();
                if (last != null) {
                    lastSync.dataPoint(point(last.finished().getEpochSecond(), "source", s.id(), "outcome",
                            last.outcome().name().toLowerCase(Locale.ROOT)));
                    success.dataPoint(point(last.outcome() == SyncReport.Outcome.COMPLETE ? 1 : 0, "source", s.id()));
                }
            }
            all.add(lastSync.build());
            all.add(success.build());
            all.add(rejects.build());

            Map<String, Integer> byState = new LinkedHashMap<>();
            for (String state : List.of("active", "resolved", "installed", "starting", "stopping")) {
                byState.put(state, 0);
            }
            for (Bundle b : context.getBundles()) {
                byState.merge(state(b.getState()), 1, Integer::sum);
            }
            GaugeSnapshot.Builder bundles = GaugeSnapshot.builder().name("vitals_bundles").help("Bundles in the framework, by state");
            byState.forEach((state, n) -> bundles.dataPoint(point(n, "state", state)));
            all.add(bundles.build());
            return new MetricSnapshots(all);
        }
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "installed";
        };
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}
