package io.vitals.kpi.stickiness;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Unit;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;
import io.vitals.store.SqlLists;

/**
 * Stickiness, DAU / MAU x 100: how much of the monthly audience comes back day after day.
 *
 * <p>Average DAU is as the {@code dau} KPI defines it: distinct (user, UTC day) pairs with a
 * qualifying event in the period / days in the period, quiet days counting as 0. MAU is as the
 * {@code mau} KPI defines it: distinct users with a qualifying event in {@code [to - windowDays
 * days, to)}, a window anchored at the period end. Both are computed here in one aggregate query,
 * independently of those bundles. A user is a user id within its customer account; a qualifying
 * event is one named in {@code events}, or any event when it is empty. No MAU is "no data"; MAU
 * without any activity inside the period is a real 0. A window shorter than the period can give
 * more than 100.
 */
@Component(service = Kpi.class, configurationPid = Stickiness.PID, property = Kpi.ID_PROPERTY + "=stickiness")
@Designate(ocd = Stickiness.Config.class)
public class Stickiness implements Kpi {

    static final String PID = "vitals.kpi.stickiness";

    @ObjectClassDefinition(name = "KPI: Stickiness (DAU / MAU)")
    public @interface Config {
        @AttributeDefinition(description = "Comma-separated event names that make a user active; empty: every event.")
        String events() default "";

        @AttributeDefinition(description = "Length in days of the MAU window that ends at the period end (at least 1).")
        int windowDays() default 30;
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(String events, int windowDays) {
        public static final Settings DEFAULT = new Settings("", 30);

        /** Normalises the event list (trimmed, no blanks, no repeats) so the formula shows it plainly. */
        public Settings {
            if (events == null) {
                throw new IllegalArgumentException("events must be a comma-separated list of event names, or \"\" for every event; got null");
            }
            if (windowDays < 1) {
                throw new IllegalArgumentException("windowDays must be at least 1, got " + windowDays);
            }
            events = String.join(",", names(events));
        }

        public List<String> eventList() {
            return names(events);
        }

        static Settings of(Config c) {
            return new Settings(c.events(), c.windowDays());
        }
    }

    static List<String> names(String csv) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String name : csv.split(",")) {
            if (!name.isBlank()) {
                out.add(name.trim());
            }
        }
        return new ArrayList<>(out);
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public Stickiness(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public Stickiness(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    private static String qualifying(Settings s) {
        return s.events().isEmpty() ? "any usage event" : "a usage event named one of: " + s.events().replace(",", ", ");
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        Settings d = Settings.DEFAULT;
        return KpiDefinition.builder("stickiness")
                .name("Stickiness (DAU / MAU)")
                .category(Category.ENGAGEMENT)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How many of the month's active users are active on an average day.")
                .formula("average DAU over the period / MAU at the period end x 100; active = " + qualifying(s)
                        + "; average DAU = distinct (user, UTC day) pairs in the period / days in the period;"
                        + " MAU = distinct users in the " + s.windowDays() + " days ending at the period end")
                .parameter("events", s.events(), d.events(), "comma-separated event names that make a user active; empty: every event")
                .parameter("windowDays", s.windowDays(), d.windowDays(), "days in the MAU window that ends at the period end")
                .needs("usage_events")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        LocalDate windowFrom = query.period().to().minusDays(s.windowDays());
        Map<String, Object> params = new HashMap<>();
        params.put("windowFromDay", windowFrom.toEpochDay());
        params.put("days", query.period().days());
        // no events named: every event makes a user active
        String filter = s.eventList().isEmpty() ? "" : " AND " + SqlLists.in("event", "event", s.eventList(), params);
        String sql = "WITH active_days AS (\n"
                + "  SELECT DISTINCT occurred_at / 86400 AS day, customer_id, user_id FROM usage_events\n"
                + "  WHERE " + store.dialect().usageDays(":fromDay", ":toDay") + filter + "\n"
                + "),\n"
                + "window_active AS (\n"
                + "  SELECT DISTINCT customer_id, user_id FROM usage_events\n"
                + "  WHERE " + store.dialect().usageDays(":windowFromDay", ":toDay") + filter + "\n"
                + ")\n"
                + "SELECT CAST((SELECT count(*) FROM active_days) AS DOUBLE PRECISION) / :days AS average_dau,\n"
                + "       (SELECT count(*) FROM window_active) AS mau";
        Row row = store.queryRow(sql, query, params);
        double averageDau = row.doubleValue("average_dau");
        long mau = row.count("mau");
        return KpiResult.ratio(averageDau, mau, 100, mau, "no users with " + qualifying(s) + " in the " + s.windowDays()
                        + " days " + windowFrom + ".." + query.period().to() + " (ending at the end of " + query.period()
                        + ") for " + query.segment())
                .with("averageDau", averageDau)
                .with("mau", mau);
    }
}
