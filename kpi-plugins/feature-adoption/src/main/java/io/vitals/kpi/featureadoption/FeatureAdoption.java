package io.vitals.kpi.featureadoption;

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
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.store.CustomerColumns;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;
import io.vitals.store.SqlLists;

/**
 * Feature adoption: for each feature, the accounts (or users) that used it in the period / the
 * active accounts (or users) x 100, answered as the table {@code features}; the KPI's value is the
 * mean of those shares over the features.
 *
 * <p>Active accounts are the customers with any usage event in the period, excluded events (such
 * as a login) included: an account that only logged in is active and has adopted nothing. With
 * {@code per = USER} the unit is a user (a user id within its customer account) instead. The
 * features are the distinct event names seen in the period, minus {@code exclude}; a feature
 * nobody used in the period is not listed. No active account, or no feature, is "no data"; the
 * sample size is the number of active accounts (or users).
 */
@Component(service = Kpi.class, configurationPid = FeatureAdoption.PID, property = Kpi.ID_PROPERTY + "=feature-adoption")
@Designate(ocd = FeatureAdoption.Config.class)
public class FeatureAdoption implements Kpi {

    static final String PID = "vitals.kpi.feature_adoption";

    @ObjectClassDefinition(name = "KPI: Feature adoption rate")
    public @interface Config {
        @AttributeDefinition(description = "Count adoption per ACCOUNT (customer) or per USER.")
        Per per() default Per.ACCOUNT;

        @AttributeDefinition(description = "Comma-separated event names that are not features (they still make an account active).")
        String exclude() default "login";
    }

    public enum Per {
        ACCOUNT, USER
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(Per per, String exclude) {
        public static final Settings DEFAULT = new Settings(Per.ACCOUNT, "login");

        /** Normalises the exclusions (trimmed, no blanks, no repeats) so the formula shows them plainly. */
        public Settings {
            if (per == null) {
                throw new IllegalArgumentException("per must be ACCOUNT or USER, got null");
            }
            if (exclude == null) {
                throw new IllegalArgumentException("exclude must be a comma-separated list of event names, or \"\" for none; got null");
            }
            exclude = String.join(",", names(exclude));
        }

        public List<String> excludeList() {
            return names(exclude);
        }

        static Settings of(Config c) {
            return new Settings(c.per(), c.exclude());
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

    /** {@code NOT (column IN (:exclude0, ...))}, or a condition always true when nothing is excluded. */
    private static String isFeature(String column, Settings s, Map<String, Object> params) {
        List<String> excluded = s.excludeList();
        return excluded.isEmpty() ? "1 = 1" : "NOT (" + SqlLists.in(column, "exclude", excluded, params) + ")";
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public FeatureAdoption(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public FeatureAdoption(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    private static String unit(Settings s) {
        return s.per() == Per.ACCOUNT ? "accounts" : "users";
    }

    private static String features(Settings s) {
        return "the distinct events of the period" + (s.exclude().isEmpty() ? "" : " other than " + s.exclude().replace(",", ", "));
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        Settings d = Settings.DEFAULT;
        return KpiDefinition.builder("feature-adoption")
                .name("Feature adoption rate")
                .category(Category.ENGAGEMENT)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How widely each feature is used by the " + unit(s) + " that use the product (table 'features').")
                .formula("per feature: " + unit(s) + " that used it in the period / " + unit(s)
                        + " with any usage event in the period x 100; features = " + features(s)
                        + "; value = the mean share over the features")
                .parameter("per", s.per(), d.per(), "ACCOUNT or USER: what is counted")
                .parameter("exclude", s.exclude(), d.exclude(), "comma-separated event names that are not features")
                .needs("usage_events")
                .drillDown("least-engaged")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Map<String, Object> params = new HashMap<>();
        String who = s.per() == Per.ACCOUNT ? "customer_id" : "customer_id, user_id";
        String sql = "WITH used AS (\n"
                + "  SELECT DISTINCT event, " + who + " FROM usage_events\n"
                + "  WHERE " + store.dialect().usageDays(":fromDay", ":toDay") + "\n"
                + "),\n"
                + "active AS (SELECT count(*) AS n FROM (SELECT DISTINCT " + who + " FROM used) w),\n"
                + "adoption AS (\n"
                + "  SELECT event AS feature, count(*) AS adopters FROM used WHERE " + isFeature("event", s, params) + " GROUP BY event\n"
                + ")\n"
                + "SELECT a.n AS active, f.feature AS feature, f.adopters AS adopters,\n"
                + "       count(f.feature) OVER () AS feature_count,\n"
                + "       avg(CAST(f.adopters AS DOUBLE PRECISION)) OVER () AS mean_adopters\n"
                + "FROM active a LEFT JOIN adoption f ON 1 = 1\n"
                + "ORDER BY f.adopters DESC, f.feature";
        List<Row> rows = store.query(sql, query, params, Row::copy);
        long active = rows.get(0).count("active");
        if (active == 0) {
            return KpiResult.noData("no usage events in " + query.period() + " for " + query.segment());
        }
        if (rows.get(0).string("feature") == null) {
            return KpiResult.noData("no features used in " + query.period() + " for " + query.segment() + " (features are "
                    + features(s) + ")");
        }
        // one row per feature, already in order: the most adopted first (share follows adopters), then by name
        List<List<Object>> table = new ArrayList<>();
        for (Row row : rows) {
            long adopters = row.count("adopters");
            table.add(List.of(row.string("feature"), adopters, 100.0 * adopters / active));
        }
        // the mean share is the mean number of adopters per feature over the active accounts
        double meanShare = 100.0 * rows.get(0).doubleValue("mean_adopters") / active;
        return KpiResult.value(meanShare, active)
                .with("features", rows.get(0).count("feature_count"))
                .with("activeAccounts", active)
                .with(new KpiTable("features", "Feature adoption by " + unit(s) + ", " + query.period(), List.of(
                        KpiTable.Column.text("feature", "FEATURE"),
                        KpiTable.Column.number("accounts", s.per() == Per.ACCOUNT ? "ACCOUNTS" : "USERS", Unit.COUNT),
                        KpiTable.Column.number("share", "SHARE", Unit.PERCENT)), table));
    }

    /** Active customers, those using the fewest features first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        Map<String, Object> params = new HashMap<>();
        String sql = "SELECT " + CustomerColumns.SQL + ",\n"
                + "       count(DISTINCT CASE WHEN " + isFeature("e.event", s, params) + " THEN e.event END) AS features_used,\n"
                + "       sum(e.event_count) AS events\n"
                + "FROM usage_events e JOIN customers c ON c.id = e.customer_id\n"
                + "WHERE e.occurred_at >= :from AND e.occurred_at < :to\n"
                + "GROUP BY c.id, c.external_id, c.name, c.plan, c.region, c.csm_owner\n"
                + "ORDER BY features_used, events, c.id";
        return store.table("customers", "Least-engaged active customers, " + query.period(), sql, query, params,
                CustomerColumns.with(KpiTable.Column.number("features_used", "FEATURES", Unit.COUNT),
                        KpiTable.Column.number("events", "EVENTS", Unit.COUNT)),
                drillDown);
    }
}
