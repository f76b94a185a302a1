package io.vitals.render;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;

/** The CSV forms of answers (RFC 4180, a header row first), for spreadsheets: the shell's and the HTTP API's. */
public final class Csv {

    private Csv() {
    }

    private interface Rows {
        void write(CSVPrinter csv) throws IOException;
    }

    private static String print(List<String> header, Rows rows) {
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
            rows.write(csv);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write CSV: " + e.getMessage(), e);
        }
        return out.toString();
    }

    public static String table(KpiTable table) {
        return print(table.columns().stream().map(KpiTable.Column::name).toList(), csv -> {
            for (List<Object> row : table.rows()) {
                csv.printRecord(row);
            }
        });
    }

    /** One row for the period, or one per bucket of a series; the KPI's details as further columns. */
    public static String answer(KpiInfo info, KpiQuery query, KpiResult whole, KpiSeries series) {
        List<KpiSeries.Point> points = series == null ? List.of(new KpiSeries.Point(query.period(), whole)) : series.points();
        Set<String> details = new LinkedHashSet<>();
        for (KpiSeries.Point p : points) {
            p.result().details().forEach((k, v) -> {
                if (!(v instanceof Map || v instanceof List)) {
                    details.add(k);
                }
            });
        }
        List<String> header = new ArrayList<>(List.of("kpi", "from", "to", "segment", "value", "numerator", "denominator",
                "sample_size", "no_data_reason"));
        header.addAll(details);
        return print(header, csv -> {
            for (KpiSeries.Point p : points) {
                KpiResult r = p.result();
                List<Object> row = new ArrayList<>(List.of(info.id(), p.period().from(), p.period().to(),
                        query.segment().isAll() ? "" : query.segment().toString()));
                row.add(r.value());
                row.add(r.numerator());
                row.add(r.denominator());
                row.add(r.sampleSize());
                row.add(r.noDataReason());
                for (String d : details) {
                    row.add(r.details().get(d));
                }
                csv.printRecord(row);
            }
        });
    }

    public static String report(KpiReport report) {
        Period p = report.query().period();
        return print(List.of("category", "kpi", "name", "unit", "from", "to", "segment", "value", "previous", "change",
                "target", "status", "no_data_reason"), csv -> {
            for (KpiReport.Line line : report.lines()) {
                KpiResult now = line.current();
                csv.printRecord(line.kpi().definition().category().label(), line.kpi().id(), line.kpi().definition().name(),
                        line.kpi().definition().unit().label(), p.from(), p.to(),
                        report.query().segment().isAll() ? "" : report.query().segment().toString(),
                        now == null ? null : now.value(), line.previous() == null ? null : line.previous().value(), line.change(),
                        line.target() == null ? null : line.target().target(), line.status().name().toLowerCase(java.util.Locale.ROOT),
                        line.failure() != null ? "failed: " + line.failure() : now.noDataReason());
            }
        });
    }
}
