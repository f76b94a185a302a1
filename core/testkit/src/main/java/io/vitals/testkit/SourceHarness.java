package io.vitals.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
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

    /** The source, except that its context fails on commit number {@code failing}, as a crash after the pages before it would. */
    public static Source failingOnCommit(Source delegate, int failing) {
        return new Source() {
            @Override public String id() { return delegate.id(); }
            @Override public String kind() { return delegate.kind(); }
            @Override public Map<String, String> settings() { return delegate.settings(); }
            @Override public java.time.Duration interval() { return delegate.interval(); }

            @Override
            public void sync(SyncContext context) throws Exception {
                java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
                delegate.sync(new SyncContext() {
                    @Override public java.util.Optional<String> cursor() { return context.cursor(); }
                    @Override public boolean stopping() { return context.stopping(); }
                    @Override public RetryPolicy retryPolicy() { return context.retryPolicy(); }

                    @Override
                    public PageCounts commit(SourcePage page) {
                        if (commits.incrementAndGet() == failing) {
                            throw new IllegalStateException("injected failure before page " + failing);
                        }
                        return context.commit(page);
                    }
                });
            }
        };
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
