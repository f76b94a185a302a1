package io.vitals.sync.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConnectorKind;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourceStatus;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;
import io.vitals.connector.SyncService;
import io.vitals.connector.UnknownSourceException;
import io.vitals.store.SyncStore;
import io.vitals.sync.SyncRunner;

/**
 * The sync engine: tracks every configured {@link Source} (whiteboard: a configuration file added,
 * edited or deleted makes one come, change or go), syncs each on its interval and on demand, never
 * two syncs of one source at once, and stops a source's sync when the source goes away.
 * Configured by {@code etc/vitals.sync.cfg}.
 */
@Component(service = SyncService.class, configurationPid = SyncEngine.PID, immediate = true)
@Designate(ocd = SyncEngine.Config.class)
public class SyncEngine implements SyncService {

    static final String PID = "vitals.sync";

    @org.osgi.service.metatype.annotations.ObjectClassDefinition(name = "Vitals sync engine")
    public @interface Config {
        @AttributeDefinition(description = "The store's one currency (ISO 4217); records in another are rejected.")
        String currency() default "USD";

        @AttributeDefinition(description = "Tries of a network request before its source fails.", min = "1")
        int retryAttempts() default 5;

        @AttributeDefinition(description = "Wait before the first retry, in ms; it doubles each time.")
        long retryInitialMillis() default 500;

        @AttributeDefinition(description = "Longest wait between tries, in ms (also caps a server's Retry-After).")
        long retryMaxMillis() default 30_000;
    }

    /** A source and what the engine keeps about it. */
    private static final class Handle {
        final Source source;
        final ReentrantLock running = new ReentrantLock();
        final AtomicBoolean stop = new AtomicBoolean();
        volatile ScheduledFuture<?> schedule;

        Handle(Source source) {
            this.source = source;
        }
    }

    private final SyncStore store;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Handle> handles = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile SyncRunner runner;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MetaTypeService metatype;

    private volatile BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile org.osgi.service.cm.ConfigurationAdmin configurations;

    /** Components that failed to start: a source among them is shown with the reason instead of being unknown. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile io.vitals.runtime.RuntimeStatus runtime;

    /** Told after every sync (whiteboard), e.g. the alerts, which evaluate their rules on fresh data. */
    private final List<SyncObserver> observers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addObserver(SyncObserver observer) {
        observers.add(observer);
    }

    void removeObserver(SyncObserver observer) {
        observers.remove(observer);
    }

