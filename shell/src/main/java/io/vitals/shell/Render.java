package io.vitals.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vitals.kpi.Unit;

/** Text for people: numbers in the KPI's unit, aligned tables, and one-line sparklines. */
final class Render {

    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Render() {
    }

    static String value(Double value, Unit unit) {
        if (value == null) {
            return "no data";
        }
        return switch (unit) {
            case PERCENT -> String.format(Locale.ROOT, "%.1f %%", value);
            case CURRENCY -> String.format(Locale.ROOT, "%,.2f", value);
            case COUNT -> number(value);
            case DAYS -> String.format(Locale.ROOT, "%.1f d", value);
            case HOURS -> String.format(Locale.ROOT, "%.1f h", value);
            case RATIO -> String.format(Locale.ROOT, "%.3f", value);
            case SCORE -> String.format(Locale.ROOT, "%.1f", value);
        };
    }

    /** A change between two values of a KPI: signed, percentage points for a percentage. */
    static String change(Double change, Unit unit) {
        if (change == null) {
            return "";
        }
        String sign = change > 0 ? "+" : change < 0 ? "-" : "±";
        double size = Math.abs(change);
        return sign + switch (unit) {
            case PERCENT -> String.format(Locale.ROOT, "%.1f pp", size);
            case CURRENCY -> String.format(Locale.ROOT, "%,.2f", size);
            case COUNT -> number(size);
            case DAYS -> String.format(Locale.ROOT, "%.1f d", size);
            case HOURS -> String.format(Locale.ROOT, "%.1f h", size);
            case RATIO -> String.format(Locale.ROOT, "%.3f", size);
            case SCORE -> String.format(Locale.ROOT, "%.1f", size);
        };
    }

    /** A table cell: numbers in their column's unit (percentages without the space, to stay narrow). */
    static String cell(Object value, Unit unit) {
        if (value == null) {
            return "";
        }
        if (!(value instanceof Number n) || unit == null) {
            return String.valueOf(value); // a text column: an id is shown as it is, without separators
        }
        return unit == Unit.PERCENT ? String.format(Locale.ROOT, "%.1f%%", n.doubleValue())
                : unit == Unit.COUNT ? number(value) : value(n.doubleValue(), unit);
    }

    /** A KPI table with its title, aligned, numbers on the right. */
    static String table(io.vitals.kpi.KpiTable table, String indent) {
        List<Integer> right = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).unit() != null) {
                right.add(i);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                cells.add(cell(row.get(i), table.columns().get(i).unit()));
            }
            rows.add(cells);
        }
        List<String> header = table.columns().stream().map(io.vitals.kpi.KpiTable.Column::label).toList();
        return indent + table.title() + "\n" + table(header, rows, right, indent + "  ");
    }

    /** A KPI's detail: fractional quantities (amounts, averages) always with two decimals, counts as whole numbers. */
    static String detail(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%,.2f", ((Number) value).doubleValue());
        }
        return number(value);
    }

    /** Whole numbers with thousands separators, others with up to two decimals. */
    static String number(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%,d", (long) d);
            }
            return String.format(Locale.ROOT, "%,.2f", d);
        }
        return String.valueOf(value);
    }

    /** One character per value, scaled between the smallest and largest; a gap where there is no data. */
    static String sparkline(List<Double> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Double v : values) {
            if (v != null) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        StringBuilder line = new StringBuilder();
        for (Double v : values) {
            if (v == null) {
                line.append(' ');
            } else if (max == min) {
                line.append(BARS[BARS.length / 2]);
            } else {
                int i = (int) Math.round((v - min) / (max - min) * (BARS.length - 1));
                line.append(BARS[i]);
            }
        }
        return line.toString();
    }

    /** Columns padded to their widest cell; columns named in {@code right} are right-aligned; no header if null. */
    static String table(List<String> header, List<List<String>> rows, List<Integer> right, String indent) {
        List<List<String>> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(rows);
        if (all.isEmpty()) {
            return "";
        }
        int[] widths = new int[all.get(0).size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(right.contains(i) ? pad + cell : cell + (i == row.size() - 1 ? "" : pad));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
