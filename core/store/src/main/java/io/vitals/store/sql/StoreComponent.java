package io.vitals.store.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.alert.Alert;
import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.Secret;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiTable;
import io.vitals.store.AlertStore;
import io.vitals.kpi.Segments;
import io.vitals.store.DataWriter;
import io.vitals.store.MetricStore;
import io.vitals.store.RowMapper;
import io.vitals.store.SqlDialect;
import io.vitals.store.StoreUnavailableException;
import io.vitals.store.SyncStore;

/**
 * The store as a service: configured by {@code etc/vitals.store.cfg} (SQLite under the home when its
 * url is empty). The configuration is required, so the store opens once, where the file says,
 * never first at a default while the file is still on its way.
 */
@Component(service = {MetricStore.class, DataWriter.class, SyncStore.class, AlertStore.class, io.vitals.store.PublicationStore.class,
        Segments.class},
        configurationPid = StoreComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = StoreComponent.Config.class)
public class StoreComponent implements MetricStore, DataWriter, SyncStore, AlertStore, io.vitals.store.PublicationStore, Segments {

    static final String PID = "vitals.store";

    @ObjectClassDefinition(name = "Vitals store", description = "Where Vitals keeps the canonical customer-success data.")
    public @interface Config {
        @AttributeDefinition(description = "JDBC URL of the store. Empty: SQLite at data/vitals.db under the Vitals home."
                + " PostgreSQL: jdbc:postgresql://<host>[:<port>]/<database>[?currentSchema=<schema>].")
        String url() default "";

        @AttributeDefinition(description = "Database user (PostgreSQL).")
        String user() default "";

        @AttributeDefinition(description = "Where the database password is: env:<VARIABLE> or file:<path>#<key>,"
                + " never the password itself.")
        String password() default "";

        @AttributeDefinition(description = "Read-only connections kept open for KPI queries.", min = "1")
        int readConnections() default 4;
    }

    @Reference(service = LoggerFactory.class)
    private Logger log;

    /** Opening again after a failure is tried at most this often, so a down server is not hammered. */
    private static final long RETRY_MILLIS = 2_000;

    private String url;
    private String user;
    private Config config;
    private Path home;
    private Path trace;
    private volatile SqlStore store;
    private volatile StoreUnavailableException unavailable;
    private long lastAttempt;
    private boolean deactivated;

    @Activate
    void activate(Config config, BundleContext context) throws IOException {
        this.config = config;
        String homeProperty = context.getProperty("vitals.home");
        this.home = Path.of(homeProperty == null ? "." : homeProperty);
        this.url = config.url().isBlank() ? defaultUrl(home) : config.url().trim();
        this.user = config.user().isBlank() ? null : config.user().trim();
        String traceProperty = context.getProperty("vitals.store.trace");
        this.trace = traceProperty == null || traceProperty.isBlank() ? null : home.resolve(traceProperty.trim());
        // Opened on a thread of its own: migrating a large store takes minutes, and SCR holds this
        // component's lock while it activates, so KPIs asking for the store meanwhile would give up
        // after 5 s. A use before the opening is done waits for it (store() and open() share a lock).
        Thread opener = new Thread(() -> {
            try {
                open();
            } catch (StoreUnavailableException e) {
                // One line, and the platform goes on: every use says why, and a later use opens the
                // store once its server is reachable or its password is set.
                if (!isDeactivated()) {
                    log.error("The store is not available: {}", e.getMessage());
                }
            }
        }, "vitals-store-open");
        opener.setDaemon(true);
        opener.start();
    }

    /**
     * An existing store being upgraded says so on the console, script by script: a new index over
     * every row can take minutes. A new store is created silently.
     */
    private final class UpgradeProgress implements Migrations.Notice {
        private int from;
        private int to;

        @Override
        public void migrating(int from, int to) {
            this.from = from;
            this.to = to;
            if (from > 0) {
                log.warn("Upgrading the store at {} from schema {} to {}; on a large store this can take a few minutes",
                        SqlStore.withoutPassword(url), from, to);
            }
        }

        @Override
        public void applied(int version, long millis) {
            if (from > 0) {
                log.warn("Store upgrade: schema {} of {} done in {} s", version, to,
                        String.format(Locale.ROOT, "%.1f", millis / 1000.0));
            }
        }
    }

    private synchronized boolean isDeactivated() {
        return deactivated;
    }

    private synchronized SqlStore open() {
        if (store != null) {
            return store;
        }
        if (deactivated) {
            // the opener thread came late: a store opened now would never be closed
            throw new StoreUnavailableException("the store component is stopped", null);
        }
        lastAttempt = System.currentTimeMillis();
        try {
            String password = config.password().isBlank() ? null
                    : Secret.parse("password", config.password().trim(), home).reveal();
            SqlStore opened = SqlStore.open(url, user, password, Math.max(1, config.readConnections()), new UpgradeProgress());
            if (trace != null) {
                opened.traceTo(trace);
                log.info("Tracing every KPI query to {}", trace);
            }
            if (opened.migrationsApplied() > 0) {
                log.info("Store at {}: applied {} schema migration(s)", SqlStore.withoutPassword(url), opened.migrationsApplied());
            }
            if (unavailable != null) {
                log.info("The store is available again at {}", SqlStore.withoutPassword(url));
            }
            unavailable = null;
            store = opened;
            return opened;
        } catch (RuntimeException e) {
            unavailable = new StoreUnavailableException(
                    e.getMessage() + " (etc/" + PID + ".cfg: url " + SqlStore.withoutPassword(url) + ")", e);
            throw unavailable;
        }
    }