    @Activate
    public SyncEngine(@Reference SyncStore store, Config config, BundleContext context) {
        this.store = store;
        this.context = context;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vitals-sync");
            t.setDaemon(true);
            return t;
        });
        modified(config);
    }

    @Modified
    void modified(Config config) {
        runner = new SyncRunner(store, config.currency(), new RetryPolicy(Math.max(1, config.retryAttempts()),
                Duration.ofMillis(config.retryInitialMillis()), Duration.ofMillis(config.retryMaxMillis())));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closing.set(true);
        handles.values().forEach(h -> h.stop.set(true));
        scheduler.shutdownNow();
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** Misconfigurations already logged, by source and problem. */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSource(Source source) {
        Handle handle = new Handle(source);
        source.problem().ifPresent(problem -> {
            // a source comes again each time its configuration is delivered at start: say each problem once
            if (log != null && warned.add(source.id() + "\u0000" + problem)) {
                log.warn("Source {} ({}) is misconfigured: {}", source.id(), source.kind(), problem);
            }
        });
        Handle earlier = handles.putIfAbsent(source.id(), handle);
        if (earlier != null) {
            if (log != null) {
                log.error("Two sources are named {} ({} and {}); the second is ignored until the first goes",
                        source.id(), earlier.source.kind(), source.kind());
            }
            return;
        }
        Duration every = source.interval();
        if (every != null && !every.isZero() && !every.isNegative() && !scheduler.isShutdown()) {
            long millis = every.toMillis();
            handle.schedule = scheduler.scheduleWithFixedDelay(() -> scheduled(handle), Math.min(millis, 2_000), millis,
                    TimeUnit.MILLISECONDS);
        }
    }

    void removeSource(Source source) {
        Handle handle = handles.get(source.id());
        if (handle != null && handle.source == source) {
            handles.remove(source.id());
            handle.stop.set(true);
            if (handle.schedule != null) {
                handle.schedule.cancel(false);
            }
        }
    }

    private void scheduled(Handle handle) {
        if (handle.running.tryLock()) {
            try {
                run(handle, SyncListener.NONE, true);
            } catch (RuntimeException e) {
                log.error("Scheduled sync of {} failed: {}", handle.source.id(), e.getMessage());
            } finally {
                handle.running.unlock();
            }
        }
    }

    /** @param scheduled a failure nobody asked for goes to the console; one asked for is reported to the asker */
    private SyncReport run(Handle handle, SyncListener listener, boolean scheduled) {
        SyncReport report = runner.run(handle.source, listener, () -> handle.stop.get() || closing.get());
        switch (report.outcome()) {
            case COMPLETE -> log.info("Synced {}: read {}, inserted {}, updated {}, unchanged {}, rejected {} in {} ms",
                    report.source(), report.counts().read(), report.counts().inserted(), report.counts().updated(),
                    report.counts().unchanged(), report.counts().rejected(), report.took().toMillis());
            case STOPPED -> log.info("Sync of {} stopped after {} rows; the next sync resumes", report.source(), report.counts().read());
            case FAILED -> {
                if (scheduled) {
                    log.warn("Scheduled sync of {} failed: {}", report.source(), report.message());
                } else {
                    log.info("Sync of {} failed: {}", report.source(), report.message());
                }
            }
        }
        for (SyncObserver observer : observers) {
            try {
                observer.synced(report);
            } catch (RuntimeException e) {
                log.warn("A sync observer ({}) failed on the report of {}: {}", observer.getClass().getName(), report.source(),
                        String.valueOf(e.getMessage()));
            }
        }
        return report;
    }

    private Handle require(String id) {
        Handle handle = handles.get(id);
        if (handle == null) {
            for (SourceStatus s : notRunning()) {
                if (s.id().equals(id)) {
                    throw new IllegalArgumentException("source '" + id + "' (" + s.kind() + ") is not running: " + s.problem());
                }
            }
            throw new UnknownSourceException(id, handles.keySet().stream().sorted().toList());
        }
        return handle;
    }

    /**
     * Sources configured by a file that no running source stands for: their component could not start (a
     * value of the wrong type), or no installed connector offers their kind. Each is shown with the reason.
     */
    List<SourceStatus> notRunning() {
        org.osgi.service.cm.ConfigurationAdmin cm = configurations;
        if (cm == null) {
            return List.of();
        }
        org.osgi.service.cm.Configuration[] all;
        try {
            all = cm.listConfigurations("(service.factoryPid=vitals.source.*)");
        } catch (java.io.IOException | org.osgi.framework.InvalidSyntaxException e) {
            return List.of();
        }
        if (all == null) {
            return List.of();
        }
        io.vitals.runtime.RuntimeStatus r = runtime;
        List<io.vitals.runtime.RuntimeStatus.ComponentProblem> failed = r == null ? List.of() : r.components();
        List<String> kinds = kinds().stream().map(ConnectorKind::kind).toList();
        List<SourceStatus> out = new ArrayList<>();
        for (org.osgi.service.cm.Configuration c : all) {
            java.util.Dictionary<String, Object> props;
            try {
                props = c.getProperties();
            } catch (IllegalStateException deletedMeanwhile) {
                continue; // its file was removed between listing and reading
            }
            if (props == null) {
                continue;
            }
            Map<String, Object> map = new java.util.HashMap<>();
            for (java.util.Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                map.put(k, props.get(k));
            }
            String kind = c.getFactoryPid().substring("vitals.source.".length());
            String id;
            try {
                id = io.vitals.connector.SourceIds.of(String.valueOf(map.getOrDefault("id", "")),
                        String.valueOf(map.getOrDefault("felix.fileinstall.filename", "")));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (handles.containsKey(id)) {
                continue;
            }
            String reason = null;
            for (io.vitals.runtime.RuntimeStatus.ComponentProblem p : failed) {
                if (c.getPid().equals(p.properties().get("service.pid"))) {
                    reason = p.reason();
                }
            }
            if (reason == null && !kinds.isEmpty() && !kinds.contains(kind)) {
                reason = "no installed connector reads sources of kind '" + kind + "'; the installed kinds are "
                        + String.join(", ", kinds);
            }
            if (reason != null) {
                out.add(new SourceStatus(id, kind, io.vitals.connector.SourceSettings.shown(io.vitals.connector.ConfiguredSources.visible(map)),
                        Duration.ZERO, false, store.lastReport(id).orElse(null), store.rejectCount(id), store.cursor(id).orElse(null), reason));
            }
        }
        return out;
    }

    @Override
    public SyncReport sync(String id, SyncListener listener) {
        Handle handle = require(id);
        if (handle.running.tryLock()) {
            try {
                return run(handle, listener, false);
            } finally {
                handle.running.unlock();
            }
        }
        // a sync is under way (on schedule): wait for it and report it rather than run twice
        handle.running.lock();
        handle.running.unlock();
        return store.lastReport(id).orElseThrow();
    }

    @Override
    public List<SourceStatus> sources() {
        List<SourceStatus> out = new ArrayList<>();
        for (Handle h : handles.values()) {
            out.add(status(h));
        }
        out.addAll(notRunning());
        out.sort(Comparator.comparing(SourceStatus::id));
        return out;
    }

    /** Every factory configuration named vitals.source.<kind> that an installed bundle's metatype declares. */
    @Override
    public List<ConnectorKind> kinds() {
        MetaTypeService mts = metatype;
        List<ConnectorKind> kinds = new ArrayList<>();
        if (mts == null) {
            return kinds;
        }
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                continue;
            }
            MetaTypeInformation info = mts.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            for (String pid : info.getFactoryPids()) {
                if (pid.startsWith("vitals.source.")) {
                    ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                    kinds.add(new ConnectorKind(pid.substring("vitals.source.".length()), ocd == null ? pid : ocd.getName(),
                            ocd == null ? "" : ocd.getDescription(), bundle.getSymbolicName()));
                }
            }
        }
        kinds.sort(Comparator.comparing(ConnectorKind::kind));
        return kinds;
    }

    @Override
    public SourceStatus status(String id) {
        if (!handles.containsKey(id)) {
            for (SourceStatus s : notRunning()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
        }
        return status(require(id));
    }

    private SourceStatus status(Handle h) {
        String id = h.source.id();
        return new SourceStatus(id, h.source.kind(), h.source.settings(), h.source.interval(), h.running.isLocked(),
                store.lastReport(id).orElse(null), store.rejectCount(id), store.cursor(id).orElse(null),
                h.source.problem().orElse(null), h.source.notes());
    }

    @Override
    public io.vitals.store.SyncStore.Erasure erase(String id, String customerId) {
        if (!handles.containsKey(id) && notRunning().stream().noneMatch(s -> s.id().equals(id))
                && store.lastReport(id).isEmpty()) {
            throw new UnknownSourceException(id, handles.keySet().stream().sorted().toList());
        }
        io.vitals.store.SyncStore.Erasure erased = store.erase(id, customerId);
        if (erased.found()) {
            log.audit("Erased the personal data of customer {} of {}: {} attributes, {} survey answers, {} rejected rows", customerId, id,
                    erased.attributes(), erased.responses(), erased.rejects());
        }
        return erased;
    }

    @Override
    public void resetCursor(String id) {
        require(id);
        store.resetCursor(id);
    }

    @Override
    public List<Rejected> rejects(String id, int limit) {
        require(id);
        return store.rejects(id, limit);
    }
}
