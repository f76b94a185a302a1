package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitals.alert.Alert;

/**
 * The alert tables ({@code db/<dialect>/003.sql}): alerts, their deliveries and the rules' states,
 * in plain JDBC on the connections the store hands out. Writes go through a write connection, in
 * one transaction each.
 */
final class AlertTables {

    /** Opens a connection: read-only for reads, a write connection otherwise. */
    interface Connections {
        Connection open(boolean readOnly) throws SQLException;
    }

    private static final String ALERT_COLUMNS = "id, rule, kpi, segment, customer_id, from_status, to_status, value, target,"
            + " message, raised_ms, acked_ms";

    private final Connections connections;

    AlertTables(Connections connections) {
        this.connections = connections;
    }

    Map<String, String> states(String rule) {
        Map<String, String> out = new HashMap<>();
        try (Connection c = connections.open(true);
                PreparedStatement ps = c.prepareStatement("SELECT subject, state FROM alert_states WHERE rule = ?")) {
            ps.setString(1, rule);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the states of alert rule " + rule + ": " + e.getMessage(), e);
        }
    }

    void saveStates(String rule, Map<String, String> states) {
        inTransaction("save the states of alert rule " + rule, c -> {
            writeStates(c, rule, states);
            return null;
        });
    }

    Alert record(Alert alert, String rule, Map<String, String> states) {
        return inTransaction("record an alert of rule " + alert.rule(), c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (rule, kpi, segment, customer_id, from_status,"
                    + " to_status, value, target, message, raised_ms, acked_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) RETURNING id")) {
                ps.setString(1, alert.rule());
                ps.setString(2, alert.kpi());
                ps.setString(3, alert.segment());
                ps.setString(4, alert.customerId());
                ps.setString(5, alert.from());
                ps.setString(6, alert.to());
                setDouble(ps, 7, alert.value());
                setDouble(ps, 8, alert.target());
                ps.setString(9, alert.message());
                ps.setLong(10, alert.raisedAt().toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            for (Alert.Delivery d : alert.deliveries()) {
                writeDelivery(c, id, d);
            }
            writeStates(c, rule, states);
            return alert.withId(id);
        });
    }

    List<Alert> alerts(boolean includeAcked, int limit) {
        return select("SELECT " + ALERT_COLUMNS + " FROM alerts" + (includeAcked ? "" : " WHERE acked_ms IS NULL")
                + " ORDER BY id DESC LIMIT " + Math.max(1, limit));
    }

    Optional<Alert> alert(long id) {
        return select("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE id = " + id).stream().findFirst();
    }

    List<Alert> pending() {
        return select("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE id IN"
                + " (SELECT alert_id FROM alert_deliveries WHERE state = 'PENDING') ORDER BY id");
    }

    boolean ack(long id, Instant at) {
        return inTransaction("acknowledge alert " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET acked_ms = coalesce(acked_ms, ?) WHERE id = ?")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    void saveDelivery(long alertId, Alert.Delivery delivery) {
        inTransaction("save a delivery of alert " + alertId, c -> {
            writeDelivery(c, alertId, delivery);
            return null;
        });
    }

    private List<Alert> select(String sql) {
        try (Connection c = connections.open(true)) {
            Map<Long, Alert> alerts = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long acked = rs.getLong("acked_ms");
                    Instant ackedAt = rs.wasNull() ? null : Instant.ofEpochMilli(acked);
                    Alert a = new Alert(rs.getLong("id"), rs.getString("rule"), rs.getString("kpi"), rs.getString("segment"),
                            rs.getString("customer_id"), rs.getString("from_status"), rs.getString("to_status"),
                            getDouble(rs, "value"), getDouble(rs, "target"), rs.getString("message"),
                            Instant.ofEpochMilli(rs.getLong("raised_ms")), ackedAt, List.of());
                    alerts.put(a.id(), a);
                }
            }
            if (alerts.isEmpty()) {
                return List.of();
            }
            Map<Long, List<Alert.Delivery>> deliveries = new HashMap<>();
            String ids = String.join(",", alerts.keySet().stream().map(String::valueOf).toList());
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, channel, state, attempts, last_error, updated_ms"
                    + " FROM alert_deliveries WHERE alert_id IN (" + ids + ") ORDER BY alert_id, channel");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deliveries.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Alert.Delivery(rs.getString(2),
                            Alert.Delivery.State.valueOf(rs.getString(3)), rs.getInt(4), rs.getString(5),
                            Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
            List<Alert> out = new ArrayList<>();
            for (Alert a : alerts.values()) {
                out.add(a.withDeliveries(deliveries.getOrDefault(a.id(), List.of())));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read alerts: " + e.getMessage(), e);
        }
    }

    private static void writeStates(Connection c, String rule, Map<String, String> states) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO alert_states (rule, subject, state, updated_ms)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (rule, subject) DO UPDATE SET state = excluded.state, updated_ms = excluded.updated_ms");
                PreparedStatement delete = c.prepareStatement("DELETE FROM alert_states WHERE rule = ? AND subject = ?")) {
            for (Map.Entry<String, String> e : states.entrySet()) {
                if (e.getValue() == null) {
                    delete.setString(1, rule);
                    delete.setString(2, e.getKey());
                    delete.addBatch();
                } else {
                    upsert.setString(1, rule);
                    upsert.setString(2, e.getKey());
                    upsert.setString(3, e.getValue());
                    upsert.setLong(4, now);
                    upsert.addBatch();
                }
            }
            upsert.executeBatch();
            delete.executeBatch();
        }
    }

    private static void writeDelivery(Connection c, long alertId, Alert.Delivery d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_deliveries (alert_id, channel, state, attempts, last_error,"
                + " updated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET state = excluded.state,"
                + " attempts = excluded.attempts, last_error = excluded.last_error, updated_ms = excluded.updated_ms")) {
            ps.setLong(1, alertId);
            ps.setString(2, d.channel());
            ps.setString(3, d.state().name());
            ps.setInt(4, d.attempts());
            ps.setString(5, d.lastError());
            ps.setLong(6, (d.updatedAt() == null ? Instant.now() : d.updatedAt()).toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    private static Double getDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = connections.open(false)) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
