package io.vitals.kpi.ttfv;

import java.util.Map;

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
 * Time to first value: the median number of days from a customer's signup to its first value
 * event, over the customers who signed up in the period ({@code signup_at} in {@code [from, to)}).
 *
 * <p>The first value event is the customer's earliest usage event named {@code valueEvent} at or
 * after its signup, by any of its users, at any time up to now: a customer who signed up in March
 * and got there in April counts for March ("by now"), so a recent period's figure can still move.
 * Value events before signup do not count. Days are real days ({@code (first - signup) / 86400}).
 * Customers without a value event yet are not in the median; they are counted in {@code notYet}.
 * No customer that got there is "no data".
 */
@Component(service = Kpi.class, configurationPid = TimeToFirstValue.PID, property = Kpi.ID_PROPERTY + "=time-to-first-value")
@Designate(ocd = TimeToFirstValue.Config.class)
public class TimeToFirstValue implements Kpi {

    static final String PID = "vitals.kpi.time_to_first_value";

    @ObjectClassDefinition(name = "KPI: Time to first value")
    public @interface Config {
        @AttributeDefinition(description = "The usage event that marks a customer's first value.")
        String valueEvent() default "create_report";
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(String valueEvent) {
        public static final Settings DEFAULT = new Settings("create_report");

        public Settings {
            if (valueEvent == null || valueEvent.isBlank()) {
                throw new IllegalArgumentException("valueEvent must name a usage event, e.g. create_report; got '" + valueEvent + "'");
            }
            valueEvent = valueEvent.trim();
        }

        static Settings of(Config c) {
            return new Settings(c.valueEvent());
        }
    }

    private static final String SIGNED_UP = "c.signup_at >= :from AND c.signup_at < :to";

    /**
     * A customer's value events that count: the value event, at or after its signup. Signups are in
     * the period, so such an event is at or after its start too; saying so lets the database read
     * usage from the period's start on instead of all of it (October on 1 M customers: 8 s to 0.5 s).
     */
    private static final String VALUE_EVENT = "e.customer_id = c.id AND e.event = :valueEvent"
            + " AND e.occurred_at >= c.signup_at AND e.occurred_at >= :from";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public TimeToFirstValue(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public TimeToFirstValue(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("time-to-first-value")
                .name("Time to first value")
                .category(Category.ENGAGEMENT)
                .unit(Unit.DAYS)
                .direction(Direction.LOWER_IS_BETTER)
                .description("How long new customers take to get their first value from the product.")
                .formula("median days from signup to the first '" + s.valueEvent() + "' usage event at or after it (up to now),"
                        + " over the customers who signed up in the period and have had one; also p90, and how many have not yet")
                .parameter("valueEvent", s.valueEvent(), Settings.DEFAULT.valueEvent(), "the usage event that marks first value")
                .needs("customers", "usage_events")
                .drillDown("not-yet", "reached")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        Map<String, Object> params = Map.of("valueEvent", s.valueEvent());
        String days = "SELECT " + dialect.daysBetween("c.signup_at", "min(e.occurred_at)") + " AS x\n"
                + "FROM customers c JOIN usage_events e ON " + VALUE_EVENT + "\n"
                + "WHERE " + SIGNED_UP + "\n"
                + "GROUP BY c.id, c.signup_at";
        Row percentiles = store.queryRow(Percentiles.sql(days, dialect, 0.5, 0.9), query, params);
        long signedUp = store.queryRow("SELECT count(*) AS signed_up FROM customers c WHERE " + SIGNED_UP, query, params)
                .count("signed_up");
        long reached = Percentiles.count(percentiles);
        if (reached == 0) {
            return KpiResult.noData((signedUp == 0 ? "no customers signed up in " + query.period()
                    : "none of the " + signedUp + " customers who signed up in " + query.period() + " has had a '"
                            + s.valueEvent() + "' event yet") + " for " + query.segment());
        }
        Double[] p = Percentiles.read(percentiles, 0.5, 0.9);
        return KpiResult.value(p[0], reached)
                .with("p90", p[1])
                .with("reached", reached)
                .with("notYet", signedUp - reached);
    }

    /** The customers who signed up in the period: those still waiting (longest first), or those who got there (slowest first). */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        Map<String, Object> params = Map.of("valueEvent", s.valueEvent());
        if (drillDown.subset().equals("reached")) {
            String sql = "SELECT " + CustomerColumns.SQL + ", " + dialect.isoDate("c.signup_at") + " AS signed_up,\n"
                    + "       " + dialect.daysBetween("c.signup_at", "min(e.occurred_at)") + " AS days\n"
                    + "FROM customers c JOIN usage_events e ON " + VALUE_EVENT + "\n"
                    + "WHERE " + SIGNED_UP + "\n"
                    + "GROUP BY c.id, c.external_id, c.name, c.plan, c.region, c.csm_owner, c.signup_at\n"
                    + "ORDER BY days DESC, c.id";
            return store.table("customers", "Reached first value ('" + s.valueEvent() + "'), signed up in " + query.period(),
                    sql, query, params, CustomerColumns.with(KpiTable.Column.text("signed_up", "SIGNED UP"),
                            KpiTable.Column.number("days", "DAYS", Unit.DAYS)),
                    drillDown);
        }
        String sql = "SELECT " + CustomerColumns.SQL + ", " + dialect.isoDate("c.signup_at") + " AS signed_up\n"
                + "FROM customers c\n"
                + "WHERE " + SIGNED_UP + " AND NOT EXISTS (SELECT 1 FROM usage_events e WHERE " + VALUE_EVENT + ")\n"
                + "ORDER BY c.signup_at, c.id";
        return store.table("customers", "No first value ('" + s.valueEvent() + "') yet, signed up in " + query.period(),
                sql, query, params, CustomerColumns.with(KpiTable.Column.text("signed_up", "SIGNED UP")), drillDown);
    }
}
