package io.vitals.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;

/**
 * Every installed KPI for one period and segment, with the previous period of the same length and
 * the status against the KPI's target. A KPI that fails is reported as failed on its own line;
 * the others still answer.
 */
@Component(service = KpiReporter.class)
public class Reporter implements KpiReporter {

    private final KpiRegistry registry;
    private final TargetBook targets;

    @Activate
    public Reporter(@Reference KpiRegistry registry, @Reference TargetBook targets) {
        this.registry = registry;
        this.targets = targets;
    }

    @Override
    public KpiReport report(KpiQuery query) {
        long started = System.nanoTime();
        Period previous = query.period().previous();
        List<KpiReport.Line> lines = new ArrayList<>();
        for (KpiInfo info : registry.list()) {
            lines.add(line(info, query, query.withPeriod(previous)));
        }
        return new KpiReport(query, previous, lines, Duration.ofNanos(System.nanoTime() - started));
    }

    private KpiReport.Line line(KpiInfo info, KpiQuery query, KpiQuery before) {
        Optional<Target> target = targets.targetFor(info.id(), query.segment());
        try {
            KpiResult now = registry.compute(info.id(), query);
            KpiResult then = registry.compute(info.id(), before);
            Double change = now.hasValue() && then.hasValue() ? now.value() - then.value() : null;
            TargetStatus status = target.map(t -> t.status(now.value(), info.definition().direction())).orElse(TargetStatus.NONE);
            return new KpiReport.Line(info, now, then, change, target.orElse(null), status, null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return new KpiReport.Line(info, null, null, null, target.orElse(null), TargetStatus.NONE, message);
        }
    }
}
