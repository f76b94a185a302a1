package io.vitals.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.ShadowedKpi;
import io.vitals.kpi.TimeLimit;
import io.vitals.kpi.TimeLimitExceededException;
import io.vitals.kpi.UnknownKpiException;
import io.vitals.store.MetricStore;

/**
 * The registry of installed KPIs. Every {@link Kpi} service is tracked as it is registered and
 * unregistered (a KPI bundle or file dropped into or removed from {@code deploy/}). When several
 * offer the same id, the highest version answers (a file's version is its {@code version:} field,
 * 0.0.0 without one), then the newest (bundle install time or file time); the others are listed
 * as shadowed and come back when the winner goes. Files that failed to load are tracked too.
 *
 * <p>Answers are kept (see {@link KeptResults}) while the store's data version stays the same: a
 * KPI's answer depends only on the data, its parameters and the question.
 */
@Component(service = KpiRegistry.class, immediate = true, configurationPid = KpiCatalogue.PID)
@Designate(ocd = KpiCatalogue.Config.class)
public class KpiCatalogue implements KpiRegistry {

    static final String PID = "vitals.registry";

    @ObjectClassDefinition(name = "Vitals KPI registry")
    public @interface Config {
        @AttributeDefinition(description = "How many computed answers (a KPI for a period and segment, or a series) to keep"
                + " until the data changes; 0 computes every question afresh.", min = "0")
        int keptResults() default KEPT_RESULTS;

        @AttributeDefinition(description = "Seconds a KPI of a bundle may compute one answer (a value, a series, its"
                + " customers) before it is stopped and its statement cancelled in the database; 0 for no limit.", min = "0")
        int timeLimitSeconds() default 60;

        @AttributeDefinition(description = "The same for a KPI declared in a .kpi file.", min = "0")
        int declaredTimeLimitSeconds() default 30;

        @AttributeDefinition(description = "The most buckets a series may have (--by day over a year is 365).", min = "1")
        int maxBuckets() default MAX_BUCKETS;
    }

    static final int KEPT_RESULTS = 2000;
    static final int MAX_BUCKETS = 2000;

    /** The limits in force. */
    private record Limits(java.time.Duration bundle, java.time.Duration declared, int maxBuckets) {
    }

    private volatile KeptResults kept = new KeptResults(KEPT_RESULTS);
    private volatile Limits limits = new Limits(java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(30), MAX_BUCKETS);

    private volatile MetricStore store;

    /** Components that failed to start: a KPI among them is misconfigured, not unknown. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile io.vitals.runtime.RuntimeStatus runtime;

    public KpiCatalogue() {
    }

    @Activate
    @Modified
    void configure(Config config) {
        kept = new KeptResults(config.keptResults());
        limits = new Limits(java.time.Duration.ofSeconds(Math.max(0, config.timeLimitSeconds())),
                java.time.Duration.ofSeconds(Math.max(0, config.declaredTimeLimitSeconds())), Math.max(1, config.maxBuckets()));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStore(MetricStore store) {
        this.store = store;
        kept.clear();
    }

    void unbindStore(MetricStore store) {
        if (this.store == store) {
            this.store = null;
        }
        kept.clear();
    }

    /** A service property a KPI may set to say where it came from when that is not its bundle (a file). */
    public static final String ORIGIN_PROPERTY = Kpi.ORIGIN_PROPERTY;

    /** The definition is read on every use: a KPI reconfigured through ConfigAdmin describes its new parameters. */
    private record Entry(Kpi kpi, String id, String origin, Version version, String shown, long modified, long serviceId,
            boolean declared) {
        KpiInfo info() {
            return new KpiInfo(kpi.definition(), origin, shown);
        }
    }

