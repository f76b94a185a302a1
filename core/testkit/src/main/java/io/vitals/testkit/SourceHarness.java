package io.vitals.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.store.Row;
import io.vitals.store.sql.SqlStore;
import io.vitals.sync.SyncRunner;

/**
 * Runs a connector's {@link Source} the way the sync engine does, against a real SQLite store in
 * a test's folder, and reads back what landed:
 *
 * <pre>
 * try (SourceHarness harness = SourceHarness.in(dir)) {
 *     SyncReport report = harness.sync(new CsvSource(...));
 *     assertEquals(3, harness.count("customers"));
 * }
 * </pre>
 */
public final class SourceHarness implements AutoCloseable {

    private static final KpiQuery ANY = KpiQuery.of(Period.parse("1970-01-01", "2200-01-01"));

    private final SqlStore store;
    private final SyncRunner runner;

    private SourceHarness(SqlStore store, RetryPolicy retries) {
        this.store = store;
        this.runner = new SyncRunner(store, "USD", retries);
    }

    public static SourceHarness in(Path folder) {
        return in(folder, RetryPolicy.DEFAULT);
    }

    public static SourceHarness in(Path folder, RetryPolicy retries) {
        return new SourceHarness(SqlStore.open("jdbc:sqlite:" + folder.resolve("harness.db").toAbsolutePath(), 2), retries);
    }

    public SyncReport sync(Source source) {
        return runner.run(source, SyncListener.NONE, () -> false);
    }

    public SyncReport sync(Source source, SyncListener listener, BooleanSupplier stopping) {
        return runner.run(source, listener, stopping);
    }

    public SqlStore store() {
        return store;
    }

    public long count(String table) {
        return store.counts().get(table);
    }

    public List<Rejected> rejects(String source) {
        return store.rejects(source, 1_000);
    }

    /** Rows of a read-only query over the store, as column maps, for assertions. */
    public List<Map<String, Object>> rows(String sql) {
        return store.query(sql, ANY, Map.of(), row -> row.copy().columns());
    }

    /** The one value of a query that answers one row and one column. */
    public Object value(String sql) {
        Row row = store.queryRow(sql, ANY, Map.of());
        return row.columns().values().iterator().next();
    }

    @Override
    public void close() {
        store.close();
    }
}
