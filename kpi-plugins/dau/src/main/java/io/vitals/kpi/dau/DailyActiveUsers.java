package io.vitals.kpi.dau;

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
 * Daily active users, averaged over the period: the number of distinct (user, day) pairs with a
 * qualifying usage event in the period, divided by the number of days in the period. Days on which
 * nobody was active count as 0, so a quiet weekend lowers the average.
 *
 * <p>A day is a UTC calendar day. A user is a user id within its customer account. A qualifying
 * event is one whose name is in {@code events}, or any event when {@code events} is empty. A period
 * without a single qualifying event is "no data"; the answer carries the numerator (active
 * user-days) and denominator (days), and its sample size is the number of distinct active users.
 */
@Component(service = Kpi.class, configurationPid = DailyActiveUsers.PID, property = Kpi.ID_PROPERTY + "=dau")
@Designate(ocd = DailyActiveUsers.Config.class)
public class DailyActiveUsers implements Kpi {

    static final String PID = "vitals.kpi.dau";

    @ObjectClassDefinition(name = "KPI: Daily active users")
    public @interface Config {
        @AttributeDefinition(description = "Comma-separated event names that make a user active; empty: every event.")
        String events() default "";
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(String events) {
        public static final Settings DEFAULT = new Settings("");

        /** Normalises the list (trimmed, no blanks, no repeats) so the formula shows it plainly. */
        public Settings {
            if (events == null) {
                throw new IllegalArgumentException("events must be a comma-separated list of event names, or \"\" for every event; got null");
            }
            events = String.join(",", names(events));
        }

        public List<String> eventList() {
            return names(events);
        }

        static Settings of(Config c) {
            return new Settings(c.events());
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
    public DailyActiveUsers(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public DailyActiveUsers(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    private static String qualifying(Settings s) {
        return s.events().isEmpty() ? "any usage event" : "a usage event named one of: " + s.events().replace(",", ", ");
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("dau")
                .name("Daily active users")
                .category(Category.ENGAGEMENT)
                .unit(Unit.COUNT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How many people use the product on an average day of the period.")
                .formula("distinct (user, UTC day) pairs with " + qualifying(s)
                        + " in the period / days in the period; days with nobody active count as 0")
                .parameter("events", s.events(), Settings.DEFAULT.events(),
                        "comma-separated event names that make a user active; empty: every event")
                .needs("usage_events")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Map<String, Object> params = new HashMap<>();
        // no events named: every event makes a user active
        String filter = s.eventList().isEmpty() ? "" : " AND " + SqlLists.in("event", "event", s.eventList(), params);
        String inPeriod = store.dialect().usageDays(":fromDay", ":toDay") + filter;
        String sql = "WITH per_day AS (\n"
                + "  SELECT day, count(*) AS active FROM (\n"
                + "    SELECT DISTINCT occurred_at / 86400 AS day, customer_id, user_id FROM usage_events\n"
                + "    WHERE " + inPeriod + "\n"
                + "  ) d GROUP BY day\n"
                + ")\n"
                + "SELECT (SELECT coalesce(sum(active), 0) FROM per_day) AS user_days,\n"
                + "       (SELECT max(active) FROM per_day) AS peak_dau,\n"
                + "       (SELECT count(*) FROM (SELECT DISTINCT customer_id, user_id FROM usage_events\n"
                + "                              WHERE " + inPeriod + ") u) AS active_users";
        Row row = store.queryRow(sql, query, params);
        long userDays = row.count("user_days");
        long activeUsers = row.count("active_users");
        long days = query.period().days();
        if (userDays == 0) {
            return KpiResult.noData("no users with " + qualifying(s) + " in " + query.period() + " for " + query.segment());
        }
        return KpiResult.ratio(userDays, days, 1, activeUsers, "no days in " + query.period())
                .with("activeUserDays", userDays)
                .with("days", days)
                .with("peakDau", row.count("peak_dau"))
                .with("activeUsers", activeUsers);
    }
}