    private final Map<ServiceReference<Kpi>, Entry> entries = new ConcurrentHashMap<>();
    private final List<KpiProblem> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addKpi(ServiceReference<Kpi> reference, Kpi kpi) {
        Bundle bundle = reference.getBundle();
        Object origin = reference.getProperty(Kpi.ORIGIN_PROPERTY);
        Object modified = reference.getProperty(Kpi.MODIFIED_PROPERTY);
        Object fileVersion = reference.getProperty("vitals.kpi.version");
        Version version = origin != null ? Version.parseVersion(fileVersion == null ? "0.0.0" : fileVersion.toString())
                : bundle == null ? Version.emptyVersion : bundle.getVersion();
        String from = origin != null ? origin.toString() : bundle == null ? "?" : bundle.getSymbolicName();
        long time = modified instanceof Number n ? n.longValue() : bundle == null ? 0 : bundle.getLastModified();
        // a file without a version of its own is known by its time
        String shown = origin != null && fileVersion == null
                ? java.time.Instant.ofEpochMilli(time).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()
                : version.toString();
        // an id is fixed for the life of the service (a new id is a new registration); read it once
        entries.put(reference, new Entry(kpi, kpi.definition().id(), from, version, shown, time,
                (Long) reference.getProperty(Constants.SERVICE_ID), origin != null));
        synchronized (departed) {
            departed.notifyAll();
        }
    }

    void removeKpi(ServiceReference<Kpi> reference) {
        Entry gone = entries.remove(reference); // its kept answers are keyed by its service id: never asked for again, they age out
        if (gone != null && winner(gone.id()).isEmpty()) {
            synchronized (departed) {
                departed.put(gone.id(), System.nanoTime());
            }
        }
    }

    /**
     * KPIs whose last service went, and when: a reconfigured KPI is a new component (its old one deactivated
     * first), so a question in between waits for it rather than calling it unknown.
     */
    private final Map<String, Long> departed = new java.util.HashMap<>();
    static final long RETURN_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    static final long RETURN_WAIT_MILLIS = 5_000;

