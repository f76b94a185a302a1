package io.vitals.kpi.resolution;

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
 * Resolution time: the median (and p90) of the hours from a ticket's creation to its resolution,
 * over the tickets resolved in the period.
 *
 * <p>A ticket belongs to the period it was resolved in ({@code resolved_at} in {@code [from, to)}),
 * whenever it was created, so a period reports the tickets it closed; tickets still open are not
 * in it. {@code resolved_at} is the last resolution, so time spent reopened counts. Hours are
 * {@code (resolved_at - created_at) / 3600}, wall-clock, not business hours. Tickets not matched
 * to a customer count for all customers and for no segment. The {@code priority} parameter
 * restricts the KPI to one ticket priority; empty means every priority. A period in which no
 * ticket was resolved is "no data".
 */
@Component(service = Kpi.class, configurationPid = ResolutionTime.PID, property = Kpi.ID_PROPERTY + "=resolution-time")
@Designate(ocd = ResolutionTime.Config.class)
public class ResolutionTime implements Kpi {

    static final String PID = "vitals.kpi.resolution_time";

    /** The priorities of the canonical ticket model. */
    static final Set<String> PRIORITIES = Set.of("low", "normal", "high", "urgent");

    @ObjectClassDefinition(name = "KPI: Resolution time")
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
    public ResolutionTime(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public ResolutionTime(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** Tickets resolved in the period (of the configured priority); {@code t} is the alias with its dot, or "". */
    private static String resolvedInPeriod(String t, Settings s) {
        return t + "resolved_at >= :from AND " + t + "resolved_at < :to"
                + (s.everyPriority() ? "" : " AND " + t + "priority = :priority");
    }

    private static String hours(String t) {
        return "(" + t + "resolved_at - " + t + "created_at) / 3600.0";
    }

    private static Map<String, Object> params(Settings s) {
        return s.everyPriority() ? Map.of() : Map.of("priority", s.priority());
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        String which = s.everyPriority() ? "tickets" : s.priority() + "-priority tickets";
        return KpiDefinition.builder("resolution-time")
                .name("Resolution time")
                .category(Category.SUPPORT)
                .unit(Unit.HOURS)
                .direction(Direction.LOWER_IS_BETTER)
                .description("How long support takes to resolve a ticket, in hours (median).")
                .formula("median (and p90) of (resolved_at - created_at) in hours over the " + which
                        + " resolved in the period")
                .parameter("priority", s.priority(), Settings.DEFAULT.priority(),
                        "only tickets of this priority (low, normal, high, urgent); empty = every priority")
                .needs("tickets")
                .drillDown("slowest")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        String resolved = "SELECT " + hours("") + " AS x FROM tickets WHERE " + resolvedInPeriod("", s);
        Row row = store.queryRow(Percentiles.sql(resolved, store.dialect(), 0.5, 0.9), query, params(s));
        long resolvedCount = Percentiles.count(row);
        if (resolvedCount == 0) {
            return KpiResult.noData("no " + (s.everyPriority() ? "" : s.priority() + "-priority ") + "ticket resolved in "
                    + query.period() + " for " + query.segment());
        }
        Double[] p = Percentiles.read(row, 0.5, 0.9);
        return KpiResult.value(p[0], resolvedCount)
                .with("p90", p[1])
                .with("resolved", resolvedCount);
    }

    /** The tickets resolved in the period, slowest first; tickets without a customer are listed too. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", t.external_id AS ticket, t.priority AS priority, "
                + hours("t.") + " AS hours, " + dialect.isoTime("t.created_at") + " AS created, "
                + dialect.isoTime("t.resolved_at") + " AS resolved\n"
                + "FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id\n"
                + "WHERE " + resolvedInPeriod("t.", s) + "\n"
                + "ORDER BY hours DESC, t.resolved_at, t.id";
        return store.table("tickets", "Slowest resolutions, " + query.period(), text, query, params(s),
                CustomerColumns.with(KpiTable.Column.text("ticket", "TICKET"), KpiTable.Column.text("priority", "PRIORITY"),
                        KpiTable.Column.number("hours", "HOURS", Unit.HOURS), KpiTable.Column.text("created", "CREATED"),
                        KpiTable.Column.text("resolved", "RESOLVED")),
                drillDown);
    }
}
