package io.vitals.store;

import java.util.LinkedHashMap;
import java.util.Map;

/** One result row, read by column label. SQL NULL reads as Java {@code null}. */
public interface Row {

    Object get(String column);

    default Long longValue(String column) {
        Object v = get(column);
        return v == null ? null : number(column, v).longValue();
    }

    /** A column's value as a number, or a one-line complaint naming the column and what it held. */
    static Number number(String column, Object v) {
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof String text) {
            try {
                return Double.valueOf(text.trim()); // SQLite hands over what a text column holds
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw new IllegalArgumentException("column " + column + " is not a number: the query answered "
                + (v instanceof String ? "the text '" + io.vitals.kpi.Texts.clip((String) v) + "'" : "a " + v.getClass().getSimpleName())
                + "; cast it, e.g. CAST(" + column + " AS REAL)");
    }

    /** A count or sum that SQL answers NULL for when no rows matched reads as 0. */
    default long count(String column) {
        Long v = longValue(column);
        return v == null ? 0 : v;
    }

    default Double doubleValue(String column) {
        Object v = get(column);
        return v == null ? null : number(column, v).doubleValue();
    }

    default String string(String column) {
        Object v = get(column);
        return v == null ? null : v.toString();
    }

    /** The row's columns in order; a mapper that keeps rows beyond the mapping must copy them. */
    Map<String, Object> columns();

    default Row copy() {
        Map<String, Object> values = new LinkedHashMap<>(columns());
        return new Row() {
            @Override
            public Object get(String column) {
                if (!values.containsKey(column)) {
                    throw new IllegalArgumentException("no column '" + column + "' in " + values.keySet());
                }
                return values.get(column);
            }

            @Override
            public Map<String, Object> columns() {
                return values;
            }

            @Override
            public String toString() {
                return values.toString();
            }
        };
    }
}
