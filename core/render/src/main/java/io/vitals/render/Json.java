package io.vitals.render;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.ConnectorKind;
import io.vitals.connector.SourceStatus;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiParameter;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;
import io.vitals.kpi.ShadowedKpi;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetStatus;

/**
 * The JSON form of KPI answers: what {@code kpi:compute --format json} prints and what the HTTP API
 * answers, from one place so the two are the same by construction.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    public static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Any value (maps, lists, numbers, strings) as a JSON tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** A KPI's answer without a target: its status is "none". */
    public static ObjectNode answer(KpiInfo info, KpiQuery query, KpiResult result, KpiSeries series) {
        return answer(info, query, result, series, null);
    }

    /**
     * A KPI's answer ({@code kpi:compute --format json}, {@code GET /api/kpis/{id}}): the value, numerator,
     * denominator, sample size, details and tables, the series when one was asked for, and the
     * target in force (or null) with the status of the value against it.
     */
    public static ObjectNode answer(KpiInfo info, KpiQuery query, KpiResult result, KpiSeries series, Target target) {
        ObjectNode o = MAPPER.createObjectNode();
        KpiDefinition d = info.definition();
        o.put("kpi", d.id());
        o.put("name", d.name());
        o.put("unit", d.unit().label());
        o.put("direction", d.direction().name().toLowerCase(java.util.Locale.ROOT));
        o.set("period", period(query.period()));
        ObjectNode segment = o.putObject("segment");
        query.segment().filters().forEach(segment::put);
        result(o, result);
        o.put("target", target == null ? null : target.target());
        o.put("status", (target == null ? TargetStatus.NONE : target.status(result.value(), d.direction())).name()
                .toLowerCase(java.util.Locale.ROOT));
        if (series != null) {
            o.put("grain", series.grain().label());
            ArrayNode points = o.putArray("series");
            for (KpiSeries.Point p : series.points()) {
                ObjectNode point = points.addObject();
                point.set("period", period(p.period()));
                result(point, p.result());
            }
        }
        return o;
    }

    private static void result(ObjectNode o, KpiResult r) {
        o.put("value", r.value());
        o.put("numerator", r.numerator());
        o.put("denominator", r.denominator());
        o.put("sampleSize", r.sampleSize());
        o.put("noDataReason", r.noDataReason());
        o.set("details", MAPPER.valueToTree(r.details()));
        if (!r.tables().isEmpty()) {
            ArrayNode tables = o.putArray("tables");
            r.tables().forEach(t -> tables.add(table(t)));
        }
    }

    public static ObjectNode table(KpiTable t) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", t.name());
        o.put("title", t.title());
        ArrayNode columns = o.putArray("columns");
        for (KpiTable.Column c : t.columns()) {
            ObjectNode column = columns.addObject();
            column.put("name", c.name());
            column.put("label", c.label());
            column.put("unit", c.unit() == null ? null : c.unit().label());
        }
        o.set("rows", MAPPER.valueToTree(t.rows()));
        return o;
    }

    public static ObjectNode report(KpiReport report) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("period", period(report.query().period()));
        o.set("previousPeriod", period(report.previous()));
        ObjectNode segment = o.putObject("segment");
        report.query().segment().filters().forEach(segment::put);
        ArrayNode lines = o.putArray("kpis");
        for (KpiReport.Line line : report.lines()) {
            KpiDefinition d = line.kpi().definition();
            ObjectNode l = lines.addObject();
            l.put("kpi", d.id());
            l.put("name", d.name());
            l.put("category", d.category().label());
            l.put("unit", d.unit().label());
            l.put("direction", d.direction().name().toLowerCase(java.util.Locale.ROOT));
            l.put("value", line.current() == null ? null : line.current().value());
            l.put("previous", line.previous() == null ? null : line.previous().value());
            l.put("change", line.change());
            l.put("target", line.target() == null ? null : line.target().target());
            l.put("status", line.status().name().toLowerCase(java.util.Locale.ROOT));
            l.put("noDataReason", line.current() == null ? null : line.current().noDataReason());
            l.put("failure", line.failure());
        }
        o.put("tookMillis", report.took().toMillis());
        ObjectNode asOf = o.putObject("asOf");
        asOf.put("dataVersion", report.asOf().dataVersion());
        asOf.put("computedAt", report.asOf().computedAt().toString());
        asOf.put("refreshing", report.asOf().refreshing());
        return o;
    }

    public static ObjectNode sources(List<SourceStatus> sources, List<ConnectorKind> kinds) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode a = o.putArray("sources");
        sources.forEach(s -> a.add(source(s)));
        o.set("kinds", MAPPER.valueToTree(kinds));
        return o;
    }

    public static ObjectNode source(SourceStatus s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", s.id());
        o.put("kind", s.kind());
        o.set("settings", MAPPER.valueToTree(new java.util.TreeMap<>(s.settings())));
        o.put("intervalSeconds", s.interval() == null ? 0 : s.interval().toSeconds());
        o.put("running", s.running());
        o.put("cursor", s.cursor());
        o.put("rejects", s.rejects());
        o.put("problem", s.problem());
        o.set("notes", MAPPER.valueToTree(new java.util.TreeMap<>(s.notes())));
        if (s.last() != null) {
            ObjectNode last = o.putObject("lastSync");
            last.put("started", s.last().started().toString());
            last.put("finished", s.last().finished().toString());
            last.put("outcome", s.last().outcome().name().toLowerCase(java.util.Locale.ROOT));
            last.put("message", s.last().message());
            last.set("counts", MAPPER.valueToTree(s.last().counts()));
        } else {
            o.putNull("lastSync");
        }
        return o;
    }

    public static ArrayNode alerts(List<io.vitals.alert.Alert> alerts) {
        ArrayNode a = MAPPER.createArrayNode();
        alerts.forEach(alert -> a.add(alert(alert)));
        return a;
    }

    public static ObjectNode alert(io.vitals.alert.Alert alert) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", alert.id());
        o.put("rule", alert.rule());
        o.put("kpi", alert.kpi());
        o.put("segment", alert.segment());
        o.put("customerId", alert.customerId());
        o.put("from", alert.from());
        o.put("to", alert.to());
        o.put("value", alert.value());
        o.put("target", alert.target());
        o.put("message", alert.message());
        o.put("raisedAt", alert.raisedAt().toString());
        o.put("ackedAt", alert.ackedAt() == null ? null : alert.ackedAt().toString());
        ArrayNode deliveries = o.putArray("deliveries");
        for (io.vitals.alert.Alert.Delivery d : alert.deliveries()) {
            ObjectNode x = deliveries.addObject();
            x.put("channel", d.channel());
            x.put("state", d.state().name().toLowerCase(java.util.Locale.ROOT));
            x.put("attempts", d.attempts());
            x.put("lastError", d.lastError());
            x.put("updatedAt", d.updatedAt() == null ? null : d.updatedAt().toString());
        }
        return o;
    }

    public static ArrayNode alertRules(List<io.vitals.alert.AlertRuleStatus> rules) {
        ArrayNode a = MAPPER.createArrayNode();
        for (io.vitals.alert.AlertRuleStatus r : rules) {
            ObjectNode o = a.addObject();
            o.put("name", r.name());
            o.put("kpi", r.kpi());
            o.put("segment", r.segment());
            o.put("customers", r.subset());
            o.set("channels", MAPPER.valueToTree(r.channels()));
            o.put("status", r.status());
            o.put("problem", r.problem());
        }
        return a;
    }

    public static ArrayNode targets(List<Target> targets) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Target t : targets) {
            ObjectNode o = a.addObject();
            o.put("kpi", t.kpi());
            ObjectNode segment = o.putObject("segment");
            t.segment().filters().forEach(segment::put);
            o.put("target", t.target());
            o.put("warning", t.warning());
            o.put("origin", t.origin());
        }
        return a;
    }

    private static ObjectNode period(Period p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("from", p.from().toString());
        o.put("to", p.to().toString());
        return o;
    }

    /** Every KPI the registry knows: active ones, shadowed ones (with the winner), and files that failed. */
    public static ArrayNode list(List<KpiInfo> kpis, List<ShadowedKpi> shadowed, List<KpiProblem> failed) {
        ArrayNode a = MAPPER.createArrayNode();
        for (KpiInfo info : kpis) {
            a.add(info(info).put("status", "active"));
        }
        for (ShadowedKpi s : shadowed) {
            a.add(info(s.kpi()).put("status", "shadowed").put("shadowedBy", s.by().origin() + " " + s.by().version()));
        }
        for (KpiProblem p : failed) {
            ObjectNode o = a.addObject();
            o.put("id", p.id());
            o.put("status", "failed");
            o.put("origin", p.origin());
            o.put("line", p.line());
            o.put("reason", p.reason());
        }
        return a;
    }

    public static ObjectNode info(KpiInfo info) {
        KpiDefinition d = info.definition();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", d.id());
        o.put("name", d.name());
        o.put("category", d.category().label());
        o.put("unit", d.unit().label());
        o.put("direction", d.direction().name().toLowerCase(java.util.Locale.ROOT));
        o.put("description", d.description());
        o.put("formula", d.formula());
        ArrayNode params = o.putArray("parameters");
        for (KpiParameter p : d.parameters()) {
            params.add(MAPPER.valueToTree(Map.of("name", p.name(), "value", p.value(), "default", p.defaultValue(),
                    "description", p.description())));
        }
        o.set("dataNeeded", MAPPER.valueToTree(d.dataNeeded()));
        o.set("drillDowns", MAPPER.valueToTree(d.drillDowns()));
        o.put("origin", info.origin());
        o.put("version", info.version());
        return o;
    }

    /** Closed months' figures that changed after they were published ({@code kpi:restatements --format json}, {@code GET /api/restatements}). */
    public static ArrayNode restatements(java.util.List<io.vitals.kpi.MonthBook.Restatement> all) {
        ArrayNode list = MAPPER.createArrayNode();
        for (io.vitals.kpi.MonthBook.Restatement r : all) {
            ObjectNode o = list.addObject();
            o.put("kpi", r.kpi());
            o.put("month", r.month().toString());
            o.put("published", r.published());
            o.put("publishedAt", r.publishedAt().toString());
            o.put("restated", r.restated());
            o.put("detectedAt", r.detectedAt().toString());
            o.put("cause", r.cause());
        }
        return list;
    }
}
