package io.vitals.shell;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.alert.Alert;
import io.vitals.alert.AlertBook;
import io.vitals.alert.AlertRuleStatus;
import io.vitals.alert.UnknownAlertException;
import io.vitals.render.Json;
import io.vitals.shell.KpiCommands.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code alert:list}, {@code alert:ack} and {@code alert:rules}: the alerts the rules raised, and acknowledging them. */
@Component(service = AlertCommands.class, property = {
        "osgi.command.scope=alert",
        "osgi.command.function=list",
        "osgi.command.function=ack",
        "osgi.command.function=rules",
        "osgi.command.function=ids",
        HelpCommand.VITALS_COMMANDS + "=true"})
public class AlertCommands {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Command(name = "alert:list", description = "Lists the open alerts, newest first: what crossed, when, and where each was delivered.",
            footer = {"", "A rule is a file etc/vitals.alert-<name>.cfg (alert:rules lists them). Examples:", "  alert:list",
                    "  alert:list --all --format json"})
    static final class ListArgs {
        @Option(names = "--all", description = "Also the acknowledged alerts.")
        boolean all;
        @Option(names = "--limit", paramLabel = "<n>", description = "At most this many (default 50).")
        int limit = 50;
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "alert:ack", description = "Acknowledges alerts: they leave alert:list (alert:list --all still shows them).",
            footer = {"", "Examples:", "  alert:ack 12", "  alert:ack 12 13 14"})
    static final class AckArgs {
        @Parameters(paramLabel = "<id>", arity = "1..*", description = "The alert's id (alert:list shows them).")
        List<String> ids = new ArrayList<>();
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "alert:rules", description = "Lists the alert rules: what each watches, where it delivers, where it stands.")
    static final class RulesArgs {
        @Option(names = "--format", paramLabel = "<format>", description = "text (default) or json")
        Format format = Format.text;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final AlertBook alerts;

    @Activate
    public AlertCommands(@Reference AlertBook alerts) {
        this.alerts = alerts;
    }

    @Descriptor("Lists the open alerts (alert:list --help for options)")
    public void list(String... args) {
        ListArgs a = Args.parse(new ListArgs(), args, System.out);
        if (a == null) {
            return;
        }
        if (a.format == Format.csv) {
            throw new CommandError("alert:list answers text or json, not csv");
        }
        List<Alert> list = alerts.list(a.all, Math.max(1, a.limit));
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.alerts(list)));
            return;
        }
        if (list.isEmpty()) {
            System.out.println(a.all ? "No alerts." : "No open alerts" + " (alert:list --all also shows the acknowledged ones).");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Alert alert : list) {
            rows.add(List.of(String.valueOf(alert.id()), WHEN.format(alert.raisedAt()), alert.rule(),
                    alert.from() == null ? "-> " + alert.to() : alert.from().toLowerCase(Locale.ROOT) + " -> " + alert.to().toLowerCase(Locale.ROOT),
                    deliveries(alert), alert.acked() ? "acked " + WHEN.format(alert.ackedAt()) : "open", alert.message()));
        }
        System.out.print(Render.table(List.of("ID", "RAISED (UTC)", "RULE", "CHANGE", "DELIVERED", "STATE", "MESSAGE"), rows,
                List.of(0), ""));
    }

    /** One word per channel: slack (failed: the reason is in --format json). */
    static String deliveries(Alert alert) {
        List<String> out = new ArrayList<>();
        for (Alert.Delivery d : alert.deliveries()) {
            out.add(d.channel() + (switch (d.state()) {
                case DELIVERED -> "";
                case PENDING -> " (pending" + (d.attempts() > 0 ? ", " + d.attempts() + " tried" : "") + ")";
                case FAILED -> " (failed)";
            }));
        }
        return String.join(", ", out);
    }

    @Descriptor("Acknowledges alerts by id (alert:ack --help for options)")
    public void ack(String... args) {
        AckArgs a = Args.parse(new AckArgs(), args, System.out);
        if (a == null) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        for (String text : a.ids) {
            try {
                ids.add(Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                throw new CommandError("'" + text + "' is not an alert id; alert:list shows the ids (numbers)");
            }
        }
        for (long id : ids) {
            if (alerts.find(id).isEmpty()) {
                throw new CommandError(new UnknownAlertException(id).getMessage());
            }
        }
        PrintStream out = System.out;
        for (long id : ids) {
            try {
                Alert alert = alerts.ack(id);
                out.println("Acknowledged alert " + id + " (" + alert.rule() + "): " + alert.message());
            } catch (UnknownAlertException e) {
                throw new CommandError(e.getMessage());
            }
        }
    }

    @Descriptor("Lists the alert rules and where each stands (alert:rules --help for options)")
    public void rules(String... args) {
        RulesArgs a = Args.parse(new RulesArgs(), args, System.out);
        if (a == null) {
            return;
        }
        if (a.format == Format.csv) {
            throw new CommandError("alert:rules answers text or json, not csv");
        }
        List<AlertRuleStatus> rules = alerts.rules();
        if (a.format == Format.json) {
            System.out.println(Json.write(Json.alertRules(rules)));
            return;
        }
        if (rules.isEmpty()) {
            System.out.println("No alert rules. Add one as etc/vitals.alert-<name>.cfg; examples/alerts has a commented one.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (AlertRuleStatus r : rules) {
            rows.add(List.of(r.name(), r.kpi(), r.segment().isEmpty() ? "all" : r.segment(),
                    r.subset() == null ? "status" : "customers in " + r.subset(), String.join(", ", r.channels()),
                    r.problem() != null ? "misconfigured" : r.status() == null ? "not evaluated" : r.status().toLowerCase(Locale.ROOT)));
        }
        System.out.print(Render.table(List.of("RULE", "KPI", "SEGMENT", "WATCHES", "CHANNELS", "NOW"), rows, List.of(), ""));
        for (AlertRuleStatus r : rules) {
            if (r.problem() != null) {
                System.out.println(r.name() + ": " + r.problem());
            }
        }
    }

    @Descriptor("The ids of the open alerts, for completion")
    public List<String> ids() {
        return alerts.list(false, 200).stream().map(alert -> String.valueOf(alert.id())).toList();
    }
}
