package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vitals.model.AdvocacyEvent;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.UsageEvent;
import io.vitals.store.DataWriter;

/** One write transaction on its own connection; statements are prepared once and sent in JDBC batches. */
final class BatchWriter implements DataWriter.Batch {

    private static final int FLUSH_EVERY = 5_000;

    private final Connection connection;
    private final StoreDialect dialect;
    private final Runnable onCommit;
    private final Map<RecordTable<?>, PreparedStatement> statements = new LinkedHashMap<>();
    private final Map<RecordTable<?>, Integer> pending = new LinkedHashMap<>();
    private PreparedStatement deleteAttributes;
    private PreparedStatement insertAttribute;
    private boolean closed;

    private final java.util.function.BiFunction<String, SQLException, RuntimeException> failure;

    BatchWriter(Connection connection, StoreDialect dialect, Runnable onCommit,
            java.util.function.BiFunction<String, SQLException, RuntimeException> failure) throws SQLException {
        this.failure = failure;
        this.connection = connection;
        this.dialect = dialect;
        this.onCommit = onCommit;
        connection.setAutoCommit(false);
    }

    private <T> void write(RecordTable<T> table, T record) {
        if (closed) {
            throw new IllegalStateException("the batch is closed");
        }
        try {
            PreparedStatement ps = statements.get(table);
            if (ps == null) {
                ps = connection.prepareStatement(table.upsert(dialect));
                statements.put(table, ps);
            }
            Object[] values = table.values.apply(record);
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.addBatch();
            int n = pending.merge(table, 1, Integer::sum);
            if (n >= FLUSH_EVERY) {
                ps.executeBatch();
                pending.put(table, 0);
            }
        } catch (SQLException e) {
            throw failure.apply("a batch of " + table.table, e);
        }
    }

    @Override
    public void add(Customer customer) {
        write(RecordTable.CUSTOMERS, customer);
        if (customer.attributes().isEmpty()) {
            return;
        }
        try {
            // Attributes refer to the customer's id, so the customer row must be written first.
            flush(RecordTable.CUSTOMERS);
            long id = customer.id() > 0 ? customer.id() : idOf(customer);
            if (deleteAttributes == null) {
                deleteAttributes = connection.prepareStatement("DELETE FROM customer_attributes WHERE customer_id = ?");
                insertAttribute = connection.prepareStatement(
                        "INSERT INTO customer_attributes (customer_id, name, value) VALUES (?, ?, ?)");
            }
            deleteAttributes.setLong(1, id);
            deleteAttributes.executeUpdate();
            for (Map.Entry<String, String> a : customer.attributes().entrySet()) {
                insertAttribute.setLong(1, id);
                insertAttribute.setString(2, a.getKey());
                insertAttribute.setString(3, a.getValue());
                insertAttribute.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure.apply("the attributes of customer " + customer.externalId(), e);
        }
    }

    private long idOf(Customer customer) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM customers WHERE source = ? AND external_id = ?")) {
            ps.setString(1, customer.source());
            ps.setString(2, customer.externalId());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override public void add(Subscription s) { write(RecordTable.SUBSCRIPTIONS, s); }
    @Override public void add(Invoice i) { write(RecordTable.INVOICES, i); }
    @Override public void add(SurveyResponse r) { write(RecordTable.SURVEY_RESPONSES, r); }
    @Override public void add(SupportTicket t) { write(RecordTable.TICKETS, t); }
    @Override public void add(ProductUser u) { write(RecordTable.USERS, u); }
    @Override public void add(UsageEvent e) { write(RecordTable.USAGE_EVENTS, e); }
    @Override public void add(Deal d) { write(RecordTable.DEALS, d); }
    @Override public void add(AdvocacyEvent a) { write(RecordTable.ADVOCACY_EVENTS, a); }
    @Override public void add(OnboardingMilestone m) { write(RecordTable.ONBOARDING_MILESTONES, m); }
    @Override public void add(CostEntry c) { write(RecordTable.COSTS, c); }
    @Override public void add(io.vitals.model.Cancellation c) { write(RecordTable.CANCELLATIONS, c); }

    private void flush(RecordTable<?> table) throws SQLException {
        Integer n = pending.get(table);
        if (n != null && n > 0) {
            statements.get(table).executeBatch();
            pending.put(table, 0);
        }
    }

    @Override
    public void commit() {
        try {
            for (RecordTable<?> table : statements.keySet()) {
                flush(table);
            }
            dialect.afterExplicitIds(connection, statements.keySet().stream().filter(RecordTable::hasId).map(t -> t.table).toList());
            SqlStore.moveDataVersion(connection);
            connection.commit();
            onCommit.run();
        } catch (SQLException e) {
            throw failure.apply("a batch", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is closed below either way
        }
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            if (deleteAttributes != null) {
                deleteAttributes.close();
                insertAttribute.close();
            }
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close a write batch: " + e.getMessage(), e);
        }
    }
}
