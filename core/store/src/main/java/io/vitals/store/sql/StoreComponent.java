package io.vitals.store.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

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

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.Secret;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiTable;
import io.vitals.store.DataWriter;
import io.vitals.store.MetricStore;
import io.vitals.store.RowMapper;
import io.vitals.store.SqlDialect;
import io.vitals.store.SyncStore;

/** The store as a service: configured by {@code etc/vitals.store.cfg}, SQLite under the home by default. */
@Component(service = {MetricStore.class, DataWriter.class, SyncStore.class}, configurationPid = StoreComponent.PID, immediate = true)
@Designate(ocd = StoreComponent.Config.class)
public class StoreComponent implements MetricStore, DataWriter, SyncStore {

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

    private SqlStore store;

    @Activate
    void activate(Config config, BundleContext context) throws IOException {
        String url = config.url().isBlank() ? defaultUrl(context) : config.url().trim();
        String home = context.getProperty("vitals.home");
        String password = config.password().isBlank() ? null
                : Secret.parse("password", config.password().trim(), Path.of(home == null ? "." : home)).reveal();
        store = SqlStore.open(url, config.user().isBlank() ? null : config.user().trim(), password,
                Math.max(1, config.readConnections()));
        if (store.migrationsApplied() > 0) {
            log.info("Store at {}: applied {} schema migration(s)", SqlStore.withoutPassword(url), store.migrationsApplied());
        }
    }

    private static String defaultUrl(BundleContext context) throws IOException {
        String home = context.getProperty("vitals.home");
        Path file = Path.of(home == null ? "." : home).resolve("data").resolve("vitals.db").toAbsolutePath();
        Files.createDirectories(file.getParent());
        return "jdbc:sqlite:" + file;
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override public SqlDialect dialect() { return store.dialect(); }
    @Override public <T> List<T> query(String sql, KpiQuery query, Map<String, ?> params, RowMapper<T> mapper) {
        return store.query(sql, query, params, mapper);
    }
    @Override public KpiTable table(String name, String title, String sql, KpiQuery query, Map<String, ?> params,
            List<KpiTable.Column> columns, DrillDown order) {
        return store.table(name, title, sql, query, params, columns, order);
    }
    @Override public SortedSet<String> segmentKeys() { return store.segmentKeys(); }
    @Override public List<String> prepare(String sql, Map<String, ?> params) { return store.prepare(sql, params); }
    @Override public Batch batch() { return store.batch(); }
    @Override public void deleteSource(String source) { store.deleteSource(source); }
    @Override public boolean isEmpty() { return store.isEmpty(); }
    @Override public Map<String, Long> counts() { return store.counts(); }
    @Override public Optional<String> metadata(String key) { return store.metadata(key); }
    @Override public void putMetadata(String key, String value) { store.putMetadata(key, value); }
    @Override public Optional<String> cursor(String source) { return store.cursor(source); }
    @Override public PageCounts write(String source, SourcePage page) { return store.write(source, page); }
    @Override public void resetCursor(String source) { store.resetCursor(source); }
    @Override public List<Rejected> rejects(String source, int limit) { return store.rejects(source, limit); }
    @Override public long rejectCount(String source) { return store.rejectCount(source); }
    @Override public void saveReport(SyncReport report) { store.saveReport(report); }
    @Override public Optional<SyncReport> lastReport(String source) { return store.lastReport(source); }
}
