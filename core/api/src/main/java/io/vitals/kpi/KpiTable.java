package io.vitals.kpi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A KPI answer that is a table rather than one number: a cohort matrix, a row per feature, a
 * distribution by band, MRR movements, or the customers behind a number. Cells are strings,
 * numbers or null (no data), so a table serialises to JSON and CSV as it is.
 */
public record KpiTable(String name, String title, List<Column> columns, List<List<Object>> rows) {

    /** A column; {@code unit} says how to show its numbers, or is null for text. */
    public record Column(String name, String label, Unit unit) {
        public static Column text(String name, String label) {
            return new Column(name, label, null);
        }

        public static Column number(String name, String label, Unit unit) {
            return new Column(name, label, unit);
        }
    }

    public KpiTable {
        Objects.requireNonNull(name, "name");
        title = title == null ? name : title;
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": a row has " + row.size() + " cells for "
                        + columns.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }

    public int column(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("table " + name + " has no column " + columnName);
    }
}
