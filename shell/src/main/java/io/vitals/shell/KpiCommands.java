package io.vitals.shell;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.kpi.Category;
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiParameter;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.UnknownKpiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kpi:list}, {@code kpi:info}, {@code kpi:compute}: the KPI registry from the shell. */
@Component(service = KpiCommands.class, property = {
        "osgi.command.scope=kpi",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=compute",
        "osgi.command.function=ids",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class KpiCommands {

    public enum Format {
        text, json
    }

    @Command(name = "kpi:list", description = "Lists the installed KPIs, grouped by category.")
    static final class ListArgs {
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "kpi:info", description = "Shows a KPI's definition, formula, parameters in force, and the data it reads.")
    static final class InfoArgs {
        @Parameters(paramLabel = "<id>", description = "The KPI's id, as kpi:list shows it.")
        String id;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "kpi:compute", description = {
            "Computes a KPI for a period and a segment of customers, or as a series.",
            "The period is [from, to): --from is its first day, --to the first day after it."},
            footer = {"", "Examples:",
                    "  kpi:compute nps",
                    "  kpi:compute nps --from 2026-01-01 --to 2026-04-01",
                    "  kpi:compute customer-churn-rate --segment plan=pro --segment region=EMEA",
                    "  kpi:compute mrr --from 2025-01-01 --to 2026-01-01 --by month --format json"})
    static final class ComputeArgs {
        @Parameters(paramLabel = "<id>", description = "The KPI's id, as kpi:list shows it.")
        String id;
        @Option(names = "--from", paramLabel = "<date>", description = "First day of the period (ISO date). Default: first day of last month.")
        String from;
        @Option(names = "--to", paramLabel = "<date>", description = "First day after the period. Default: first day of this month, or today when only --from is given.")
        String to;
        @Option(names = "--segment", paramLabel = "<key=value>", description = "Only customers with this attribute (plan, region, csm, industry, cohort, or any customer attribute). Repeatable; all must match.")
        List<String> segment = new ArrayList<>();
        @Option(names = "--by", paramLabel = "<grain>", description = "A series by day, week, month or quarter: a table and a sparkline.")
        String by;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final KpiRegistry registry;
    private final BundleContext context;

    @Activate
    public KpiCommands(@Reference KpiRegistry registry, BundleContext context) {
        this.registry = registry;
        this.context = context;
    }

    /** Today, or the day the framework property {@code vitals.today} pins (for reproducible runs). */
    LocalDate today() {
        String pinned = context == null ? null : context.getProperty("vitals.today");
        return pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim());
    }

    @Descriptor("Lists the installed KPIs by category (kpi:list --help for options)")
    public void list(String... args) {
        ListArgs a = Args.parse(new ListArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<KpiInfo> kpis = registry.list();
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.list(kpis)));
            return;
        }
        if (kpis.isEmpty()) {
            System.out.println("No KPIs installed. Drop KPI bundles into deploy/.");
            return;
        }
        Category current = null;
        List<List<String>> rows = new ArrayList<>();
        for (KpiInfo info : kpis) {
            KpiDefinition d = info.definition();
            if (d.category() != current) {
                current = d.category();
                rows.add(List.of("", "", "", ""));
                rows.add(List.of(current.label(), "", "", ""));
            }
            rows.add(List.of("  " + d.id(), d.name(), d.unit().label(), info.origin() + " " + info.version()));
        }
        System.out.print(Render.table(List.of("ID", "NAME", "UNIT", "BUNDLE"), rows, List.of(), ""));
        System.out.println();
        System.out.println(kpis.size() + " KPIs. kpi:info <id> explains one; kpi:compute <id> computes it.");
    }

    @Descriptor("Shows a KPI's definition, formula and parameters (kpi:info --help for options)")
    public void info(String... args) {
        InfoArgs a = Args.parse(new InfoArgs(), args, System.out);
        if (a == null) {
            return;
        }
        KpiInfo info = require(a.id);
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.info(info)));
            return;
        }
        KpiDefinition d = info.definition();
        PrintStream out = System.out;
        out.println(d.name() + " (" + d.id() + ")");
        out.println("  category     " + d.category().label());
        out.println("  unit         " + d.unit().label());
        out.println("  better       " + switch (d.direction()) {
            case HIGHER_IS_BETTER -> "higher";
            case LOWER_IS_BETTER -> "lower";
            case NEUTRAL -> "neither higher nor lower";
        });
        out.println("  definition   " + d.description());
        out.println("  formula      " + d.formula());
        if (!d.parameters().isEmpty()) {
            out.println("  parameters");
            List<List<String>> rows = new ArrayList<>();
            for (KpiParameter p : d.parameters()) {
                rows.add(List.of(p.name(), p.value(), p.value().equals(p.defaultValue()) ? "(default)" : "(default " + p.defaultValue() + ")",
                        p.description()));
            }
            out.print(Render.table(List.of("NAME", "VALUE", "", "MEANING"), rows, List.of(), "    "));
        }
        out.println("  reads        " + String.join(", ", d.dataNeeded()));
        out.println("  from         " + info.origin() + " " + info.version());
    }

    @Descriptor("Computes a KPI for a period and segment, or as a series (kpi:compute --help for options)")
    public void compute(String... args) {
        ComputeArgs a = Args.parse(new ComputeArgs(), args, System.out);
        if (a == null) {
            return;
        }
        KpiInfo info = require(a.id);
        try {
            KpiQuery query = new KpiQuery(period(a.from, a.to), Segment.parse(a.segment));
            if (a.by != null) {
                Grain grain = Grain.parse(a.by);
                KpiSeries series = registry.series(a.id, query, grain);
                KpiResult whole = registry.compute(a.id, query);
                if (a.format == Format.json) {
                    System.out.println(Json.write(Json.answer(info, query, whole, series)));
                } else {
                    printSeries(info, query, whole, series);
                }
            } else {
                KpiResult result = registry.compute(a.id, query);
                if (a.format == Format.json) {
                    System.out.println(Json.write(Json.answer(info, query, result, null)));
                } else {
                    printResult(info, query, result);
                }
            }
        } catch (InvalidQueryException e) {
            throw new CommandError(e.getMessage());
        } catch (CommandError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CommandError("computing " + a.id + " failed: " + firstLine(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    @Descriptor("The ids of the installed KPIs, for completion")
    public List<String> ids() {
        return registry.list().stream().map(KpiInfo::id).sorted().toList();
    }

    private KpiInfo require(String id) {
        return registry.find(id).orElseThrow(() -> new CommandError(new UnknownKpiException(id, ids()).getMessage()));
    }

    Period period(String from, String to) {
        LocalDate today = today();
        if (from == null && to == null) {
            return Period.lastFullMonth(today);
        }
        if (to == null) {
            return new Period(Period.parseDate("--from", from), today);
        }
        LocalDate end = Period.parseDate("--to", to);
        return new Period(from == null ? end.minusMonths(1) : Period.parseDate("--from", from), end);
    }

    private static void printResult(KpiInfo info, KpiQuery query, KpiResult r) {
        KpiDefinition d = info.definition();
        PrintStream out = System.out;
        out.println(d.name() + " (" + d.id() + "), " + query.period().from() + " to " + query.period().to()
                + " (exclusive), " + query.segment());
        if (!r.hasValue()) {
            out.println("  no data: " + r.noDataReason());
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("value", Render.value(r.value(), d.unit())));
        if (r.numerator() != null) {
            rows.add(List.of("numerator", Render.number(r.numerator())));
            rows.add(List.of("denominator", Render.number(r.denominator())));
        }
        rows.add(List.of("sample size", Render.number(r.sampleSize())));
        for (Map.Entry<String, Object> detail : r.details().entrySet()) {
            rows.add(List.of(words(detail.getKey()), Render.number(detail.getValue())));
        }
        out.print(Render.table(null, rows, List.of(1), "  "));
    }

    private static void printSeries(KpiInfo info, KpiQuery query, KpiResult whole, KpiSeries series) {
        KpiDefinition d = info.definition();
        PrintStream out = System.out;
        out.println(d.name() + " (" + d.id() + ") by " + series.grain().label() + ", " + query.period().from() + " to "
                + query.period().to() + " (exclusive), " + query.segment());
        List<List<String>> rows = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (KpiSeries.Point p : series.points()) {
            KpiResult r = p.result();
            values.add(r.value());
            rows.add(List.of(p.period().label(), Render.value(r.value(), d.unit()), Render.number(r.sampleSize())));
        }
        out.print(Render.table(List.of("PERIOD", "VALUE", "SAMPLE"), rows, List.of(1, 2), "  "));
        double min = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        out.println("  " + Render.sparkline(values) + (Double.isNaN(min) ? "  no data in any period"
                : "  min " + Render.value(min, d.unit()) + ", max " + Render.value(max, d.unit())));
        out.println("  whole period: " + (whole.hasValue() ? Render.value(whole.value(), d.unit()) : "no data: " + whole.noDataReason()));
    }

    /** "payingCustomers" reads as "paying customers". */
    static String words(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
