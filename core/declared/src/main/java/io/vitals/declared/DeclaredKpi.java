package io.vitals.declared;

import java.util.Map;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;

/** A KPI whose definition and SQL come from a {@code .kpi} file; it computes like any other KPI. */
final class DeclaredKpi implements Kpi {

    private final KpiFile file;
    private final String sql;
    private final String customersSql;
    private final MetricStore store;
    private final boolean ratio;
    private final java.util.List<String> customerColumns;

    DeclaredKpi(KpiFile file, String sql, String customersSql, MetricStore store, boolean ratio,
            java.util.List<String> customerColumns) {
        this.file = file;
        this.sql = sql;
        this.customersSql = customersSql;
        this.store = store;
        this.ratio = ratio;
        this.customerColumns = customerColumns;
    }

    @Override
    public KpiDefinition definition() {
        return file.definition();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(sql, query, file.parameters());
        Long sample = row.columns().containsKey("sample_size") ? row.longValue("sample_size") : null;
        String none = "no data for " + file.definition().name() + " in " + query.period() + " for " + query.segment();
        if (ratio) {
            Double numerator = row.doubleValue("numerator");
            Double denominator = row.doubleValue("denominator");
            if (numerator == null || denominator == null) {
                return KpiResult.noData(none);
            }
            return KpiResult.ratio(numerator, denominator, file.scale(), sample != null ? sample : denominator.longValue(), none);
        }
        Double value = row.doubleValue("value");
        return value == null ? KpiResult.noData(none) : KpiResult.value(value, sample == null ? 0 : sample);
    }

    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        // the file's own columns, shown as they come (numbers are still printed as numbers)
        java.util.List<KpiTable.Column> columns = customerColumns.stream()
                .map(c -> KpiTable.Column.text(c, c.toUpperCase(java.util.Locale.ROOT))).toList();
        return store.table("customers", file.definition().name() + ", " + query.period(), customersSql, query,
                Map.copyOf(file.parameters()), columns, drillDown);
    }
}
