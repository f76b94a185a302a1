package io.vitals.shell;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.kpi.MonthBook;
import io.vitals.kpi.Period;
import io.vitals.render.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kpi:close} and {@code kpi:restatements}: months kept as published, and what changed in them since. */
@Component(service = MonthCommands.class, property = {
        "osgi.command.scope=kpi",
        "osgi.command.function=close",
        "osgi.command.function=restatements",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class MonthCommands {

    @Command(name = "kpi:close", description = {
            "Closes a month: every KPI's answer for it (all customers) is kept as published. A later change to one of",
            "them is a restatement (kpi:restatements), never a silent move. Closing a month again publishes it anew."},
            footer = {"", "Without --month: lists the closed months. A serving Vitals closes the last full month on its own",
                    "closeAfterDays (etc/vitals.close.cfg, default 5) after it ends.", "", "Examples:",
                    "  kpi:close --month 2026-11", "  kpi:close"})
    static final class CloseArgs {
        @Option(names = "--month", paramLabel = "<yyyy-mm>", description = "The month to close, e.g. 2026-11.")
        String month;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        KpiCommands.Format format = KpiCommands.Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "kpi:restatements", description = {
            "Lists the figures of closed months that changed after they were published: what was published and when,",
            "what it is now, and what reached the store in between."},
            footer = {"", "Examples:", "  kpi:restatements", "  kpi:restatements --month 2026-11 --check"})
    static final class RestatementsArgs {
        @Option(names = "--month", paramLabel = "<yyyy-mm>", description = "Only this closed month.")
        String month;
        @Option(names = "--check", description = "Compute the latest closed months again first (a serving Vitals does after each sync).")
        boolean check;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        KpiCommands.Format format = KpiCommands.Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final MonthBook months;

    @Activate
    public MonthCommands(@Reference MonthBook months) {
        this.months = months;
    }

    static YearMonth month(String text) {
        try {
            YearMonth m = YearMonth.parse(text.trim());
            Period.parseDate("--month", m.atDay(1).toString()); // within the dates a question may name
            return m;
        } catch (DateTimeParseException e) {
            throw new CommandError("malformed --month '" + io.vitals.kpi.Texts.clip(text) + "'; expected a month such as 2026-11");
        } catch (io.vitals.kpi.InvalidQueryException e) {
            throw new CommandError(e.getMessage());
        }
    }

    @Descriptor("Closes a month, keeping every KPI's figure as published; no month: lists the closed ones (kpi:close --help)")
    public void close(String... args) {
        CloseArgs a = Args.parse(new CloseArgs(), args, System.out);
        if (a == null) {
            return;
        }
        if (a.month == null) {
            List<MonthBook.ClosedMonth> closed = months.closed();
            if (a.format == KpiCommands.Format.json) {
                ArrayNode list = Json.array();
                closed.forEach(m -> list.add(closedJson(m)));
                System.out.println(Json.write(list));
                return;
            }
            if (closed.isEmpty()) {
                System.out.println("No month is closed. kpi:close --month <yyyy-mm> closes one.");
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (MonthBook.ClosedMonth m : closed) {
                rows.add(List.of(m.month().toString(), String.valueOf(m.publishedAt().atZone(ZoneOffset.UTC).toLocalDate()),
                        String.valueOf(m.figures()), String.valueOf(months.restatements(m.month()).size())));
            }
            System.out.print(Render.table(List.of("MONTH", "PUBLISHED", "FIGURES", "RESTATEMENTS"), rows, List.of(2, 3), ""));
            return;
        }
        YearMonth month = month(a.month);
        MonthBook.ClosedMonth closed = KpiCommands.guardAnswer("closing " + month, () -> months.close(month));
        if (a.format == KpiCommands.Format.json) {
            System.out.println(Json.write(closedJson(closed)));
        } else {
            System.out.println("Closed " + month + ": " + closed.figures() + " figures kept as published on "
                    + closed.publishedAt().atZone(ZoneOffset.UTC).toLocalDate() + ". kpi:compute <id> --from " + month.atDay(1)
                    + " --to " + month.plusMonths(1).atDay(1) + " --as-published shows one.");
        }
    }

    private static ObjectNode closedJson(MonthBook.ClosedMonth m) {
        ObjectNode o = Json.object();
        o.put("month", m.month().toString());
        o.put("publishedAt", m.publishedAt().toString());
        o.put("dataVersion", m.dataVersion());
        o.put("figures", m.figures());
        return o;
    }

    @Descriptor("Lists the closed months' figures that changed after they were published (kpi:restatements --help)")
    public void restatements(String... args) {
        RestatementsArgs a = Args.parse(new RestatementsArgs(), args, System.out);
        if (a == null) {
            return;
        }
        YearMonth month = a.month == null ? null : month(a.month);
        if (a.check) {
            KpiCommands.guardAnswer("checking the closed months", months::check);
        }
        List<MonthBook.Restatement> all = months.restatements(month);
        if (a.format == KpiCommands.Format.json) {
            System.out.println(Json.write(json(all)));
            return;
        }
        if (all.isEmpty()) {
            System.out.println(months.closed().isEmpty() ? "No month is closed yet (kpi:close --month <yyyy-mm>)."
                    : "No restatements: every closed month's figures are as published.");
            return;
        }
        for (MonthBook.Restatement r : all) {
            System.out.println(line(r));
        }
    }

    /** "nrr 2026-11: 104.20 as published on 2026-12-03, now 103.80 (found 2026-12-09): 3 subscription changes ..." */
    static String line(MonthBook.Restatement r) {
        return r.kpi() + " " + r.month() + ": " + show(r.published()) + " as published on " + r.publishedAt().atZone(ZoneOffset.UTC).toLocalDate()
                + ", now " + show(r.restated()) + " (found " + r.detectedAt().atZone(ZoneOffset.UTC).toLocalDate() + "): " + r.cause();
    }

    static String show(Double v) {
        return v == null ? "no data" : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    static ArrayNode json(List<MonthBook.Restatement> all) {
        return Json.restatements(all);
    }
}
