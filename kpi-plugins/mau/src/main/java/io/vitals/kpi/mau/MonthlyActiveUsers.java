package io.vitals.kpi.mau;

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
 * Monthly active users at the end of the period: the distinct users with a qualifying usage event
 * in the {@code windowDays} UTC days that end at the period's end, {@code [to - windowDays days, to)}.
 * The window is anchored at the period end whatever the period's length, so it may reach back
 * before the period's start (a one-week period still looks at 30 days) or cover only its last part.
 *
 * <p>A user is a user id within its customer account. A qualifying event is one whose name is in
 * {@code events}, or any event when {@code events} is empty. A window without a qualifying event is
 * "no data".
 */
@Component(service = Kpi.class, configurationPid = MonthlyActiveUsers.PID, property = Kpi.ID_PROPERTY + "=mau")
@Designate(ocd = MonthlyActiveUsers.Config.class)
public class MonthlyActiveUsers implements Kpi {

    static final String PID = "vitals.kpi.mau";

    @ObjectClassDefinition(name = "KPI: Monthly active users")
    public @interface Config {
        @AttributeDefinition(description = "Comma-separated event names that make a user active; empty: every event.")
        String events() default "";

        @AttributeDefinition(description = "Length in days of the window that ends at the period end (at least 1).")
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
    public MonthlyActiveUsers(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public MonthlyActiveUsers(MetricStore store, Settings settings) {
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
        return KpiDefinition.builder("mau")
                .name("Monthly active users")
                .category(Category.ENGAGEMENT)
                .unit(Unit.COUNT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How many people used the product in the last " + s.windowDays() + " days of the period.")
                .formula("distinct users with " + qualifying(s) + " in the " + s.windowDays()
                        + " days ending at the period end, [to - " + s.windowDays() + " days, to)")
                .parameter("events", s.events(), d.events(), "comma-separated event names that make a user active; empty: every event")
                .parameter("windowDays", s.windowDays(), d.windowDays(), "days in the window that ends at the period end")
                .needs("usage_events")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        LocalDate windowFrom = query.period().to().minusDays(s.windowDays());
        Map<String, Object> params = new HashMap<>();
        params.put("windowFromDay", windowFrom.toEpochDay());
        // no events named: every event makes a user active
        String filter = s.eventList().isEmpty() ? "" : " AND " + SqlLists.in("event", "event", s.eventList(), params);
        String sql = "SELECT count(*) AS active_users FROM (\n"
                + "  SELECT DISTINCT customer_id, user_id FROM usage_events\n"
                + "  WHERE " + store.dialect().usageDays(":windowFromDay", ":toDay") + filter + "\n"
                + ") u";
        Row row = store.queryRow(sql, query, params);
        long mau = row.count("active_users");
        if (mau == 0) {
            return KpiResult.noData("no users with " + qualifying(s) + " in the " + s.windowDays() + " days " + windowFrom
                    + ".." + query.period().to() + " (ending at the end of " + query.period() + ") for " + query.segment());
        }
        return KpiResult.value(mau, mau)
                .with("windowFrom", windowFrom.toString())
                .with("windowDays", (long) s.windowDays());
    }
}
