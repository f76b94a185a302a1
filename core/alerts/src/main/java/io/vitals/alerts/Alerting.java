package io.vitals.alerts;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Period;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TargetStatus;
import io.vitals.store.AlertStore;

/**
 * Evaluates rules: computes the KPI (or lists the customers in the subset) through the registry,
 * judges it against the target book, steps each watched thing's {@link Hysteresis}, and records an
 * alert, with the state that goes with it, for every confirmed crossing. Knows only core's API.
 */
final class Alerting {

    /** The subject of a rule's own state: the KPI itself, or (for a customer rule) "seen before". */
    static final String RULE = "";
    static final String IN = "IN";
    static final String OUT = "OUT";
    /** A customer rule reads at most this many customers of its subset. */
    static final int MAX_CUSTOMERS = 100_000;

    /** What one evaluation of a rule found: the status it stands at (null when unknown), its problem, the alerts raised. */
    record Outcome(String status, String problem, List<Alert> raised) {
    }

    private final KpiRegistry kpis;
    private final TargetBook targets;
    private final AlertStore store;
    private final Clock clock;
    private final Supplier<LocalDate> today;
    private final Consumer<Alert> raised;

    /** @param raised told of each alert once it is recorded, to deliver it */
    Alerting(KpiRegistry kpis, TargetBook targets, AlertStore store, Clock clock, Supplier<LocalDate> today, Consumer<Alert> raised) {
        this.kpis = kpis;
        this.targets = targets;
        this.store = store;
        this.clock = clock;
        this.today = today;
        this.raised = raised;
    }

    Outcome evaluate(AlertRule.Spec rule) {
        if (rule.problem() != null) {
            return new Outcome(null, rule.problem(), List.of());
        }
        Optional<KpiInfo> info = kpis.find(rule.kpi());
        if (info.isEmpty()) {
            return new Outcome(null, "rule " + rule.name() + ": no KPI '" + rule.kpi() + "' is installed (kpi:list shows them)", List.of());
        }
        KpiQuery query = new KpiQuery(rule.periodEnding(today.get()), rule.segment());
        return rule.watchesCustomers() ? customers(rule, query) : status(rule, info.get(), query);
    }

    private Outcome status(AlertRule.Spec rule, KpiInfo info, KpiQuery query) {
        Optional<Target> found = targets.targetFor(rule.kpi(), rule.segment());
        if (found.isEmpty()) {
            return new Outcome(null, "rule " + rule.name() + ": " + rule.kpi() + " has no target" + (rule.segment().isAll() ? ""
                    : " for " + rule.segment() + " nor for all customers") + "; add one in etc/vitals.target-<name>.cfg", List.of());
        }
        Target target = found.get();
        KpiResult result = kpis.compute(rule.kpi(), query);
        TargetStatus status = target.status(result.value(), info.definition().direction());
        if (status == TargetStatus.NONE) {
            return new Outcome(null, null, List.of()); // no data: nothing crossed, nothing forgotten
        }
        Instant now = clock.instant();
        String stored = store.alertStates(rule.stateKey()).get(RULE);
        Hysteresis before = Hysteresis.parse(stored);
        Hysteresis.Step step = before == null ? Hysteresis.first(TargetStatus.GREEN.name(), status.name(), now)
                : before.step(status.name(), now, rule.confirmations(), rule.quiet());
        String after = step.next().format();
        List<Alert> alerts = new ArrayList<>();
        if (step.alerts()) {
            String message = message(rule, info, query.period(), target, result.value(), step.alertFrom(), status.name());
            Alert alert = new Alert(0, rule.name(), rule.kpi(), rule.segmentText(), null, step.alertFrom(), status.name(),
                    result.value(), target.target(), message, now, null, deliveries(rule, now));
            alerts.add(record(rule, alert, Map.of(RULE, after)));
        } else if (!after.equals(stored)) {
            store.saveAlertStates(rule.stateKey(), Map.of(RULE, after));
        }
        return new Outcome(step.next().confirmed(), null, alerts);
    }

