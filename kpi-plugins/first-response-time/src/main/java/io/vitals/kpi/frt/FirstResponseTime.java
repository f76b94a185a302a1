package io.vitals.kpi.frt;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.store.CustomerColumns;
import io.vitals.store.MetricStore;
import io.vitals.store.Percentiles;
import io.vitals.store.Row;
import io.vitals.store.SqlDialect;

/**
 * First response time: the median (and p90) of the hours from a ticket's creation to the first
 * agent reply, over the tickets created in the period that have been answered.
 *
 * <p>A ticket belongs to the period it was created in ({@code created_at} in {@code [from, to)}),
 * whenever it was answered; a ticket created in the period and not answered (no
 * {@code first_response_at}) is not in the median but is counted as {@code unanswered}. Hours
 * are {@code (first_response_at - created_at) / 3600}, wall-clock, not business hours. Tickets not
 * matched to a customer count for all customers and for no segment. The {@code priority}
 * parameter restricts the KPI to one ticket priority; empty means every priority. A period
 * without an answered ticket is "no data", even when unanswered tickets were created in it.
 */
@Component(service = Kpi.class, configurationPid = FirstResponseTime.PID, property = Kpi.ID_PROPERTY + "=first-response-time")
@Designate(ocd = FirstResponseTime.Config.class)
public class FirstResponseTime implements Kpi {

    static final String PID = "vitals.kpi.first_response_time";

    /** The priorities of the canonical ticket model. */
    static final Set<String> PRIORITIES = Set.of("low", "normal", "high", "urgent");

    @ObjectClassDefinition(name = "KPI: First response time")
    public @interface Config {
        @AttributeDefinition(required = false,
                description = "Only tickets of this priority (low, normal, high or urgent); empty for every priority.")
        String priority() default "";
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(String priority) {
        public static final Settings DEFAULT = new Settings("");

        public Settings {
            priority = priority == null ? "" : priority.trim().toLowerCase(Locale.ROOT);
            if (!priority.isEmpty() && !PRIORITIES.contains(priority)) {
                throw new IllegalArgumentException("priority must be empty (every priority) or one of low, normal, high, urgent; got '"
                        + priority + "'");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.priority());
        }

        boolean everyPriority() {
            return priority.isEmpty();
        }
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public FirstResponseTime(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public FirstResponseTime(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** Tickets created in the period (of the configured priority); {@code t} is the alias with its dot, or "". */
    private static String createdInPeriod(String t, Settings s) {
        return t + "created_at >= :from AND " + t + "created_at < :to"
                + (s.everyPriority() ? "" : " AND " + t + "priority = :priority");
    }

    private static String hours(String t) {
        return "(" + t + "first_response_at - " + t + "created_at) / 3600.0";
    }

    private static Map<String, Object> params(Settings s) {
        return s.everyPriority() ? Map.of() : Map.of("priority", s.priority());
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        String which = s.everyPriority() ? "tickets" : s.priority() + "-priority tickets";
        return KpiDefinition.builder("first-response-time")
                .name("First response time")
                .category(Category.SUPPORT)
                .unit(Unit.HOURS)
                .direction(Direction.LOWER_IS_BETTER)
                .description("How long customers wait for the first reply from support, in hours (median).")
                .formula("median (and p90) of (first_response_at - created_at) in hours over the " + which
                        + " created in the period that have a first response; unanswered ones are counted apart")
                .parameter("priority", s.priority(), Settings.DEFAULT.priority(),
                        "only tickets of this priority (low, normal, high, urgent); empty = every priority")
                .needs("tickets")
                .drillDown("slowest")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        String answered = "SELECT " + hours("") + " AS x FROM tickets WHERE " + createdInPeriod("", s)
                + " AND first_response_at IS NOT NULL";
        String sql = "SELECT p.*, u.unanswered FROM (\n" + Percentiles.sql(answered, dialect, 0.5, 0.9) + "\n) p\n"
                + "CROSS JOIN (SELECT count(*) AS unanswered FROM tickets WHERE " + createdInPeriod("", s)
                + " AND first_response_at IS NULL) u";
        Row row = store.queryRow(sql, query, params(s));
        long answeredCount = Percentiles.count(row);
        long unanswered = row.count("unanswered");
        if (answeredCount == 0) {
            return KpiResult.noData("no " + (s.everyPriority() ? "" : s.priority() + "-priority ") + "ticket created in "
                    + query.period() + " for " + query.segment() + " has a first response"
                    + (unanswered > 0 ? " (" + unanswered + " unanswered)" : ""));
        }
        Double[] p = Percentiles.read(row, 0.5, 0.9);
        return KpiResult.value(p[0], answeredCount)
                .with("p90", p[1])
                .with("answered", answeredCount)
                .with("unanswered", unanswered);
    }

    /** The answered tickets behind the median, slowest first; tickets without a customer are listed too. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", t.external_id AS ticket, t.priority AS priority, "
                + hours("t.") + " AS hours, " + dialect.isoTime("t.created_at") + " AS created\n"
                + "FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id\n"
                + "WHERE " + createdInPeriod("t.", s) + " AND t.first_response_at IS NOT NULL\n"
                + "ORDER BY hours DESC, t.created_at, t.id";
        return store.table("tickets", "Slowest first responses, " + query.period(), text, query, params(s),
                CustomerColumns.with(KpiTable.Column.text("ticket", "TICKET"), KpiTable.Column.text("priority", "PRIORITY"),
                        KpiTable.Column.number("hours", "HOURS", Unit.HOURS), KpiTable.Column.text("created", "CREATED")),
                drillDown);
    }
}
