package io.vitals.connector.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The value of the cursor column in the last committed row, with its type, so that it is bound
 * to {@code :cursor} as the database compares it: a whole number, a decimal, a timestamp (with or
 * without a zone), a date or text. Its text form is the source's cursor:
 * {@code {"value":"1042","type":"integer"}}.
 */
record CursorValue(Type type, String value) implements Comparable<CursorValue> {

    enum Type { INTEGER, DECIMAL, TIMESTAMP, TIMESTAMPTZ, DATE, TEXT }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+\\.\\d+");

    /** {@code cursorStart} as configured: a whole number, a decimal, or text. */
    static CursorValue start(String text) {
        String t = text == null ? "" : text.trim();
        if (INTEGER.matcher(t).matches()) {
            return new CursorValue(Type.INTEGER, t);
        }
        if (DECIMAL.matcher(t).matches()) {
            return new CursorValue(Type.DECIMAL, t);
        }
        return new CursorValue(Type.TEXT, t);
    }

    /** The value a row has in the cursor column (as {@link Columns} read it), or null. */
    static CursorValue of(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return new CursorValue(Type.INTEGER, String.valueOf(((Number) v).longValue()));
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? new CursorValue(Type.INTEGER, b.toString()) : new CursorValue(Type.DECIMAL, b.toString());
        }
        if (v instanceof BigDecimal d) {
            return new CursorValue(Type.DECIMAL, d.toPlainString());
        }
        if (v instanceof Double || v instanceof Float) {
            return new CursorValue(Type.DECIMAL, BigDecimal.valueOf(((Number) v).doubleValue()).toPlainString());
        }
        if (v instanceof LocalDateTime t) {
            return new CursorValue(Type.TIMESTAMP, t.toString());
        }
        if (v instanceof OffsetDateTime t) {
            return new CursorValue(Type.TIMESTAMPTZ, t.toString());
        }
        if (v instanceof LocalDate d) {
            return new CursorValue(Type.DATE, d.toString());
        }
        return new CursorValue(Type.TEXT, String.valueOf(v));
    }

    /** The cursor a sync committed; null when it is not one of ours. */
    static CursorValue parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return new CursorValue(Type.valueOf(n.path("type").asText().toUpperCase(java.util.Locale.ROOT)), n.path("value").asText());
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    String text() {
        ObjectNode n = JSON.createObjectNode();
        n.put("value", value);
        n.put("type", type.name().toLowerCase(java.util.Locale.ROOT));
        return n.toString();
    }

    void bind(PreparedStatement ps, int index) throws SQLException {
        switch (type) {
            case INTEGER -> ps.setLong(index, Long.parseLong(value));
            case DECIMAL -> ps.setBigDecimal(index, new BigDecimal(value));
            case TIMESTAMP -> ps.setTimestamp(index, Timestamp.valueOf(LocalDateTime.parse(value)));
            case TIMESTAMPTZ -> ps.setObject(index, OffsetDateTime.parse(value));
            case DATE -> ps.setDate(index, Date.valueOf(LocalDate.parse(value)));
            case TEXT -> ps.setString(index, value);
        }
    }

    /** Order as the database orders the column's values (numbers as numbers, times as times). */
    @Override
    public int compareTo(CursorValue o) {
        boolean numbers = (type == Type.INTEGER || type == Type.DECIMAL) && (o.type == Type.INTEGER || o.type == Type.DECIMAL);
        if (numbers) {
            return new BigDecimal(value).compareTo(new BigDecimal(o.value));
        }
        if (type == o.type) {
            return switch (type) {
                case TIMESTAMP -> LocalDateTime.parse(value).compareTo(LocalDateTime.parse(o.value));
                case TIMESTAMPTZ -> OffsetDateTime.parse(value).toInstant().compareTo(OffsetDateTime.parse(o.value).toInstant());
                case DATE -> LocalDate.parse(value).compareTo(LocalDate.parse(o.value));
                default -> value.compareTo(o.value);
            };
        }
        return 0; // values of different kinds (text against a number): not comparable, taken as in order
    }

    @Override
    public String toString() {
        return value;
    }
}
