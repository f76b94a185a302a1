package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;

import io.vitals.alert.Alert;
import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Segment;
import io.vitals.store.AlertStore;
import io.vitals.kpi.Segments;
import io.vitals.store.DataWriter;
import io.vitals.store.MetricStore;
import io.vitals.store.RowMapper;
import io.vitals.store.SqlDialect;
import io.vitals.store.StoreTime;
import io.vitals.store.SyncStore;

/**
 * The canonical store over JDBC: KPI reads go through a pool of read-only connections, writes
 * through one transaction per batch. Opening it migrates the schema to the newest version.
 */
public final class SqlStore implements MetricStore, DataWriter, SyncStore, AlertStore, io.vitals.store.PublicationStore, AutoCloseable {

    private final StoreDialect dialect;
    private final String url;
    private final Connections reads;
    private final Connections writes;
    private final KnownCustomers knownCustomers = new KnownCustomers();
    private final Jdbi jdbi;
    private final SegmentScope scope;
    private volatile StatementTrace trace;
    private final int migrationsApplied;
    private final AlertTables alerts;
    private final PublicationTables publications;
    /** This process's own commits, for the store's small caches of attribute names and checked segments. */
    private final AtomicLong ownCommits = new AtomicLong();
    private volatile CachedNames attributeNames = new CachedNames(-1, Set.of());
    private volatile CachedNames tablesWithDeletions = new CachedNames(-1, Set.of());
    private volatile long deletionsCheckedAt;
    private final Map<Segment, Long> segmentsChecked = new ConcurrentHashMap<>();

    private record CachedNames(long version, Set<String> names) {
    }

    /** Every table with a source column; customer attributes go with their customers. */
    private static final List<String> DELETED_WITH_SOURCE = java.util.stream.Stream.concat(
            CanonicalTables.ALL.stream().filter(t -> !t.equals("customer_attributes")),
            java.util.stream.Stream.of("subscription_changes", "sync_cursors", "sync_rejects", "sync_runs")).toList();

    private SqlStore(StoreDialect dialect, String url, int readConnections, Migrations.Notice notice) {
        this.dialect = dialect;
        this.url = url;
        try (Connection c = dialect.open(url, false)) {
            if (dialect instanceof PostgresDialect postgres) {
                postgres.useSchemaOf(c);
            }
            this.migrationsApplied = Migrations.migrate(c, dialect, notice);
        } catch (SQLException e) {
            if (diskFull(e)) {
                throw new io.vitals.store.StoreFullException("disk full: cannot open the store at " + withoutPassword(url)
                        + "; free some space and start again", e);
            }
            throw new StoreException("cannot open the store at " + withoutPassword(url) + ": " + e.getMessage(), e);
        }
        this.reads = new Connections(dialect, url, readConnections, true);
        // writers kept open between writes: one where one writes at a time (each keeps a 32 MiB page cache on SQLite)
        this.writes = new Connections(dialect, url, dialect.oneWriterAtATime() ? 1 : 2, false);
        this.jdbi = Jdbi.create(reads);
        this.jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        this.scope = new SegmentScope(dialect);
        this.alerts = new AlertTables(readOnly -> readOnly ? reads.lend() : writes.lend());
        this.publications = new PublicationTables(readOnly -> readOnly ? reads.lend() : writes.lend());
    }

    /**
     * A read on the read pool, asked again when its connection turned out dead (a PostgreSQL server
     * restarted since its last use: SQLState class 08, or 57P01 for a server shut down): the connections
     * waiting in the pool are then checked before they are handed out, so the second asking gets a live one.
     */
    private <T> T reading(org.jdbi.v3.core.HandleCallback<T, RuntimeException> read) {
        try {
            return jdbi.withHandle(read);
        } catch (RuntimeException e) {
            if (!connectionLost(e)) {
                throw e;
            }
            reads.suspectIdle();
            return jdbi.withHandle(read);
        }
    }

