package io.vitals.connector.jdbc;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a result set's rows as named text fields for the mapping: numbers in plain notation,
 * timestamps as ISO-8601 (local, or with their offset for a zoned type), dates as ISO dates.
 */
final class Columns {

    private final List<String> names = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();

    private enum Kind { PLAIN, TIMESTAMP, TIMESTAMPTZ, DATE }

    Columns(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String label = md.getColumnLabel(i);
            names.add(label == null || label.isEmpty() ? md.getColumnName(i) : label);
            String typeName = md.getColumnTypeName(i) == null ? "" : md.getColumnTypeName(i).toLowerCase(Locale.ROOT);
            int type = md.getColumnType(i);
            if (type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz")) {
                kinds.add(Kind.TIMESTAMPTZ);
            } else if (type == Types.TIMESTAMP) {
                kinds.add(Kind.TIMESTAMP);
            } else if (type == Types.DATE) {
                kinds.add(Kind.DATE);
            } else {
                kinds.add(Kind.PLAIN);
            }
        }
    }

    List<String> names() {
        return names;
    }

    /** The column's index (0-based) by name, ignoring case; -1 when the query has no such column. */
    int indexOf(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The row's values as Java objects: LocalDateTime, OffsetDateTime, LocalDate, numbers, strings... */
    Object[] values(ResultSet rs) throws SQLException {
        Object[] values = new Object[names.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(rs, i + 1, kinds.get(i));
        }
        return values;
    }

    private static Object value(ResultSet rs, int column, Kind kind) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null || kind == Kind.PLAIN || v instanceof String || v instanceof Number) {
            return v instanceof Timestamp t ? t.toLocalDateTime() : v instanceof java.sql.Date d ? d.toLocalDate() : v;
        }
        try {
            return switch (kind) {
                case TIMESTAMPTZ -> rs.getObject(column, OffsetDateTime.class);
                case TIMESTAMP -> rs.getObject(column, LocalDateTime.class);
                case DATE -> rs.getObject(column, LocalDate.class);
                case PLAIN -> v;
            };
        } catch (SQLException | RuntimeException e) {
            return v instanceof Timestamp t ? t.toLocalDateTime() : v instanceof java.sql.Date d ? d.toLocalDate() : v;
        }
    }

    /** The row as the mapping reads it: column name to text (null for SQL NULL). */
    Map<String, String> fields(Object[] values) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.putIfAbsent(names.get(i), text(values[i]));
        }
        return row;
    }

    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : String.valueOf(d);
        }
        if (v instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        return String.valueOf(v);
    }
}