    private Outcome customers(AlertRule.Spec rule, KpiQuery query) {
        KpiTable table = kpis.customers(rule.kpi(), query, new DrillDown(rule.subset(), null, false, MAX_CUSTOMERS));
        int idColumn = table.column("customer_id");
        int nameColumn = table.columns().stream().map(KpiTable.Column::name).toList().indexOf("customer");
        Map<String, String> inSubset = new LinkedHashMap<>();
        for (List<Object> row : table.rows()) {
            Object id = row.get(idColumn);
            if (id != null) {
                inSubset.put(String.valueOf(id), nameColumn < 0 || row.get(nameColumn) == null ? String.valueOf(id) : String.valueOf(row.get(nameColumn)));
            }
        }
        Instant now = clock.instant();
        Map<String, String> states = store.alertStates(rule.stateKey());
        boolean first = !states.containsKey(RULE);
        Set<String> subjects = new LinkedHashSet<>(inSubset.keySet());
        states.keySet().stream().filter(s -> !s.equals(RULE)).sorted().forEach(subjects::add);
        Map<String, String> changes = new HashMap<>();
        List<String> entered = new ArrayList<>();
        for (String customer : subjects) {
            String observed = inSubset.containsKey(customer) ? IN : OUT;
            Hysteresis before = first ? null : Hysteresis.parse(states.get(customer));
            Hysteresis.Step step = first ? Hysteresis.first(OUT, observed, now)
                    : (before == null ? new Hysteresis(OUT, null, 0, null) : before).step(observed, now, rule.confirmations(), rule.quiet());
            Hysteresis next = step.next();
            if (step.alerts() && IN.equals(next.confirmed())) {
                entered.add(customer);
            }
            boolean nothingToKeep = OUT.equals(next.confirmed()) && next.candidate() == null
                    && (next.lastAlert() == null || !now.isBefore(next.lastAlert().plus(rule.quiet())));
            String text = nothingToKeep ? null : next.format();
            if (!Objects.equals(text, states.get(customer))) {
                changes.put(customer, text);
            }
        }
        if (first) {
            changes.put(RULE, "SEEN");
        }
        List<Alert> alerts = new ArrayList<>();
        String where = rule.kpi() + " " + rule.subset() + (rule.segment().isAll() ? "" : " (" + rule.segment() + ")");
        if (entered.size() <= rule.maxPerEvaluation()) {
            for (String customer : entered) {
                String message = inSubset.get(customer) + " (" + customer + ") is now in " + where + "; rule " + rule.name()
                        + ", " + range(query.period());
                Alert alert = new Alert(0, rule.name(), rule.kpi(), rule.segmentText(), customer, null, rule.subset(), null, null,
                        message, now, null, deliveries(rule, now));
                Map<String, String> own = new HashMap<>();
                own.put(customer, changes.remove(customer));
                if (first) {
                    // the rule has looked, with this alert: a retry after a failed write must not alert it again
                    own.put(RULE, "SEEN");
                }
                alerts.add(record(rule, alert, own));
            }
        } else {
            List<String> names = entered.stream().map(c -> inSubset.get(c) + " (" + c + ")").toList();
            int shown = Math.min(10, names.size());
            String message = entered.size() + " customers are now in " + where + ": " + String.join(", ", names.subList(0, shown))
                    + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "") + " (kpi:customers " + rule.kpi()
                    + " --subset " + rule.subset() + " lists them); rule " + rule.name() + ", " + range(query.period());
            Alert alert = new Alert(0, rule.name(), rule.kpi(), rule.segmentText(), null, null, rule.subset(), (double) entered.size(),
                    null, message, now, null, deliveries(rule, now));
            alerts.add(record(rule, alert, changes));
            changes = Map.of();
        }
        if (!changes.isEmpty()) {
            store.saveAlertStates(rule.stateKey(), changes);
        }
        return new Outcome(inSubset.size() + " in " + rule.subset(), null, alerts);
    }

    /** Records the alert with the rule's states that go with it (one transaction), then hands it on for delivery. */
    private Alert record(AlertRule.Spec rule, Alert alert, Map<String, String> states) {
        Alert recorded = store.recordAlert(alert, rule.stateKey(), states);
        raised.accept(recorded);
        return recorded;
    }

    private static List<Delivery> deliveries(AlertRule.Spec rule, Instant now) {
        return rule.channels().stream().distinct().map(c -> Delivery.pending(c, now)).toList();
    }

    static String message(AlertRule.Spec rule, KpiInfo info, Period period, Target target, Double value, String from, String to) {
        String what = rule.kpi() + (rule.segment().isAll() ? "" : " (" + rule.segment() + ")");
        String now = to.toLowerCase(Locale.ROOT);
        String verb = to.equals("GREEN") ? " is back to " : " is "; // an alert is a change, so green is always a way back
        return what + verb + now + ": " + Messages.number(value) + " against a target of " + Messages.number(target.target())
                + " (warning " + Messages.number(target.warningLevel(info.definition().direction())) + "), was "
                + from.toLowerCase(Locale.ROOT) + "; rule " + rule.name() + ", " + range(period);
    }

    static String range(Period p) {
        return p.from() + " to " + p.to().minusDays(1);
    }
}
