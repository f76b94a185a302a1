package io.vitals.shell;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.vitals.kpi.Category;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiParameter;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.ShadowedKpi;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.UnknownKpiException;
import io.vitals.render.Csv;
import io.vitals.render.Json;
import io.vitals.render.Queries;
import io.vitals.runtime.RuntimeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kpi:list}, {@code kpi:info}, {@code kpi:compute}: the KPI registry from the shell. */
@Component(service = KpiCommands.class, property = {
        "osgi.command.scope=kpi",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=compute",
        "osgi.command.function=customers",
        "osgi.command.function=ids",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class KpiCommands {

    public enum Format {
        text, json, csv
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
        @Option(names = "--movements", description = "Show the movements that took MRR (or ARR) from the start of the period to its end.")
        boolean movements;
        @Option(names = "--as-published", description = "For a closed month (kpi:close): the answer as it was published, not as the data says now.")
        boolean asPublished;
        @Option(names = "--table", paramLabel = "<name>", description = "Export this table of the answer (e.g. cohorts, features, bands) with --format csv or json.")
        String table;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default), json or csv")
        Format format = Format.text;
        @picocli.CommandLine.Mixin
        Output.Options output = new Output.Options();
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "kpi:customers", description = {
            "Lists the customers behind a KPI's number: the detractors behind NPS, the churned accounts behind",
            "churn, the at-risk accounts behind the health score. kpi:info <id> names a KPI's subsets."},
            footer = {"", "Examples:",
                    "  kpi:customers nps",
                    "  kpi:customers customer-churn-rate --segment plan=pro --sort mrr_at_start",
                    "  kpi:customers health-score --subset red --limit 500 --format csv --output at-risk.csv"})
    static final class CustomersArgs {
        @Parameters(paramLabel = "<id>", description = "The KPI's id.")
        String id;
        @Option(names = "--subset", paramLabel = "<subset>", description = "Which customers (default: the KPI's first subset).")
        String subset;
        @Option(names = "--from", paramLabel = "<date>", description = "First day of the period (ISO date). Default: first day of last month.")
        String from;
        @Option(names = "--to", paramLabel = "<date>", description = "First day after the period.")
        String to;
        @Option(names = "--segment", paramLabel = "<key=value>", description = "Only customers with this attribute. Repeatable.")
        List<String> segment = new ArrayList<>();
        @Option(names = "--sort", paramLabel = "<column>", description = "Sort by this column, largest first (default: the KPI's own order).")
        String sort;
        @Option(names = "--ascending", description = "With --sort: smallest first.")
        boolean ascending;
        @Option(names = "--limit", paramLabel = "<n>", description = "At most this many rows (default 50).")
        int limit = DrillDown.DEFAULT_LIMIT;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default), csv or json")
        Format format = Format.text;
        @picocli.CommandLine.Mixin
        Output.Options output = new Output.Options();
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final KpiRegistry registry;
    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RuntimeStatus status;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TargetBook targets;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile io.vitals.kpi.MonthBook months;

    @Activate
    public KpiCommands(@Reference KpiRegistry registry, BundleContext context) {
        this.registry = registry;
        this.context = context;
    }

    /** Today, or the day the framework property {@code vitals.today} pins (for reproducible runs). */
    LocalDate today() {
        return Queries.today(context == null ? null : context.getProperty(Queries.TODAY_PROPERTY));
    }

    @Descriptor("Lists the installed KPIs by category (kpi:list --help for options)")
    public void list(String... args) {
        ListArgs a = Args.parse(new ListArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<KpiInfo> kpis = registry.list();
        List<ShadowedKpi> shadowed = registry.shadowed();
        List<KpiProblem> failed = registry.problems();
        List<RuntimeStatus.DeployProblem> deployProblems = status == null ? List.of() : status.problems();
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.list(kpis, shadowed, failed)));
            return;
        }
        if (kpis.isEmpty() && failed.isEmpty()) {
            System.out.println("No KPIs installed. Drop KPI bundles or .kpi files into deploy/.");
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
        System.out.print(Render.table(List.of("ID", "NAME", "UNIT", "FROM"), rows, List.of(), ""));
        if (!shadowed.isEmpty()) {
            System.out.println();
            System.out.println("Shadowed (another KPI with the same id is newer; remove it and these come back)");
            List<List<String>> lines = new ArrayList<>();
            for (ShadowedKpi sk : shadowed) {
                lines.add(List.of("  " + sk.kpi().id(), sk.kpi().origin() + " " + sk.kpi().version(),
                        "shadowed by " + sk.by().origin() + " " + sk.by().version()));
            }
            System.out.print(Render.table(null, lines, List.of(), ""));
        }
        if (!failed.isEmpty() || !deployProblems.isEmpty()) {
            System.out.println();
            System.out.println("Failed (nothing else is affected)");
            List<List<String>> lines = new ArrayList<>();
            for (KpiProblem p : failed) {
                lines.add(List.of("  " + (p.id() == null ? "?" : p.id()), p.origin() + (p.line() > 0 ? ":" + p.line() : ""), p.reason()));
            }
            for (RuntimeStatus.DeployProblem p : deployProblems) {
                lines.add(List.of("  ?", p.location(), p.reason()));
            }
            System.out.print(Render.table(null, lines, List.of(), ""));
        }
        System.out.println();
        System.out.println(kpis.size() + " KPIs" + (failed.isEmpty() && deployProblems.isEmpty() ? "" : ", "
                + (failed.size() + deployProblems.size()) + " failed") + ". kpi:info <id> explains one; kpi:compute <id> computes it.");
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
        if (d.hasDrillDown()) {
            out.println("  customers    kpi:customers " + d.id() + " --subset " + String.join("|", d.drillDowns())
                    + " (default " + d.drillDowns().get(0) + ")");
        }
        out.println("  from         " + info.origin() + " " + info.version());
        registry.shadowed().stream().filter(sk -> sk.kpi().id().equals(d.id())).forEach(sk ->
                out.println("  shadows      " + sk.kpi().origin() + " " + sk.kpi().version()));
    }

    @Descriptor("Computes a KPI for a period and segment, or as a series (kpi:compute --help for options)")
    public void compute(String... args) {
        ComputeArgs a = Args.parse(new ComputeArgs(), args, System.out);
        if (a == null) {
            return;
        }
        KpiInfo info = require(a.id);
        if (a.asPublished) {
            asPublished(a, info);
            return;
        }
        guard(a.id, () -> {
            KpiQuery query = new KpiQuery(period(a.from, a.to), Segment.parse(a.segment));
            KpiSeries series = a.by == null ? null : registry.series(a.id, query, Grain.parse(a.by));
            KpiResult whole = registry.compute(a.id, query);
            String tableName = a.movements ? "movements" : a.table;
            KpiTable table = null;
            if (tableName != null) {
                table = whole.table(tableName).orElseThrow(() -> new CommandError(info.id() + " has no table '" + tableName + "'"
                        + (whole.tables().isEmpty() ? "" : "; its tables: " + String.join(", ", whole.tables().stream().map(KpiTable::name).toList()))));
            }
            String text = switch (a.format) {
                case json -> Json.write(table != null ? Json.table(table) : Json.answer(info, query, whole, series, target(a.id, query)));
                case csv -> table != null ? Csv.table(table) : Csv.answer(info, query, whole, series);
                case text -> series != null ? seriesText(info, query, whole, series) : resultText(info, query, whole, a.movements);
            };
            Output.write(a.output, text, info.id() + " (" + a.format + ")");
        });
    }

    /** A closed month's figure as it was published, and whether it was restated since. */
    private void asPublished(ComputeArgs a, KpiInfo info) {
        Period p = period(a.from, a.to);
        if (p.from().getDayOfMonth() != 1 || !p.from().plusMonths(1).equals(p.to()) || !a.segment.isEmpty() || a.by != null) {
            throw new CommandError("--as-published answers a closed calendar month for all customers (e.g. --from 2026-11-01"
                    + " --to 2026-12-01), without --segment or --by");
        }
        io.vitals.kpi.MonthBook book = months;
        if (book == null) {
            throw new CommandError("closed months are not available (the vitals-close bundle is not running)");
        }
        java.time.YearMonth month = java.time.YearMonth.from(p.from());
        io.vitals.kpi.MonthBook.Figure figure = book.published(info.id(), month).orElseThrow(() -> new CommandError(
                book.closed().stream().anyMatch(m -> m.month().equals(month))
                        ? info.id() + " was not published for " + month + " (it was not installed, or failed, when the month closed)"
                        : month + " is not closed; kpi:close lists the closed months, kpi:close --month " + month + " closes it"));
        List<io.vitals.kpi.MonthBook.Restatement> since = book.restatements(month).stream().filter(r -> r.kpi().equals(info.id())).toList();
        String text;
        if (a.format == Format.json) {
            try {
                com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode)
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(figure.answer());
                o.put("publishedAt", figure.publishedAt().toString());
                o.set("restatements", MonthCommands.json(since));
                text = Json.write(o);
            } catch (java.io.IOException e) {
                throw new CommandError("the published answer of " + info.id() + " " + month + " cannot be read: " + e.getMessage());
            }
        } else if (a.format == Format.csv) {
            throw new CommandError("--as-published answers in text or json");
        } else {
            text = info.definition().name() + " (" + info.id() + "), " + month + " as published on "
                    + figure.publishedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate() + ": "
                    + (figure.value() == null ? "no data" : Render.value(figure.value(), info.definition().unit()))
                    + (since.isEmpty() ? "\nNot restated since." : "\nRestated since: " + MonthCommands.line(since.get(0)));
        }
        Output.write(a.output, text, info.id() + " " + month + " as published (" + a.format + ")");
    }

    /** As {@link #guard}, for work that answers. */
    static <T> T guardAnswer(String what, java.util.function.Supplier<T> body) {
        java.util.concurrent.atomic.AtomicReference<T> out = new java.util.concurrent.atomic.AtomicReference<>();
        guard(what, () -> out.set(body.get()));
        return out.get();
    }

    @Descriptor("Lists the customers behind a KPI's number (kpi:customers --help for options)")
    public void customers(String... args) {
        CustomersArgs a = Args.parse(new CustomersArgs(), args, System.out);
        if (a == null) {
            return;
        }
        KpiInfo info = require(a.id);
        guard(a.id, () -> {
            KpiQuery query = new KpiQuery(period(a.from, a.to), Segment.parse(a.segment));
            KpiTable table = registry.customers(a.id, query, new DrillDown(a.subset, a.sort, !a.ascending, a.limit));
            String text = switch (a.format) {
                case json -> Json.write(Json.table(table));
                case csv -> Csv.table(table);
                case text -> Render.table(table, "") + "\n" + table.rows().size() + (table.rows().size() == a.limit
                        ? " rows shown, the limit; --limit for more" : " rows") + ". --format csv --output <file> exports them.";
            };
            Output.write(a.output, text, table.rows().size() + " " + info.id() + " rows (" + a.format + ")");
        });
    }

    private Target target(String id, KpiQuery query) {
        TargetBook book = targets;
        return book == null ? null : book.targetFor(id, query.segment()).orElse(null);
    }

    /** Runs a command body, turning what went wrong into one line for the user. */
    static void guard(String id, Runnable body) {
        try {
            body.run();
        } catch (InvalidQueryException e) {
            throw new CommandError(e.getMessage());
        } catch (CommandError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CommandError(id + " failed: " + firstLine(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    @Descriptor("The ids of the installed KPIs, for completion")
    public List<String> ids() {
        return registry.list().stream().map(KpiInfo::id).sorted().toList();
    }

    private KpiInfo require(String id) {
        try {
            return registry.require(id);
        } catch (UnknownKpiException | io.vitals.kpi.MisconfiguredKpiException e) {
            throw new CommandError(e.getMessage());
        }
    }

    Period period(String from, String to) {
        return Queries.period(from, to, today());
    }

    private static String resultText(KpiInfo info, KpiQuery query, KpiResult r, boolean movements) {
        KpiDefinition d = info.definition();
        StringBuilder out = new StringBuilder();
        out.append(d.name()).append(" (").append(d.id()).append("), ").append(query.period().from()).append(" to ")
                .append(query.period().to()).append(" (exclusive), ").append(query.segment()).append('\n');
        if (!r.hasValue()) {
            return out.append("  no data: ").append(r.noDataReason()).append('\n').toString();
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("value", Render.value(r.value(), d.unit())));
        if (r.numerator() != null) {
            rows.add(List.of("numerator", Render.number(r.numerator())));
            rows.add(List.of("denominator", Render.number(r.denominator())));
        }
        rows.add(List.of("sample size", Render.number(r.sampleSize())));
        for (Map.Entry<String, Object> detail : r.details().entrySet()) {
            rows.add(List.of(words(detail.getKey()), Render.detail(detail.getValue())));
        }
        out.append(Render.table(null, rows, List.of(1), "  "));
        for (KpiTable table : r.tables()) {
            if (table.name().equals("movements") != movements) {
                continue; // movements only when asked for; other tables are the answer itself
            }
            out.append('\n').append(Render.table(table, "  "));
        }
        return out.toString();
    }

    private static String seriesText(KpiInfo info, KpiQuery query, KpiResult whole, KpiSeries series) {
        KpiDefinition d = info.definition();
        StringBuilder out = new StringBuilder();
        out.append(d.name()).append(" (").append(d.id()).append(") by ").append(series.grain().label()).append(", ")
                .append(query.period().from()).append(" to ").append(query.period().to()).append(" (exclusive), ")
                .append(query.segment()).append('\n');
        List<List<String>> rows = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (KpiSeries.Point p : series.points()) {
            KpiResult r = p.result();
            values.add(r.value());
            rows.add(List.of(p.period().label(), Render.value(r.value(), d.unit()), Render.number(r.sampleSize())));
        }
        out.append(Render.table(List.of("PERIOD", "VALUE", "SAMPLE"), rows, List.of(1, 2), "  "));
        double min = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        out.append("  ").append(Render.sparkline(values)).append(Double.isNaN(min) ? "  no data in any period"
                : "  min " + Render.value(min, d.unit()) + ", max " + Render.value(max, d.unit())).append('\n');
        out.append("  whole period: ").append(whole.hasValue() ? Render.value(whole.value(), d.unit())
                : "no data: " + whole.noDataReason()).append('\n');
        return out.toString();
    }

    /** "payingCustomers" reads as "paying customers". */
    static String words(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
