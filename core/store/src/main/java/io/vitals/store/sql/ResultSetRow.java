package io.vitals.store.sql;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vitals.store.Row;

/** A view of the result set's current row. */
final class ResultSetRow implements Row {

    private final ResultSet rs;

    ResultSetRow(ResultSet rs) {
        this.rs = rs;
    }

    @Override
    public Object get(String column) {
        try {
            return rs.getObject(column);
        } catch (SQLException e) {
            throw new StoreException("no column '" + column + "' in the result: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> columns() {
        try {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                values.put(md.getColumnLabel(i), rs.getObject(i));
            }
            return values;
        } catch (SQLException e) {
            throw new StoreException("cannot read a result row: " + e.getMessage(), e);
        }
    }
}