    /** The open store, or a try at opening it, or why it is not available. */
    private SqlStore store() {
        SqlStore s = store;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (store == null && unavailable != null && System.currentTimeMillis() - lastAttempt < RETRY_MILLIS) {
                throw unavailable;
            }
            return open();
        }
    }

    private static String defaultUrl(Path home) throws IOException {
        Path file = home.resolve("data").resolve("vitals.db").toAbsolutePath();
        Files.createDirectories(file.getParent());
        return "jdbc:sqlite:" + file;
    }

    /** Synchronized with open(): a store still being opened is closed once it is, and none is opened after. */
    @Deactivate
    synchronized void deactivate() {
        deactivated = true;
        SqlStore s = store;
        if (s != null) {
            s.close();
        }
    }

    /** The dialect is known from the URL, so KPIs can be built while a server database is still out of reach. */
    @Override public SqlDialect dialect() {
        SqlStore s = store;
        return s != null ? s.dialect() : SqlStore.dialectOf(url);
    }
    @Override public <T> List<T> query(String sql, KpiQuery query, Map<String, ?> params, RowMapper<T> mapper) {
        return store().query(sql, query, params, mapper);
    }
    @Override public KpiTable table(String name, String title, String sql, KpiQuery query, Map<String, ?> params,
            List<KpiTable.Column> columns, DrillDown order) {
        return store().table(name, title, sql, query, params, columns, order);
    }
    @Override public long dataVersion() {
        SqlStore s = store;
        return s == null ? -1 : s.dataVersion();
    }
    @Override public SortedSet<String> segmentKeys() { return store().segmentKeys(); }
    @Override public java.util.SortedMap<String, List<String>> values() { return store().segmentValues(); }
    @Override public List<String> prepare(String sql, Map<String, ?> params) { return store().prepare(sql, params); }
    @Override public Batch batch() { return store().batch(); }
    @Override public void deleteSource(String source) { store().deleteSource(source); }
    @Override public boolean isEmpty() { return store().isEmpty(); }
    @Override public Map<String, Long> counts() { return store().counts(); }
    @Override public Optional<String> metadata(String key) { return store().metadata(key); }
    @Override public void putMetadata(String key, String value) { store().putMetadata(key, value); }
    @Override public Optional<String> cursor(String source) { return store().cursor(source); }
    @Override public PageCounts write(String source, SourcePage page) { return store().write(source, page); }
    @Override public void resetCursor(String source) { store().resetCursor(source); }
    @Override public java.util.Set<String> liveIds(String source, String entity) { return store().liveIds(source, entity); }
    @Override public Erasure erase(String source, String customerId) { return store().erase(source, customerId); }
    @Override public long landRejects(String source) { return store().landRejects(source); }
    @Override public List<Rejected> rejects(String source, int limit) { return store().rejects(source, limit); }
    @Override public long rejectCount(String source) { return store().rejectCount(source); }
    @Override public void saveReport(SyncReport report) { store().saveReport(report); }
    @Override public Optional<SyncReport> lastReport(String source) { return store().lastReport(source); }
    @Override public Map<String, String> alertStates(String rule) { return store().alertStates(rule); }
    @Override public void saveAlertStates(String rule, Map<String, String> states) { store().saveAlertStates(rule, states); }
    @Override public Alert recordAlert(Alert alert, String rule, Map<String, String> states) { return store().recordAlert(alert, rule, states); }
    @Override public List<Alert> alerts(boolean includeAcked, int limit) { return store().alerts(includeAcked, limit); }
    @Override public Optional<Alert> alert(long id) { return store().alert(id); }
    @Override public boolean ackAlert(long id, java.time.Instant at) { return store().ackAlert(id, at); }
    @Override public void saveDelivery(long alertId, Alert.Delivery delivery) { store().saveDelivery(alertId, delivery); }
    @Override public List<Alert> pendingDeliveries() { return store().pendingDeliveries(); }
    @Override public void publish(io.vitals.kpi.MonthBook.ClosedMonth m, List<io.vitals.kpi.MonthBook.Figure> f) { store().publish(m, f); }
    @Override public List<io.vitals.kpi.MonthBook.ClosedMonth> publishedMonths() { return store().publishedMonths(); }
    @Override public List<io.vitals.kpi.MonthBook.Figure> figures(java.time.YearMonth m) { return store().figures(m); }
    @Override public Optional<io.vitals.kpi.MonthBook.Figure> figure(String kpi, java.time.YearMonth m) { return store().figure(kpi, m); }
    @Override public void recordRestatement(io.vitals.kpi.MonthBook.Restatement r) { store().recordRestatement(r); }
    @Override public List<io.vitals.kpi.MonthBook.Restatement> restatements(java.time.YearMonth m) { return store().restatements(m); }
    @Override public String changesSince(java.time.Instant since, java.time.Instant from, java.time.Instant to) { return store().changesSince(since, from, to); }
}
