package io.vitals.store;

import java.util.Locale;

/**
 * Percentiles (by linear interpolation, as {@code percentile_cont}) computed in SQL with window
 * functions, so a median over a million tickets never leaves the database. The SQL answers one
 * row: {@code n}, and for each percentile the two neighbouring values and the fraction between them.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * @param values a query with one column named {@code x}; rows with a null {@code x} are ignored
     */
    public static String sql(String values, SqlDialect dialect, double... percentiles) {
        StringBuilder select = new StringBuilder("SELECT max(n) AS n");
        for (int i = 0; i < percentiles.length; i++) {
            String pos = "(n - 1) * " + String.format(Locale.ROOT, "%.6f", percentiles[i]);
            String low = dialect.floor(pos);
            select.append(",\n       max(CASE WHEN rn = 1 + ").append(low).append(" THEN x END) AS p").append(i).append("_low")
                  .append(",\n       max(CASE WHEN rn = 2 + ").append(low).append(" THEN x END) AS p").append(i).append("_high")
                  .append(",\n       max(").append(pos).append(" - ").append(low).append(") AS p").append(i).append("_fraction");
        }
        return "WITH vitals_values AS (\n" + values + "\n),\n"
                + "vitals_ranked AS (SELECT x, row_number() OVER (ORDER BY x) AS rn, count(*) OVER () AS n\n"
                + "                  FROM vitals_values WHERE x IS NOT NULL)\n"
                + select + "\nFROM vitals_ranked";
    }

    /** The number of values the percentiles were taken over. */
    public static long count(Row row) {
        return row.count("n");
    }

    /** The percentiles from the row {@link #sql} answered, in the order asked; null when there were no values. */
    public static Double[] read(Row row, double... percentiles) {
        Double[] out = new Double[percentiles.length];
        if (count(row) == 0) {
            return out;
        }
        for (int i = 0; i < percentiles.length; i++) {
            double low = row.doubleValue("p" + i + "_low");
            Double high = row.doubleValue("p" + i + "_high");
            double fraction = row.doubleValue("p" + i + "_fraction");
            out[i] = high == null ? low : low + fraction * (high - low);
        }
        return out;
    }
}
