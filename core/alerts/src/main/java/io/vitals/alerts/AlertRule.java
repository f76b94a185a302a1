package io.vitals.alerts;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;

/**
 * One alert rule, from one configuration file: {@code etc/vitals.alert-<name>.cfg} (or in
 * {@code deploy/}). A new file adds the rule, an edit changes it, deleting the file removes it (its
 * alerts stay). A rule with a mistake in it is kept, with its problem, so {@code alert:rules} can
 * say what is wrong.
 *
 * <pre>
 * kpi = nps
 * segment = plan=pro        # optional; the target for this segment (else the KPI's general one)
 * channels = log, slack     # log, and webhooks by name (etc/vitals.webhook-slack.cfg)
 * customers = red           # optional: instead, alert when customers enter this drill-down subset
 * period = last-30-days     # or last-month, last-7-days ...
 * confirmations = 2         # evaluations a new status must hold before it alerts
 * quietMinutes = 60         # at least this long between two alerts about one thing
 * </pre>
 */
@Component(service = AlertRule.class, configurationPid = AlertRule.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AlertRule.Config.class, factory = true)
public class AlertRule {

    static final String FACTORY_PID = "vitals.alert";

    @ObjectClassDefinition(name = "Alert rule", description = "Alerts when a KPI's status against its target changes,"
            + " or when customers enter one of a KPI's drill-down subsets.")
    public @interface Config {
        @AttributeDefinition(description = "The KPI's id, e.g. nps, or health-score with customers = red.")
        String kpi();

        @AttributeDefinition(description = "Only this segment, e.g. plan=pro,region=EMEA; its target if it has one. Empty: all customers.")
        String segment() default "";

        @AttributeDefinition(description = "Where alerts go, comma-separated: log, and webhook names (etc/vitals.webhook-<name>.cfg).")
        String channels() default "log";

        @AttributeDefinition(description = "A drill-down subset of the KPI (e.g. red for health-score): alert on each customer"
                + " that enters it, instead of on the KPI's status. Empty: the KPI's status against its target.")
        String customers() default "";

        @AttributeDefinition(description = "The period evaluated: last-<n>-days (ending yesterday) or last-month (the last full month).")
        String period() default "last-30-days";

        @AttributeDefinition(description = "Evaluations in a row a new status must hold before it alerts (1: at once).", min = "1")
        int confirmations() default 2;

        @AttributeDefinition(description = "Minutes that must pass after an alert before the same KPI or customer alerts again.", min = "0")
        long quietMinutes() default 60;

        @AttributeDefinition(description = "Customers entering the subset in one evaluation above this many make one alert that names them all.", min = "1")
        int maxAlertsPerEvaluation() default 10;

        String felix_fileinstall_filename() default "";
    }

    /** A rule as configured; {@code problem} is set, and nothing else may be, when the configuration is wrong. */
    record Spec(String name, String kpi, Segment segment, String subset, List<String> channels, String period,
            int confirmations, Duration quiet, int maxPerEvaluation, String problem) {

        /** Where the rule's states are kept: a changed KPI, segment or subset starts afresh. */
        String stateKey() {
            return name + "|" + kpi + "|" + segment + "|" + (subset == null ? "" : subset);
        }

        boolean watchesCustomers() {
            return subset != null;
        }

        String segmentText() {
            return segment == null || segment.isAll() ? "" : segment.filters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "," + b).orElse("");
        }

        Period periodEnding(LocalDate today) {
            return AlertRule.period(period, today);
        }
    }

    private static final Pattern LAST_DAYS = Pattern.compile("last-(\\d{1,4})-days?");

    private volatile Spec spec;

    @Activate
    public AlertRule(Config config, Map<String, Object> properties) {
        this.spec = parse(config, String.valueOf(properties.getOrDefault("service.pid", "alert")));
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        this.spec = parse(config, String.valueOf(properties.getOrDefault("service.pid", "alert")));
    }

    Spec spec() {
        return spec;
    }

    /**
     * The name a configuration file gives: {@code <name>} of {@code <factoryPid>-<name>.cfg}, else
     * the configuration's PID (a configuration made some other way than by a file).
     */
    static String name(String factoryPid, String fileName, String pid) {
        String file = fileName == null ? "" : fileName.substring(fileName.lastIndexOf('/') + 1);
        String prefix = factoryPid + "-";
        if (file.startsWith(prefix) && file.lastIndexOf('.') > prefix.length()) {
            return file.substring(prefix.length(), file.lastIndexOf('.'));
        }
        return pid;
    }

    static Spec parse(Config c, String pid) {
        String name = name(FACTORY_PID, c.felix_fileinstall_filename(), pid);
        String where = c.felix_fileinstall_filename().isBlank() ? "alert rule " + name
                : c.felix_fileinstall_filename().substring(c.felix_fileinstall_filename().lastIndexOf('/') + 1);
        List<String> channels = new ArrayList<>();
        for (String ch : c.channels().split(",")) {
            if (!ch.isBlank()) {
                channels.add(ch.trim());
            }
        }
        String problem = null;
        Segment segment = Segment.ALL;
        String kpi = c.kpi() == null ? "" : c.kpi().trim();
        try {
            segment = c.segment().isBlank() ? Segment.ALL : Segment.parse(List.of(c.segment().split(",")));
        } catch (RuntimeException e) {
            problem = where + ": segment '" + c.segment() + "': " + e.getMessage();
        }
        String period = c.period().trim().toLowerCase(Locale.ROOT);
        if (kpi.isEmpty()) {
            problem = where + ": 'kpi' is missing; e.g. kpi = nps";
        } else if (channels.isEmpty()) {
            problem = where + ": 'channels' is empty; e.g. channels = log, or the name of a webhook";
        } else if (!period.equals("last-month") && !LAST_DAYS.matcher(period).matches()) {
            problem = where + ": period '" + c.period() + "' is not last-month or last-<n>-days (e.g. last-30-days)";
        }
        String subset = c.customers().isBlank() ? null : c.customers().trim();
        return new Spec(name, kpi, segment, subset, List.copyOf(channels), period, Math.max(1, c.confirmations()),
                Duration.ofMinutes(Math.max(0, c.quietMinutes())), Math.max(1, c.maxAlertsPerEvaluation()), problem);
    }

    static Period period(String text, LocalDate today) {
        if (text.equals("last-month")) {
            return Period.lastFullMonth(today);
        }
        Matcher m = LAST_DAYS.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("period " + text);
        }
        int days = Math.max(1, Integer.parseInt(m.group(1)));
        return new Period(today.minusDays(days), today);
    }
}
