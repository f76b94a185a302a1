package io.vitals.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import io.vitals.kpi.Category;
import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Unit;

class CsvTest {

    static List<CSVRecord> parse(String csv) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(csv)).getRecords();
    }

    @Test
    void tablesSurviveCommasQuotesAndNewlines() throws IOException {
        KpiTable t = new KpiTable("customers", "who", List.of(KpiTable.Column.text("customer", "CUSTOMER"),
                KpiTable.Column.number("mrr", "MRR", Unit.CURRENCY)),
                List.of(List.of("Acme, \"the\" Labs\nEMEA", 49.5), Arrays.asList("Plain", null)));
        List<CSVRecord> rows = parse(Csv.table(t));
        assertEquals(2, rows.size());
        assertEquals("Acme, \"the\" Labs\nEMEA", rows.get(0).get("customer"));
        assertEquals("49.5", rows.get(0).get("mrr"));
        assertEquals("", rows.get(1).get("mrr"));
    }

    @Test
    void aSeriesIsARowPerBucketWithTheDetailsAsColumns() throws IOException {
        KpiInfo info = new KpiInfo(KpiDefinition.builder("nps").name("NPS").category(Category.SATISFACTION).unit(Unit.SCORE).build(), "b", "1");
        KpiQuery q = new KpiQuery(Period.parse("2026-01-01", "2026-03-01"), Segment.of("plan", "pro"));
        KpiSeries series = new KpiSeries(Grain.MONTH, List.of(
                new KpiSeries.Point(Period.month(2026, 1), KpiResult.ratio(5, 10, 100, 10, "none").with("promoters", 7L)),
                new KpiSeries.Point(Period.month(2026, 2), KpiResult.noData("no NPS responses"))));
        List<CSVRecord> rows = parse(Csv.answer(info, q, KpiResult.value(40, 12), series));
        assertEquals(2, rows.size());
        assertEquals("2026-01-01", rows.get(0).get("from"));
        assertEquals("50.0", rows.get(0).get("value"));
        assertEquals("7", rows.get(0).get("promoters"));
        assertEquals("plan=pro", rows.get(0).get("segment"));
        assertEquals("", rows.get(1).get("value"));
        assertEquals("no NPS responses", rows.get(1).get("no_data_reason"));
    }
}
