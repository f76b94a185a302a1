package io.vitals.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.connector.ConnectorKind;
import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SourceStatus;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.connector.SyncService;
import io.vitals.connector.UnknownSourceException;
import io.vitals.kpi.KpiTable;
import io.vitals.render.Csv;
import io.vitals.render.Json;
import io.vitals.shell.KpiCommands.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code connector:list}, {@code connector:sync}, {@code connector:status}, {@code connector:rejects}. */
@Component(service = ConnectorCommands.class, property = {
        "osgi.command.scope=connector",
        "osgi.command.function=list",
        "osgi.command.function=sync",
        "osgi.command.function=status",
        "osgi.command.function=rejects",
        "osgi.command.function=erase",
        "osgi.command.function=ids",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class ConnectorCommands {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Command(name = "connector:list", description = "Lists the configured sources: kind, last sync, its outcome and counts.",
            footer = {"", "A source is a file etc/vitals.source.<kind>-<id>.cfg (or in deploy/); examples/ has some."})
    static final class ListArgs {
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "connector:sync", description = "Syncs sources now, with progress, and reports what each read and wrote;"
            + " several run in the order their customers need (a source whose customerSource is another after that one).")
    static final class SyncArgs {
        @Parameters(paramLabel = "<id>", arity = "0..*", description = "The sources' ids (connector:list shows them).")
        List<String> ids = new ArrayList<>();
        @Option(names = "--all", description = "Every source that is not misconfigured, customers' sources first.")
        boolean all;
        @Option(names = "--full", description = "Forget where the source got to and read everything again (unchanged rows stay unchanged).")
        boolean full;
        @Option(names = "--quiet", description = "Only the closing report, no progress.")
        boolean quiet;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "connector:status", description = "Shows a source: its settings (secrets as references), schedule, cursor and last sync.")
    static final class StatusArgs {
        @Parameters(paramLabel = "<id>", description = "The source's id.")
        String id;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "connector:rejects", description = "Shows the rows a source could not take, newest first, with the reason.")
    static final class RejectsArgs {
        @Parameters(paramLabel = "<id>", description = "The source's id.")
        String id;
        @Option(names = "--limit", paramLabel = "<n>", description = "At most this many (default 20).")
        int limit = 20;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default), csv or json (csv and json keep the whole raw row)")
        Format format = Format.text;
        @picocli.CommandLine.Mixin
        Output.Options output = new Output.Options();
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final SyncService sync;

    @Activate
    public ConnectorCommands(@Reference SyncService sync) {
        this.sync = sync;
    }

    @Descriptor("Lists the configured sources (connector:list --help for options)")
    public void list(String... args) {
        ListArgs a = Args.parse(new ListArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<SourceStatus> sources = sync.sources();
        List<ConnectorKind> kinds = sync.kinds();
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.sources(sources, kinds)));
            return;
        }
        String installed = "Connectors installed: " + (kinds.isEmpty() ? "none (drop connector bundles into deploy/)"
                : String.join(", ", kinds.stream().map(k -> k.kind() + " (" + k.name() + ")").toList()));
        if (sources.isEmpty()) {
            System.out.println("No sources. Add one as etc/vitals.source.<kind>-<id>.cfg; examples/sources has ready mappings.");
            System.out.println(installed);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (SourceStatus s : sources) {
            SyncReport last = s.last();
            PageCounts c = last == null ? PageCounts.NONE : last.counts();
            rows.add(List.of(s.id(), s.kind(), every(s.interval()), last == null ? "never" : WHEN.format(last.finished()),
                    s.problem() != null ? "misconfigured" : s.running() ? "running" : last == null ? "" : last.outcome().name().toLowerCase(Locale.ROOT),
                    Render.number(c.read()), Render.number(c.inserted()), Render.number(c.updated()), Render.number(c.unchanged()),
                    Render.number(c.rejected()), Render.number(s.rejects())));
        }
        System.out.print(Render.table(List.of("ID", "KIND", "EVERY", "LAST SYNC (UTC)", "STATUS", "READ", "INSERTED", "UPDATED",
                "UNCHANGED", "REJECTED", "ALL REJECTS"), rows, List.of(5, 6, 7, 8, 9, 10), ""));
        for (SourceStatus s : sources) {
            if (s.problem() != null) {
                System.out.println(s.id() + " is misconfigured: " + s.problem());
            }
        }
        System.out.println(installed);
    }

    @Descriptor("Syncs a source now, with progress (connector:sync --help for options)")
    public void sync(String... args) {
        SyncArgs a = Args.parse(new SyncArgs(), args, System.out);
        if (a == null) {
            return;
        }
        if (a.all == !a.ids.isEmpty()) {
            throw new CommandError(a.all ? "name sources or --all, not both" : "name a source to sync (connector:list shows them), or --all");
        }
        PrintStream out = System.out;
        List<SourceStatus> known = guard(sync::sources);
        List<String> ids = a.all ? known.stream().filter(s -> s.problem() == null).map(SourceStatus::id).toList() : a.ids;
        for (String id : ids) {
            guard(() -> sync.status(id)); // an unknown id fails here, before anything syncs
        }
        if (ids.isEmpty()) {
            out.println("No sources to sync.");
            return;
        }
        List<String> order = syncOrder(ids, known);
        List<String> failed = new ArrayList<>();
        for (String id : order) {
            SyncReport report = syncOne(id, a, out);
            out.println(closing(report));
            if (report.outcome() == SyncReport.Outcome.FAILED) {
                String why = "sync of " + id + " failed: " + report.message()
                        + (report.counts().read() > 0 ? "; what it committed stays, and the next sync resumes from there" : "");
                if (order.size() == 1) {
                    throw new CommandError(why);
                }
                out.println("  " + why);
                failed.add(id);
            }
            out.flush();
        }
        if (!failed.isEmpty()) {
            throw new CommandError(failed.size() + " of " + order.size() + " sources failed: " + String.join(", ", failed));
        }
    }

    private SyncReport syncOne(String id, SyncArgs a, PrintStream out) {
        return guard(() -> {
            if (a.full) {
                sync.resetCursor(id);
            }
            long started = System.nanoTime();
            long[] lastPrint = {0};
            SyncListener progress = a.quiet ? SyncListener.NONE : (source, page, total) -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] >= 1_000_000_000L) { // at most a line a second
                    lastPrint[0] = now;
                    out.println("  " + counts(total) + String.format(Locale.ROOT, "  (%.1f s)", (now - started) / 1e9));
                    out.flush();
                }
            };
            out.println("Syncing " + id + "...");
            out.flush();
            return sync.sync(id, progress);
        });
    }

    /**
     * The sources in the order their references need: one whose customerSource names another syncs after
     * it (its rows find their customers), sources of customers before the rest, then by id. A cycle is
     * broken by id.
     */
    static List<String> syncOrder(List<String> ids, List<SourceStatus> known) {
        Map<String, SourceStatus> byId = new java.util.HashMap<>();
        known.forEach(s -> byId.put(s.id(), s));
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>(ids);
        Comparator<String> rank = Comparator.comparing((String id) -> {
            SourceStatus s = byId.get(id);
            return s == null || !"customers".equals(s.settings().get("entity")) ? 1 : 0;
        }).thenComparing(Comparator.naturalOrder());
        List<String> order = new ArrayList<>();
        java.util.Set<String> placed = new java.util.HashSet<>();
        while (order.size() < wanted.size()) {
            List<String> ready = new ArrayList<>();
            for (String id : wanted) {
                if (placed.contains(id)) {
                    continue;
                }
                SourceStatus s = byId.get(id);
                String needs = s == null ? null : s.settings().get("customerSource");
                if (needs == null || needs.equals(id) || !wanted.contains(needs) || placed.contains(needs)) {
                    ready.add(id);
                }
            }
            if (ready.isEmpty()) { // a cycle: take the first left
                wanted.stream().filter(id -> !placed.contains(id)).sorted(rank).findFirst().ifPresent(ready::add);
            }
            ready.sort(rank);
            String next = ready.get(0);
            order.add(next);
            placed.add(next);
        }
        return order;
    }

    static String closing(SyncReport r) {
        String how = switch (r.outcome()) {
            case COMPLETE -> "complete";
            case STOPPED -> "stopped (the next sync resumes)";
            case FAILED -> "FAILED";
        };
        return "Synced " + r.source() + ": " + how + " in " + String.format(Locale.ROOT, "%.1f s", r.took().toMillis() / 1000.0)
                + ". " + counts(r.counts()) + ".";
    }

    static String counts(PageCounts c) {
        return "read " + Render.number(c.read()) + ", inserted " + Render.number(c.inserted()) + ", updated "
                + Render.number(c.updated()) + ", unchanged " + Render.number(c.unchanged()) + ", rejected "
                + Render.number(c.rejected())
                + (c.skipped() > 0 ? ", skipped " + Render.number(c.skipped()) + " (left out by the mapping's where.* or a count of 0)" : "")
                + (c.duplicates() > 0 ? ", duplicates " + Render.number(c.duplicates()) + " (an id read before in the pass: the last kept)" : "")
                + (c.landed() > 0 ? ", " + Render.number(c.landed()) + " earlier rejects landed (their customer came)" : "");
    }

    @Descriptor("Shows a source's settings, schedule, cursor and last sync (connector:status --help for options)")
    public void status(String... args) {
        StatusArgs a = Args.parse(new StatusArgs(), args, System.out);
        if (a == null) {
            return;
        }
        SourceStatus s = guard(() -> sync.status(a.id));
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.source(s)));
            return;
        }
        PrintStream out = System.out;
        out.println(s.id() + " (" + s.kind() + ")" + (s.running() ? ", syncing now" : ""));
        if (s.problem() != null) {
            out.println("  PROBLEM      " + s.problem());
        }
        out.println("  every        " + every(s.interval()));
        for (Map.Entry<String, String> setting : new java.util.TreeMap<>(s.settings()).entrySet()) {
            out.println("  " + String.format("%-12s ", setting.getKey()) + setting.getValue());
        }
        out.println("  cursor       " + (s.cursor() == null ? "(none: the next sync reads from the start)" : s.cursor()));
        SyncReport last = s.last();
        if (last == null) {
            out.println("  last sync    never");
        } else {
            out.println("  last sync    " + WHEN.format(last.started()) + " UTC, " + closing(last).substring(("Synced " + s.id() + ": ").length()));
            if (last.message() != null) {
                out.println("  reason       " + last.message());
            }
        }
        out.println("  rejects      " + Render.number(s.rejects()) + (s.rejects() > 0 ? " (connector:rejects " + s.id() + ")" : ""));
        for (Map.Entry<String, String> note : new java.util.TreeMap<>(s.notes()).entrySet()) {
            out.println("  note         " + note.getKey() + ": " + note.getValue());
        }
    }

    @Command(name = "connector:erase", description = {
            "Erases one customer's personal data (a data-protection request): its name, e-mail and attributes, the e-mail",
            "and comments of its survey answers, and every rejected row that names it. Its revenue, answers and tickets",
            "stay, anonymous, so past figures do not change; segments on its attributes no longer find it."},
            footer = {"", "Erase it at the source too: a later sync brings back what the source still holds.", "",
                    "Example:", "  connector:erase billing cus_123"})
    static final class EraseArgs {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "<source>", description = "The source the customer comes from.")
        String source;
        @picocli.CommandLine.Parameters(index = "1", paramLabel = "<customer>", description = "The customer's id at that source.")
        String customer;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Descriptor("Erases one customer's personal data from the store (connector:erase --help)")
    public void erase(String... args) {
        EraseArgs a = Args.parse(new EraseArgs(), args, System.out);
        if (a == null) {
            return;
        }
        io.vitals.store.SyncStore.Erasure e = guard(() -> sync.erase(a.source, a.customer));
        if (!e.found()) {
            throw new CommandError("no customer " + a.customer + " of " + a.source + " in the store");
        }
        System.out.println("Erased customer " + a.customer + " of " + a.source + ": name and e-mail, " + e.attributes() + " attributes"
                + " (its own and its tickets'), " + e.responses() + " survey answers' e-mail and comments, " + e.cancellations()
                + " cancellations' feedback, " + e.rejects() + " rejected rows. Past revenue, retention and"
                + " scores do not change; segments on its attributes no longer count it. Erase it at " + a.source
                + " too: a later sync brings back what the source still holds.");
    }

    @Descriptor("Shows the rows a source rejected, with the reason (connector:rejects --help for options)")
    public void rejects(String... args) {
        RejectsArgs a = Args.parse(new RejectsArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<Rejected> rejects = guard(() -> sync.rejects(a.id, Math.max(1, a.limit)));
        List<List<Object>> rows = new ArrayList<>();
        for (Rejected r : rejects) {
            rows.add(List.of(WHEN.format(r.at()), r.reason(), r.raw() == null ? "" : r.raw()));
        }
        KpiTable table = new KpiTable("rejects", "Rejected by " + a.id + ", newest first",
                List.of(KpiTable.Column.text("rejected_at", "REJECTED (UTC)"), KpiTable.Column.text("reason", "REASON"),
                        KpiTable.Column.text("raw", "RAW ROW")), rows);
        String text = switch (a.format) {
            case json -> Json.write(Json.table(table));
            case csv -> Csv.table(table);
            case text -> rejects.isEmpty() ? "No rejects for " + a.id + "." : Render.table(shortened(table), "");
        };
        Output.write(a.output, text, rejects.size() + " rejects of " + a.id + " (" + a.format + ")");
    }

    @Descriptor("The ids of the configured sources, for completion")
    public List<String> ids() {
        return sync.sources().stream().map(SourceStatus::id).toList();
    }

    /** Raw rows cut to one short line for the screen; CSV and JSON keep them whole. */
    private static KpiTable shortened(KpiTable t) {
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : t.rows()) {
            String raw = String.valueOf(row.get(2)).replace('\n', ' ').replace('\r', ' ');
            rows.add(List.of(row.get(0), row.get(1), raw.length() > 80 ? raw.substring(0, 77) + "..." : raw));
        }
        return new KpiTable(t.name(), t.title(), t.columns(), rows);
    }

    static String every(Duration interval) {
        if (interval == null || interval.isZero()) {
            return "on demand";
        }
        long s = interval.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private static <T> T guard(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (UnknownSourceException e) {
            throw new CommandError(e.getMessage());
        }
    }
}