    /** A write that failed, as its caller should hear of it: a full disk said to be one, with the file. */
    RuntimeException writeFailure(String what, SQLException e) {
        if (diskFull(e)) {
            String where = url.startsWith("jdbc:sqlite:") ? "cannot write " + url.substring("jdbc:sqlite:".length()).replaceAll("\\?.*", "")
                    : "the database server's disk is full (" + withoutPassword(url) + ")";
            return new io.vitals.store.StoreFullException("disk full: " + where + "; " + what + " was not written; free some space and"
                    + " run it again", e);
        }
        return new StoreException(what + ": " + e.getMessage(), e);
    }

    /** SQLITE_FULL (13), or PostgreSQL's disk_full (53100), anywhere in the chain. */
    static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("53100".equals(sql.getSQLState()) || (sql.getErrorCode() & 0xff) == 13
                    && String.valueOf(sql.getMessage()).contains("SQLITE_FULL"))) {
                return true;
            }
            String m = t.getMessage();
            // SQLite on a full disk may also fail to grow its shared-memory file (SQLITE_IOERR_SHMSIZE)
            if (m != null && (m.contains("database or disk is full") || m.contains("No space left on device")
                    || m.contains("SQLITE_IOERR_SHMSIZE"))) {
                return true;
            }
        }
        return false;
    }

    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01"))) {
                return true;
            }
        }
        return false;
    }

    /** Opens (creating and migrating if needed) the store at a JDBC URL. */
    public static SqlStore open(String url, int readConnections) {
        return open(url, null, null, readConnections);
    }

    /**
     * Opens the store at a JDBC URL, {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host/db},
     * with a user and password for a server database (null when the URL carries them or none is needed).
     */
    public static SqlStore open(String url, String user, String password, int readConnections) {
        return open(url, user, password, readConnections, Migrations.Notice.NONE);
    }

    /** As {@link #open(String, String, String, int)}, telling {@code notice} before schema migrations run. */
    static SqlStore open(String url, String user, String password, int readConnections, Migrations.Notice notice) {
        if (url.startsWith("jdbc:sqlite:")) {
            return new SqlStore(new SqliteDialect(), url, readConnections, notice);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new SqlStore(new PostgresDialect(user, password), url, readConnections, notice);
        }
        throw new IllegalArgumentException("unsupported store URL '" + url
                + "'; expected jdbc:sqlite:<file> or jdbc:postgresql://<host>[:<port>]/<database>");
    }

    /** The SQL dialect of a store URL, without opening it. */
    static SqlDialect dialectOf(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new PostgresDialect(null, null);
        }
        return new SqliteDialect();
    }

    /** A URL may carry a password parameter; it never reaches a log or a message. */
    static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** From now on, appends every KPI query as it runs to this file (see {@link StatementTrace}). */
    public void traceTo(java.nio.file.Path file) {
        this.trace = new StatementTrace(file, dialect instanceof PostgresDialect ? StatementTrace.Shell.PSQL : StatementTrace.Shell.SQLITE3);
    }

    public String url() {
        return url;
    }

    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public SqlDialect dialect() {
        return dialect;
    }

    // ---- reading, for KPIs

    @Override
    public <T> List<T> query(String sql, KpiQuery query, Map<String, ?> params, RowMapper<T> mapper) {
        Map<String, Object> bound = new HashMap<>(params);
        bound.put("from", StoreTime.epochSeconds(query.period().from()));
        bound.put("to", StoreTime.epochSeconds(query.period().to()));
        bound.put("fromDay", query.period().from().toEpochDay());
        bound.put("toDay", query.period().to().toEpochDay());
        requireCustomersIn(query.segment());
        String scoped = scope.apply(sql, query.segment(), bound, query.segment().isAll() ? Set.of() : attributeNames(),
                tablesWithDeletions());
        StatementTrace t = trace;
        if (t != null) {
            t.record(scoped, bound);
        }
        StatementLimit limit = StatementLimit.current();
        try {
            return reading(h -> {
                org.jdbi.v3.core.statement.Query q = h.createQuery(scoped).bindMap(bound);
                if (limit != null) {
                    q.addCustomizer(limit);
                }
                try {
                    return q.map((rs, ctx) -> mapper.map(new ResultSetRow(rs))).list();
                } finally {
                    if (limit != null) {
                        limit.close();
                    }
                }
            });
        } catch (JdbiException e) {
            if (limit != null && limit.fired()) {
                throw io.vitals.kpi.TimeLimit.exceeded();
            }
            throw new StoreException("query failed: " + rootMessage(e) + "\n" + scoped, e);
        }
    }

    @Override
    public KpiTable table(String name, String title, String sql, KpiQuery query, Map<String, ?> params,
            List<KpiTable.Column> columns, DrillDown order) {
        String ordered = sql;
        if (order.sortBy() != null) {
            if (columns.stream().noneMatch(c -> c.name().equals(order.sortBy()))) {
                throw new InvalidQueryException("cannot sort by '" + order.sortBy() + "'; the columns are "
                        + String.join(", ", columns.stream().map(KpiTable.Column::name).toList()));
            }
            ordered = "SELECT * FROM (\n" + sql + "\n) vitals_table ORDER BY \"" + order.sortBy() + "\""
                    + (order.descending() ? " DESC" : " ASC") + " NULLS LAST";
        }
        Map<String, Object> bound = new HashMap<>(params);
        bound.put("vitals_limit", order.limit());
        List<List<Object>> rows = query(ordered + "\nLIMIT :vitals_limit", query, bound, row -> {
            List<Object> cells = new ArrayList<>();
            for (KpiTable.Column column : columns) {
                Object v = row.get(column.name());
                cells.add(cell(v));
            }
            return cells;
        });
        return new KpiTable(name, title, columns, rows);
    }

    /** Table cells as JSON and CSV want them: whole numbers as Long, others as Double, whatever the driver chose. */
    static Object cell(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.scale() <= 0 ? (Object) d.longValue() : (Object) d.doubleValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        return v;
    }

    @Override
    public List<String> prepare(String sql, Map<String, ?> params) {
        Map<String, Object> bound = new HashMap<>(params);
        bound.put("from", 0L);
        bound.put("to", 0L);
        bound.put("fromDay", 0L);
        bound.put("toDay", 0L);
        try {
            // LIMIT 0 makes the database plan the query and name its columns without reading a row.
            return reading(h -> h.createQuery("SELECT * FROM (\n" + sql + "\n) vitals_probe LIMIT 0").bindMap(bound)
                    .scanResultSet((supplier, ctx) -> {
                        java.sql.ResultSetMetaData md = supplier.get().getMetaData();
                        List<String> labels = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            labels.add(md.getColumnLabel(i));
                        }
                        return labels;
                    }));
        } catch (JdbiException e) {
            throw new InvalidQueryException(dialect.reason(rootMessage(e)));
        }
    }

    @Override
    public SortedSet<String> segmentKeys() {
        return SegmentScope.knownKeys(attributeNames());
    }

    /**
     * Tables holding records deleted at their source, and {@code deal_history} when deals have earlier states:
     * a query sees them as of its period's end.
     */
    private Set<String> tablesWithDeletions() {
        CachedNames cached = tablesWithDeletions;
        long version = ownCommits.get();
        long now = System.nanoTime();
        // checked again after this process wrote, and every few seconds for what another process wrote
        if (cached.version() != version || now - deletionsCheckedAt > 5_000_000_000L) {
            deletionsCheckedAt = now;
            Set<String> tables = new TreeSet<>();
            for (String table : List.of("tickets", "deals")) {
                boolean any = reading(h -> h.createQuery("SELECT count(*) FROM (SELECT 1 FROM " + dialect.physical(table)
                        + " WHERE deleted_at IS NOT NULL LIMIT 1) d").mapTo(Long.class).one()) > 0;
                if (any) {
                    tables.add(table);
                }
            }
            if (reading(h -> h.createQuery("SELECT count(*) FROM (SELECT 1 FROM " + dialect.physical("deal_history")
                    + " LIMIT 1) d").mapTo(Long.class).one()) > 0) {
                tables.add(SegmentScope.DEAL_HISTORY);
            }
            cached = new CachedNames(version, tables);
            tablesWithDeletions = cached;
        }
        return cached.names();
    }

    private Set<String> attributeNames() {
        CachedNames cached = attributeNames;
        long version = ownCommits.get();
        if (cached.version() != version) {
            List<String> found = reading(h -> h.createQuery(
                    "SELECT DISTINCT name FROM customer_attributes").mapTo(String.class).list());
            Set<String> names = new TreeSet<>(found);
            cached = new CachedNames(version, names);
            attributeNames = cached;
        }
        return cached.names();
    }

    /** A segment no customer is in is almost always a typo: say so, with the values that exist. */
    private void requireCustomersIn(Segment segment) {
        if (segment.isAll() || Long.valueOf(ownCommits.get()).equals(segmentsChecked.get(segment))) {
            return;
        }
        Map<String, Object> params = new HashMap<>();
        String condition = scope.customerCondition(segment, params, attributeNames());
        long matching = reading(h -> h.createQuery("SELECT count(*) FROM " + dialect.physical("customers")
                + " c WHERE " + condition).bindMap(params).mapTo(Long.class).one());
        if (matching == 0) {
            StringBuilder hint = new StringBuilder();
            for (Map.Entry<String, String> f : segment.filters().entrySet()) {
                hint.append("; values of ").append(f.getKey()).append(": ").append(String.join(", ", valuesOf(f.getKey())));
            }
            throw new InvalidQueryException("no customers match the segment " + segment + hint);
        }
        segmentsChecked.put(segment, ownCommits.get());
    }

    /** Every segment key with the values customers have (at most {@link Segments#MAX_VALUES}, then "..."). */
    public java.util.SortedMap<String, List<String>> segmentValues() {
        java.util.SortedMap<String, List<String>> values = new java.util.TreeMap<>();
        for (String key : segmentKeys()) {
            values.put(key, valuesOf(key));
        }
        return values;
    }

    private List<String> valuesOf(String key) {
        String column = CanonicalTables.SEGMENT_COLUMNS.get(key);
        String sql = column != null
                ? "SELECT DISTINCT " + column + " FROM " + dialect.physical("customers") + " WHERE " + column
                        + " IS NOT NULL ORDER BY 1 LIMIT " + (Segments.MAX_VALUES + 1)
                : "SELECT DISTINCT value FROM " + dialect.physical("customer_attributes")
                        + " WHERE name = :key AND value IS NOT NULL ORDER BY 1 LIMIT " + (Segments.MAX_VALUES + 1);
        List<String> values = new ArrayList<>(reading(h -> h.createQuery(sql).bind("key", key).mapTo(String.class).list()));
        if (values.size() > Segments.MAX_VALUES) {
            values = new ArrayList<>(values.subList(0, Segments.MAX_VALUES));
            values.add("...");
        }
        return values;
    }

    // ---- writing, for sources

    /** The version row of migration 005: every process writing this database moves it, so every one sees the change. */
    @Override
    public long dataVersion() {
        return reading(h -> h.createQuery("SELECT coalesce(max(version), 0) FROM store_version").mapTo(Long.class).one());
    }

    /** Moves the data version inside the caller's write transaction, so it commits (or not) with the records. */
    static void moveDataVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // an upsert, so a version row someone removed comes back rather than the version standing still
            st.executeUpdate("INSERT INTO store_version (id, version) VALUES (1, 1)"
                    + " ON CONFLICT (id) DO UPDATE SET version = store_version.version + 1");
        }
    }

    @Override
    public Batch batch() {
        try {
            return new BatchWriter(dialect.open(url, false), dialect, ownCommits::incrementAndGet, this::writeFailure);
        } catch (SQLException e) {
            throw new StoreException("cannot open a write transaction: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteSource(String source) {
        try (Connection c = writes.lend()) {
            c.setAutoCommit(false);
            for (String attributes : List.of("DELETE FROM customer_attributes WHERE customer_id IN (SELECT id FROM customers WHERE source = ?)",
                    "DELETE FROM ticket_attributes WHERE ticket_id IN (SELECT id FROM tickets WHERE source = ?)",
                    "DELETE FROM deal_history WHERE deal_id IN (SELECT id FROM deals WHERE source = ?)")) {
                try (PreparedStatement attrs = c.prepareStatement(attributes)) {
                    attrs.setString(1, source);
                    attrs.executeUpdate();
                }
            }
            for (String table : DELETED_WITH_SOURCE) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE source = ?")) {
                    ps.setString(1, source);
                    ps.executeUpdate();
                }
            }
            moveDataVersion(c);
            c.commit();
            ownCommits.incrementAndGet();
            // while this still holds the writer, so no page can start with the ids of the customers just deleted
            // (their deletion went through this connection: no counter of other connections' commits tells)
            knownCustomers.forget();
        } catch (SQLException e) {
            throw writeFailure("the deletion of source " + source, e);
        }
    }

    @Override
    public boolean isEmpty() {
        return !reading(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM customers)").mapTo(Boolean.class).one());
    }

    @Override
    public Map<String, Long> counts() {
        return reading(h -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : CanonicalTables.ALL) {
                counts.put(table, h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
            }
            return counts;
        });
    }

    @Override
    public Optional<String> metadata(String key) {
        return reading(h -> h.createQuery("SELECT value FROM store_metadata WHERE key = :key")
                .bind("key", key).mapTo(String.class).findOne());
    }

    @Override
    public void putMetadata(String key, String value) {
        try (Connection c = writes.lend();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO store_metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
            ownCommits.incrementAndGet();
        } catch (SQLException e) {
            throw new StoreException("cannot write store metadata: " + e.getMessage(), e);
        }
    }

    // ---- syncing, for the sync engine

    @Override
    public Optional<String> cursor(String source) {
        return reading(h -> h.createQuery("SELECT cursor FROM sync_cursors WHERE source = :source")
                .bind("source", source).mapTo(String.class).findOne());
    }

    @Override
    public PageCounts write(String source, SourcePage page) {
        try (Connection c = writes.lend()) {
            c.setAutoCommit(false);
            Connection connection = c.unwrap(Connection.class);
            // Where one writer at a time holds the database (SQLite), moving the data version first takes
            // the write lock: nobody commits between the look at others' commits and this page's own
            // commit, so the customer ids known are sure for it. Elsewhere the version row's lock is taken last.
            boolean lockFirst = dialect.oneWriterAtATime();
            if (lockFirst) {
                moveDataVersion(c);
            }
            Map<String, Long> known = knownCustomers.forPageOn(connection,
                    lockFirst ? dialect.commitsByOthers(connection) : java.util.OptionalLong.empty());
            PageWriter writer = new PageWriter(c, dialect, source, known);
            try {
                PageCounts counts = writer.write(page);
                if (!lockFirst) {
                    moveDataVersion(c);
                }
                c.commit();
                ownCommits.incrementAndGet();
                if (writer.wroteCustomers()) {
                    knownCustomers.forget(); // an e-mail address may have moved to another customer
                }
                return counts;
            } catch (SQLException | RuntimeException e) {
                knownCustomers.forget(); // ids this page looked up may belong to rows it did not commit
                try {
                    c.rollback();
                } catch (SQLException notRolledBack) {
                    // a failed commit (a full disk) may have ended the transaction already: the first failure is the one to tell
                    e.addSuppressed(notRolledBack);
                }
                throw e;
            } finally {
                writer.close();
            }
        } catch (SQLException e) {
            throw writeFailure("a page of " + source, e);
        }
    }

    @Override
    public Erasure erase(String source, String customerId) {
        try (Connection c = writes.lend()) {
            c.setAutoCommit(false);
            long id;
            String email;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, email FROM customers WHERE source = ? AND external_id = ?")) {
                ps.setString(1, source);
                ps.setString(2, customerId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return new Erasure(false, 0, 0, 0);
                    }
                    id = rs.getLong(1);
                    email = rs.getString(2);
                }
            }
            moveDataVersion(c);
            long attributes = update(c, "DELETE FROM customer_attributes WHERE customer_id = ?", id)
                    + update(c, "DELETE FROM ticket_attributes WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = ?)", id);
            long cancellations = update(c, "UPDATE cancellations SET feedback = NULL WHERE customer_id = ? AND feedback IS NOT NULL", id);
            update(c, "UPDATE customers SET name = 'erased', email = NULL WHERE id = ?", id);
            long responses = update(c, "UPDATE survey_responses SET respondent_email = NULL, comment = NULL WHERE customer_id = ?", id);
            if (email != null) {
                // answers kept unmatched under the same address
                try (PreparedStatement ps = c.prepareStatement("UPDATE survey_responses SET respondent_email = NULL, comment = NULL"
                        + " WHERE customer_id IS NULL AND lower(respondent_email) = lower(?)")) {
                    ps.setString(1, email);
                    responses += ps.executeUpdate();
                }
            }
            long rejects = 0;
            for (String mark : email == null ? List.of(customerId) : List.of(customerId, email)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_rejects WHERE raw LIKE ? ESCAPE '!'")) {
                    ps.setString(1, "%" + mark.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                    rejects += ps.executeUpdate();
                }
            }
            c.commit();
            ownCommits.incrementAndGet();
            knownCustomers.forget();
            return new Erasure(true, attributes, responses, rejects, cancellations);
        } catch (SQLException e) {
            throw writeFailure("the erasure of " + source + ":" + customerId, e);
        }
    }

    private static long update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate();
        }
    }

    @Override
    public java.util.Set<String> liveIds(String source, String entity) {
        String sql = switch (entity) {
            case "customers" -> "SELECT external_id FROM customers WHERE source = :source AND deleted_at IS NULL";
            case "subscriptions" -> "SELECT DISTINCT subscription_key FROM subscriptions WHERE source = :source AND ended_at IS NULL";
            default -> throw new IllegalArgumentException("live ids are kept for customers and subscriptions, not " + entity);
        };
        return new java.util.HashSet<>(reading(h -> h.createQuery(sql).bind("source", source).mapTo(String.class).list()));
    }

    @Override
    public long landRejects(String source) {
        try (Connection c = writes.lend()) {
            c.setAutoCommit(false);
            Connection connection = c.unwrap(Connection.class);
            boolean lockFirst = dialect.oneWriterAtATime();
            if (lockFirst) {
                moveDataVersion(c);
            }
            Map<String, Long> known = knownCustomers.forPageOn(connection,
                    lockFirst ? dialect.commitsByOthers(connection) : java.util.OptionalLong.empty());
            PageWriter writer = new PageWriter(c, dialect, source, known);
            try {
                long landed = 0;
                for (long batch; (batch = writer.landRejects()) > 0; ) {
                    landed += batch;
                }
                if (landed == 0) {
                    c.rollback();
                    return 0;
                }
                if (!lockFirst) {
                    moveDataVersion(c);
                }
                c.commit();
                ownCommits.incrementAndGet();
                return landed;
            } catch (SQLException | RuntimeException e) {
                knownCustomers.forget();
                try {
                    c.rollback();
                } catch (SQLException notRolledBack) {
                    e.addSuppressed(notRolledBack);
                }
                throw e;
            } finally {
                writer.close();
            }
        } catch (SQLException e) {
            throw writeFailure("the earlier rejects of " + source, e);
        }
    }

    @Override
    public void resetCursor(String source) {
        execute("DELETE FROM sync_cursors WHERE source = ?", source);
    }

    @Override
    public List<Rejected> rejects(String source, int limit) {
        return reading(h -> h.createQuery(
                "SELECT rejected_ms, raw, reason FROM sync_rejects WHERE source = :source AND resolved_ms IS NULL ORDER BY id DESC LIMIT :limit")
                .bind("source", source).bind("limit", limit)
                .map((rs, ctx) -> new Rejected(source, java.time.Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)))
                .list());
    }

    @Override
    public long rejectCount(String source) {
        return reading(h -> h.createQuery("SELECT count(*) FROM sync_rejects WHERE source = :source AND resolved_ms IS NULL")
                .bind("source", source).mapTo(Long.class).one());
    }

    @Override
    public void saveReport(SyncReport r) {
        try (Connection c = writes.lend();
                PreparedStatement ps = c.prepareStatement("INSERT INTO sync_runs (source, started_ms, finished_ms, outcome, read,"
                        + " inserted, updated, unchanged, rejected, message, duplicates, landed, skipped)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.source());
            ps.setLong(2, r.started().toEpochMilli());
            ps.setLong(3, r.finished().toEpochMilli());
            ps.setString(4, r.outcome().name());
            ps.setLong(5, r.counts().read());
            ps.setLong(6, r.counts().inserted());
            ps.setLong(7, r.counts().updated());
            ps.setLong(8, r.counts().unchanged());
            ps.setLong(9, r.counts().rejected());
            ps.setString(10, r.message());
            ps.setLong(11, r.counts().duplicates());
            ps.setLong(12, r.counts().landed());
            ps.setLong(13, r.counts().skipped());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeFailure("the report of " + r.source(), e);
        }
    }

    @Override
    public Optional<SyncReport> lastReport(String source) {
        return reading(h -> h.createQuery("SELECT * FROM sync_runs WHERE source = :source ORDER BY id DESC LIMIT 1")
                .bind("source", source)
                .map((rs, ctx) -> new SyncReport(source, java.time.Instant.ofEpochMilli(rs.getLong("started_ms")),
                        java.time.Instant.ofEpochMilli(rs.getLong("finished_ms")), SyncReport.Outcome.valueOf(rs.getString("outcome")),
                        new PageCounts(rs.getLong("read"), rs.getLong("inserted"), rs.getLong("updated"), rs.getLong("unchanged"),
                                rs.getLong("rejected"), rs.getLong("duplicates"), rs.getLong("landed"), rs.getLong("skipped")),
                        rs.getString("message")))
                .findOne());
    }

    // ---- alerts

    @Override
    public Map<String, String> alertStates(String rule) {
        return alerts.states(rule);
    }

    @Override
    public void saveAlertStates(String rule, Map<String, String> states) {
        alerts.saveStates(rule, states);
    }

    @Override
    public Alert recordAlert(Alert alert, String rule, Map<String, String> states) {
        return alerts.record(alert, rule, states);
    }

    @Override
    public List<Alert> alerts(boolean includeAcked, int limit) {
        return alerts.alerts(includeAcked, limit);
    }

    @Override
    public Optional<Alert> alert(long id) {
        return alerts.alert(id);
    }

    @Override
    public boolean ackAlert(long id, java.time.Instant at) {
        return alerts.ack(id, at);
    }

    @Override
    public void saveDelivery(long alertId, Alert.Delivery delivery) {
        alerts.saveDelivery(alertId, delivery);
    }

    @Override
    public List<Alert> pendingDeliveries() {
        return alerts.pending();
    }

    // ---- closed months

    @Override
    public void publish(io.vitals.kpi.MonthBook.ClosedMonth month, List<io.vitals.kpi.MonthBook.Figure> figures) {
        publications.publish(month, figures);
    }

    @Override
    public List<io.vitals.kpi.MonthBook.ClosedMonth> publishedMonths() {
        return publications.months();
    }

    @Override
    public List<io.vitals.kpi.MonthBook.Figure> figures(java.time.YearMonth month) {
        return publications.figures(month, null);
    }

    @Override
    public Optional<io.vitals.kpi.MonthBook.Figure> figure(String kpi, java.time.YearMonth month) {
        return publications.figure(kpi, month);
    }

    @Override
    public void recordRestatement(io.vitals.kpi.MonthBook.Restatement restatement) {
        publications.recordRestatement(restatement);
    }

    @Override
    public List<io.vitals.kpi.MonthBook.Restatement> restatements(java.time.YearMonth month) {
        return publications.restatements(month);
    }

    @Override
    public String changesSince(java.time.Instant since, java.time.Instant from, java.time.Instant to) {
        return publications.changesSince(since, from, to);
    }

    private void execute(String sql, String arg) {
        try (Connection c = writes.lend(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** Refreshes the query planner's statistics; worth it after a large load. */
    public void analyze() {
        try (Connection c = writes.lend(); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        } catch (SQLException e) {
            throw new StoreException("cannot analyze the store: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        reads.close();
        writes.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
