package io.vitals.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Segment;
import io.vitals.kpi.ShadowedKpi;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.Unit;
import io.vitals.kpi.UnknownKpiException;

/** A registry whose KPIs answer the values a test sets, and a target book holding the test's targets. */
final class FakeKpis implements KpiRegistry, TargetBook {

    final Map<String, KpiInfo> kpis = new LinkedHashMap<>();
    final Map<String, Double> values = new HashMap<>();
    /** The customers of a subset now: id -> name. */
    final Map<String, Map<String, String>> subsets = new HashMap<>();
    final List<Target> targets = new ArrayList<>();
    final List<KpiQuery> asked = new ArrayList<>();

    FakeKpis kpi(String id, Direction direction, String... drillDowns) {
        kpis.put(id, new KpiInfo(KpiDefinition.builder(id).name(id).category(Category.CUSTOM).unit(Unit.SCORE).direction(direction)
                .drillDown(drillDowns).build(), "test", "1.0.0"));
        return this;
    }

    FakeKpis target(String kpi, double target, Double warning) {
        targets.add(new Target(kpi, Segment.ALL, target, warning, "test"));
        return this;
    }

    @Override
    public List<KpiInfo> list() {
        return List.copyOf(kpis.values());
    }

    @Override
    public Optional<KpiInfo> find(String id) {
        return Optional.ofNullable(kpis.get(id));
    }

    @Override
    public KpiResult compute(String id, KpiQuery query) {
        if (!kpis.containsKey(id)) {
            throw new UnknownKpiException(id, List.copyOf(kpis.keySet()));
        }
        asked.add(query);
        Double v = values.get(id);
        return v == null ? KpiResult.noData("no responses in the period") : KpiResult.value(v, 10);
    }

    @Override
    public KpiSeries series(String id, KpiQuery query, Grain grain) {
        List<KpiSeries.Point> points = new ArrayList<>();
        for (io.vitals.kpi.Period bucket : grain.buckets(query.period())) {
            points.add(new KpiSeries.Point(bucket, compute(id, query.withPeriod(bucket))));
        }
        return new KpiSeries(grain, points);
    }

    @Override
    public KpiTable customers(String id, KpiQuery query, DrillDown drillDown) {
        asked.add(query);
        List<List<Object>> rows = new ArrayList<>();
        subsets.getOrDefault(drillDown.subset(), Map.of()).forEach((cid, name) -> rows.add(List.of(cid, name, 12.0)));
        return new KpiTable("customers", id, List.of(KpiTable.Column.text("customer_id", "ID"), KpiTable.Column.text("customer", "CUSTOMER"),
                KpiTable.Column.number("score", "SCORE", Unit.SCORE)), rows);
    }

    @Override
    public List<ShadowedKpi> shadowed() {
        return List.of();
    }

    @Override
    public List<KpiProblem> problems() {
        return List.of();
    }

    @Override
    public Optional<Target> targetFor(String kpi, Segment segment) {
        return targets.stream().filter(t -> t.kpi().equals(kpi) && t.segment().equals(segment)).findFirst()
                .or(() -> targets.stream().filter(t -> t.kpi().equals(kpi) && t.segment().isAll()).findFirst());
    }

    @Override
    public List<Target> all() {
        return List.copyOf(targets);
    }
}