    /** The KPI, once it is back when it left moments ago; empty at once otherwise. */
    private Optional<Entry> returning(String id) {
        synchronized (departed) {
            Long at = departed.get(id);
            if (at == null || System.nanoTime() - at > RETURN_WINDOW_NANOS) {
                return Optional.empty();
            }
            long deadline = System.currentTimeMillis() + RETURN_WAIT_MILLIS;
            Optional<Entry> back = winner(id);
            while (back.isEmpty()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    departed.remove(id); // gone for good: the next question is answered at once
                    return Optional.empty();
                }
                try {
                    departed.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                back = winner(id);
            }
            return back;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProblem(KpiProblem problem) {
        problems.add(problem);
    }

    void removeProblem(KpiProblem problem) {
        problems.remove(problem);
    }

    /** Highest version first, then the newest, then the most recently registered service. */
    private static final Comparator<Entry> PREFERENCE = Comparator.comparing(Entry::version)
            .thenComparingLong(Entry::modified).thenComparingLong(Entry::serviceId).reversed();

    private Optional<Entry> winner(String id) {
        return entries.values().stream().filter(e -> e.id().equals(id)).min(PREFERENCE);
    }

    @Override
    public List<ShadowedKpi> shadowed() {
        List<ShadowedKpi> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            Entry top = winner(e.id()).orElse(e);
            if (top != e) {
                out.add(new ShadowedKpi(e.info(), top.info()));
            }
        }
        out.sort(Comparator.comparing((ShadowedKpi s) -> s.kpi().id()).thenComparing(s -> s.kpi().origin()));
        return out;
    }

    @Override
    public List<KpiProblem> problems() {
        List<KpiProblem> all = new ArrayList<>(problems);
        for (io.vitals.runtime.RuntimeStatus.ComponentProblem p : misconfigured()) {
            String file = p.file() != null ? p.file() : p.component();
            all.add(new KpiProblem(file, p.properties().get(Kpi.ID_PROPERTY), "misconfigured: " + p.reason(), 0));
        }
        return all.stream().sorted(Comparator.comparing(KpiProblem::origin)).toList();
    }

    /** KPI components that could not start, each with its reason. */
    private List<io.vitals.runtime.RuntimeStatus.ComponentProblem> misconfigured() {
        io.vitals.runtime.RuntimeStatus r = runtime;
        if (r == null) {
            return List.of();
        }
        return r.components().stream().filter(p -> p.properties().containsKey(Kpi.ID_PROPERTY)).toList();
    }

    @Override
    public List<KpiInfo> list() {
        Map<String, Entry> winners = new java.util.TreeMap<>();
        for (Entry e : entries.values()) {
            winners.merge(e.id(), e, (a, b) -> PREFERENCE.compare(a, b) <= 0 ? a : b);
        }
        List<KpiInfo> out = new ArrayList<>();
        winners.values().forEach(e -> out.add(e.info()));
        out.sort(Comparator.comparing((KpiInfo i) -> i.definition().category()).thenComparing(KpiInfo::id));
        return out;
    }

    @Override
    public Optional<KpiInfo> find(String id) {
        Optional<Entry> winner = winner(id);
        return (winner.isPresent() ? winner : returning(id)).map(Entry::info);
    }

    private Entry entry(String id) {
        Optional<Entry> winner = winner(id);
        if (winner.isEmpty()) {
            winner = returning(id);
        }
        if (winner.isPresent()) {
            return winner.get();
        }
        require(id); // says why: misconfigured, a file that failed, or unknown
        throw new UnknownKpiException(id, list().stream().map(KpiInfo::id).sorted().toList());
    }

    private Kpi kpiOf(String id) {
        return entry(id).kpi();
    }

    /** The store's data version; read before computing, so data committed meanwhile makes the next question a new one. */
    private long dataVersion() {
        MetricStore s = store;
        try {
            return s == null ? -1 : s.dataVersion();
        } catch (RuntimeException e) {
            return -1; // a store that cannot say keeps nothing
        }
    }

    @Override
    public KpiResult compute(String id, KpiQuery query) {
        Entry e = entry(id);
        KeptResults.Key key = new KeptResults.Key(e.serviceId(), e.kpi().definition(), query, dataVersion());
        return kept.get(key, () -> limited(e, query.period().toString(), () -> e.kpi().compute(query)));
    }

    @Override
    public KpiSeries series(String id, KpiQuery query, Grain grain) {
        Entry e = entry(id);
        long buckets = grain.count(query.period());
        int most = limits.maxBuckets();
        if (buckets > most) {
            throw new InvalidQueryException("a series by " + grain.label() + " over " + query.period() + " has " + buckets
                    + " buckets, more than the " + most + " allowed; ask a coarser --by or a shorter period"
                    + " (maxBuckets in etc/vitals.registry.cfg)");
        }
        KeptResults.Key key = new KeptResults.Key(e.serviceId(), e.kpi().definition(), java.util.List.of(query, grain), dataVersion());
        return kept.get(key, () -> limited(e, query.period() + " by " + grain.label(), () -> e.kpi().series(query, grain)));
    }

    /** Runs one computation of a KPI within the time limit of its kind; its failure names the KPI and the question. */
    private <T> T limited(Entry e, String question, java.util.function.Supplier<T> work) {
        Limits l = limits;
        java.time.Duration limit = e.declared() ? l.declared() : l.bundle();
        try {
            return TimeLimit.within(limit, work);
        } catch (TimeLimitExceededException exceeded) {
            throw new TimeLimitExceededException("KPI '" + e.id() + "' for " + question, exceeded.limitSeconds());
        }
    }

    @Override
    public KpiTable customers(String id, KpiQuery query, DrillDown drillDown) {
        Kpi kpi = kpiOf(id);
        KpiDefinition definition = kpi.definition();
        if (!definition.hasDrillDown()) {
            throw new InvalidQueryException("KPI '" + id + "' has no drill-down to customers; these have: "
                    + String.join(", ", list().stream().filter(i -> i.definition().hasDrillDown()).map(KpiInfo::id).toList()));
        }
        if (drillDown.subset() != null && !definition.drillDowns().contains(drillDown.subset())) {
            throw new InvalidQueryException("KPI '" + id + "' has no subset '" + drillDown.subset() + "'; its subsets: "
                    + String.join(", ", definition.drillDowns()));
        }
        DrillDown resolved = drillDown.subset() != null ? drillDown
                : new DrillDown(definition.drillDowns().get(0), drillDown.sortBy(), drillDown.descending(), drillDown.limit());
        return limited(entry(id), query.period() + " (its customers)", () -> kpi.customers(query, resolved));
    }
}
