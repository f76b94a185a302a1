package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitals.kpi.MonthBook;

/** The tables of migration 012: closed months, their figures as published, and restatements. */
final class PublicationTables {

    /** A connection for reading (true) or writing (false), given back when closed. */
    interface Lender {
        Connection lend(boolean readOnly) throws SQLException;
    }

    private final Lender connections;

    PublicationTables(Lender connections) {
        this.connections = connections;
    }

    void publish(MonthBook.ClosedMonth month, List<MonthBook.Figure> figures) {
        String m = month.month().toString();
        try (Connection c = connections.lend(false)) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM published_figures WHERE month = ?")) {
                    ps.setString(1, m);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO published_months (month, published_at, data_version) VALUES (?, ?, ?)"
                        + " ON CONFLICT (month) DO UPDATE SET published_at = excluded.published_at, data_version = excluded.data_version")) {
                    ps.setString(1, m);
                    ps.setLong(2, month.publishedAt().toEpochMilli());
                    ps.setLong(3, month.dataVersion());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO published_figures (month, kpi, value, answer) VALUES (?, ?, ?, ?)")) {
                    for (MonthBook.Figure f : figures) {
                        ps.setString(1, m);
                        ps.setString(2, f.kpi());
                        ps.setObject(3, f.value());
                        ps.setString(4, f.answer());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot keep the figures of " + m + " as published: " + e.getMessage(), e);
        }
    }

    List<MonthBook.ClosedMonth> months() {
        List<MonthBook.ClosedMonth> out = new ArrayList<>();
        try (Connection c = connections.lend(true);
                PreparedStatement ps = c.prepareStatement("SELECT m.month, m.published_at, m.data_version,"
                        + " (SELECT count(*) FROM published_figures f WHERE f.month = m.month) FROM published_months m ORDER BY m.month DESC");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new MonthBook.ClosedMonth(YearMonth.parse(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3),
                        rs.getInt(4)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the closed months: " + e.getMessage(), e);
        }
        return out;
    }

    List<MonthBook.Figure> figures(YearMonth month, String kpi) {
        List<MonthBook.Figure> out = new ArrayList<>();
        try (Connection c = connections.lend(true);
                PreparedStatement ps = c.prepareStatement("SELECT f.kpi, f.value, f.answer, m.published_at FROM published_figures f"
                        + " JOIN published_months m ON m.month = f.month WHERE f.month = ?" + (kpi == null ? "" : " AND f.kpi = ?")
                        + " ORDER BY f.kpi")) {
            ps.setString(1, month.toString());
            if (kpi != null) {
                ps.setString(2, kpi);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double v = rs.getDouble(2);
                    out.add(new MonthBook.Figure(rs.getString(1), month, rs.wasNull() ? null : v, rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the figures of " + month + ": " + e.getMessage(), e);
        }
        return out;
    }

    Optional<MonthBook.Figure> figure(String kpi, YearMonth month) {
        return figures(month, kpi).stream().findFirst();
    }

    void recordRestatement(MonthBook.Restatement r) {
        try (Connection c = connections.lend(false);
                PreparedStatement ps = c.prepareStatement("INSERT INTO restatements (month, kpi, published, published_at, restated, detected_at, cause)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.month().toString());
            ps.setString(2, r.kpi());
            ps.setObject(3, r.published());
            ps.setLong(4, r.publishedAt().toEpochMilli());
            ps.setObject(5, r.restated());
            ps.setLong(6, r.detectedAt().toEpochMilli());
            ps.setString(7, r.cause());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record a restatement of " + r.kpi() + " " + r.month() + ": " + e.getMessage(), e);
        }
    }

    List<MonthBook.Restatement> restatements(YearMonth month) {
        List<MonthBook.Restatement> out = new ArrayList<>();
        try (Connection c = connections.lend(true);
                PreparedStatement ps = c.prepareStatement("SELECT month, kpi, published, published_at, restated, detected_at, cause"
                        + " FROM restatements" + (month == null ? "" : " WHERE month = ?") + " ORDER BY detected_at DESC, id DESC")) {
            if (month != null) {
                ps.setString(1, month.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double p = rs.getDouble(3);
                    Double published = rs.wasNull() ? null : p;
                    double n = rs.getDouble(5);
                    Double restated = rs.wasNull() ? null : n;
                    out.add(new MonthBook.Restatement(rs.getString(2), YearMonth.parse(rs.getString(1)), published,
                            Instant.ofEpochMilli(rs.getLong(4)), restated, Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the restatements: " + e.getMessage(), e);
        }
        return out;
    }

    /** Subscription changes dated in the period that arrived since, by source, then each source's syncs since. */
    String changesSince(Instant since, Instant from, Instant to) {
        Map<String, Long> changes = new LinkedHashMap<>();
        Map<String, long[]> syncs = new LinkedHashMap<>();
        try (Connection c = connections.lend(true)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT source, count(*) FROM subscription_changes WHERE at >= ? AND at < ?"
                    + " AND received_ms >= ? GROUP BY source ORDER BY source")) {
                ps.setLong(1, from.getEpochSecond());
                ps.setLong(2, to.getEpochSecond());
                ps.setLong(3, since.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        changes.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT source, count(*), coalesce(sum(inserted + updated), 0) FROM sync_runs"
                    + " WHERE finished_ms >= ? GROUP BY source ORDER BY source")) {
                ps.setLong(1, since.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        syncs.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot tell what changed: " + e.getMessage(), e);
        }
        List<String> parts = new ArrayList<>();
        String month = YearMonth.from(from.atZone(java.time.ZoneOffset.UTC)).toString();
        changes.forEach((source, n) -> parts.add(n + " subscription change" + (n == 1 ? "" : "s") + " from " + source + " dated in " + month));
        syncs.forEach((source, s) -> parts.add(source + " synced " + s[0] + " time" + (s[0] == 1 ? "" : "s") + " (" + s[1] + " rows written)"));
        return parts.isEmpty() ? "no sync since; the data changed another way (a KPI reconfigured, a source removed)" : String.join("; ", parts);
    }
}
