package io.vitals.shell;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.kpi.Category;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiReport;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;
import io.vitals.render.Csv;
import io.vitals.render.Json;
import io.vitals.shell.KpiCommands.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kpi:report} (every KPI on one screen) and {@code kpi:targets}. */
@Component(service = ReportCommands.class, property = {
        "osgi.command.scope=kpi",
        "osgi.command.function=report",
        "osgi.command.function=targets",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class ReportCommands {

    @Command(name = "kpi:report", description = {
            "Every KPI for one period and segment on one screen, grouped by category: its value, the change",
            "against the previous period of the same length, and its status against its target."},
            footer = {"", "Targets are configured in etc/vitals.target-<name>.cfg (kpi:targets lists them).",
                    "Examples:", "  kpi:report", "  kpi:report --from 2026-01-01 --to 2026-04-01 --segment region=EMEA",
                    "  kpi:report --format csv --output report.csv"})
    static final class ReportArgs {
        @Option(names = "--from", paramLabel = "<date>", description = "First day of the period (ISO date). Default: first day of last month.")
        String from;
        @Option(names = "--to", paramLabel = "<date>", description = "First day after the period.")
        String to;
        @Option(names = "--segment", paramLabel = "<key=value>", description = "Only customers with this attribute. Repeatable.")
        List<String> segment = new ArrayList<>();
        @Option(names = "--format", paramLabel = "<format>", description = "text (default), json or csv")
        Format format = Format.text;
        @picocli.CommandLine.Mixin
        Output.Options output = new Output.Options();
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "kpi:targets", description = "Lists the configured KPI targets (etc/vitals.target-<name>.cfg).",
            footer = {"", "A target file:", "  kpi = nps", "  target = 30", "  warning = 20        (optional; default 10 % off the target)",
                    "  segment = plan=pro  (optional)"})
    static final class TargetsArgs {
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final KpiReporter reporter;
    private final TargetBook targets;
    private final KpiCommands kpis;

    @Activate
    public ReportCommands(@Reference KpiReporter reporter, @Reference TargetBook targets, @Reference KpiCommands kpis) {
        this.reporter = reporter;
        this.targets = targets;
        this.kpis = kpis;
    }

    @Descriptor("Every KPI for a period and segment, with change and target status (kpi:report --help for options)")
    public void report(String... args) {
        ReportArgs a = Args.parse(new ReportArgs(), args, System.out);
        if (a == null) {
            return;
        }
        KpiCommands.guard("the report", () -> {
            KpiReport report = reporter.report(new KpiQuery(kpis.period(a.from, a.to), Segment.parse(a.segment)));
            String text = switch (a.format) {
                case json -> Json.write(Json.report(report));
                case csv -> Csv.report(report);
                case text -> text(report);
            };
            Output.write(a.output, text, "the report (" + a.format + ")");
            if (!report.lines().isEmpty() && report.lines().stream().allMatch(l -> l.failure() != null)) {
                // a script must not take a report of nothing but failures for one
                throw new CommandError("every KPI failed, e.g. " + report.lines().get(0).kpi().id() + ": "
                        + report.lines().get(0).failure());
            }
        });
    }

    static String text(KpiReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Report for ").append(report.query().period().from()).append(" to ").append(report.query().period().to())
                .append(" (exclusive), ").append(report.query().segment()).append('\n');
        out.append("Change against ").append(report.previous().from()).append(" to ").append(report.previous().to()).append('\n');
        List<List<String>> rows = new ArrayList<>();
        Map<TargetStatus, Integer> statuses = new EnumMap<>(TargetStatus.class);
        Category current = null;
        for (KpiReport.Line line : report.lines()) {
            KpiDefinition d = line.kpi().definition();
            if (d.category() != current) {
                current = d.category();
                rows.add(List.of("", "", "", "", "", ""));
                rows.add(List.of(current.label(), "", "", "", "", ""));
            }
            statuses.merge(line.status(), 1, Integer::sum);
            String value;
            if (line.failure() != null) {
                value = "failed: " + line.failure();
            } else if (!line.current().hasValue()) {
                value = "no data";
            } else {
                value = Render.value(line.current().value(), d.unit());
            }
            String target = line.target() == null ? "" : Render.value(line.target().target(), d.unit());
            String status = line.status() == TargetStatus.NONE ? "" : line.status().name().toLowerCase(Locale.ROOT);
            rows.add(List.of("  " + d.id(), d.name(), value, Render.change(line.change(), d.unit()), target, status));
        }
        out.append(Render.table(List.of("", "", "VALUE", "CHANGE", "TARGET", "STATUS"), rows, List.of(2, 3, 4), ""));
        out.append('\n').append(report.lines().size()).append(" KPIs in ")
                .append(String.format(Locale.ROOT, "%.1f s", report.took().toMillis() / 1000.0)).append(": ")
                .append(statuses.getOrDefault(TargetStatus.GREEN, 0)).append(" green, ")
                .append(statuses.getOrDefault(TargetStatus.YELLOW, 0)).append(" yellow, ")
                .append(statuses.getOrDefault(TargetStatus.RED, 0)).append(" red, ")
                .append(statuses.getOrDefault(TargetStatus.NONE, 0)).append(" without a target or a value.\n");
        return out.toString();
    }

    @Descriptor("Lists the configured KPI targets (kpi:targets --help for options)")
    public void targets(String... args) {
        TargetsArgs a = Args.parse(new TargetsArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<Target> all = targets.all();
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.targets(all)));
            return;
        }
        if (all.isEmpty()) {
            System.out.println("No targets. Add one as etc/vitals.target-<name>.cfg (kpi:targets --help shows the format).");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Target t : all) {
            rows.add(List.of(t.kpi(), t.segment().toString(), Render.number(t.target()),
                    t.warning() == null ? "(10 % off)" : Render.number(t.warning()), t.origin()));
        }
        System.out.print(Render.table(List.of("KPI", "SEGMENT", "TARGET", "WARNING", "FILE"), rows, List.of(2, 3), ""));
    }
}
