package io.vitals.kpi.onboarding;

import java.util.HashMap;
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
import io.vitals.store.SqlDialect;

/**
 * Onboarding completion rate: of the customers who started onboarding in the period, the share
 * that completed it.
 *
 * <p>A customer's start is its earliest {@code started} milestone, ever; the customer is a starter
 * of the period that start falls in (a restarted onboarding does not make it a starter again
 * later). It completed when it has a {@code completed} milestone at or after its start, at any time
 * up to now, also after the period ("by now"), so a recent period's rate can still rise; with
 * {@code withinDays} above 0 the completion must also come no later than that many days (of 86,400
 * seconds) after the start. A {@code completed} milestone before the start does not count. No
 * starters is "no data"; starters and no completion is a real 0.
 */
@Component(service = Kpi.class, configurationPid = OnboardingCompletion.PID, property = Kpi.ID_PROPERTY + "=onboarding-completion")
@Designate(ocd = OnboardingCompletion.Config.class)
public class OnboardingCompletion implements Kpi {

    static final String PID = "vitals.kpi.onboarding_completion";

    @ObjectClassDefinition(name = "KPI: Onboarding completion rate")
    public @interface Config {
        @AttributeDefinition(description = "Days after its start within which onboarding must complete to count; 0: no limit.")
        int withinDays() default 0;
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(int withinDays) {
        public static final Settings DEFAULT = new Settings(0);

        public Settings {
            if (withinDays < 0) {
                throw new IllegalArgumentException("withinDays must be 0 (no limit) or more, got " + withinDays);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.withinDays());
        }
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public OnboardingCompletion(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public OnboardingCompletion(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** The period's starters with their start, first completion after it and whether it counts, as CTE {@code judged}. */
    private static String judged(Settings s, Map<String, Object> params) {
        String inTime = "";
        if (s.withinDays() > 0) {
            params.put("withinSeconds", s.withinDays() * 86_400L);
            inTime = " AND completed_at <= started_at + :withinSeconds";
        }
        return """
                WITH starts AS (
                  SELECT customer_id, min(occurred_at) AS started_at FROM onboarding_milestones
                  WHERE milestone = 'started' GROUP BY customer_id
                ),
                starters AS (
                  SELECT s.customer_id, s.started_at,
                         (SELECT min(m.occurred_at) FROM onboarding_milestones m
                          WHERE m.customer_id = s.customer_id AND m.milestone = 'completed'
                            AND m.occurred_at >= s.started_at) AS completed_at
                  FROM starts s WHERE s.started_at >= :from AND s.started_at < :to
                ),
                judged AS (
                  SELECT customer_id, started_at, completed_at,
                         CASE WHEN completed_at IS NOT NULL%s THEN 1 ELSE 0 END AS done
                  FROM starters
                )
                """.formatted(inTime);
    }

    private static String completedInWords(Settings s) {
        return s.withinDays() == 0 ? "at any time since (up to now)"
                : "no later than " + s.withinDays() + " day" + (s.withinDays() == 1 ? "" : "s") + " after it";
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("onboarding-completion")
                .name("Onboarding completion rate")
                .category(Category.ENGAGEMENT)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of customers who started onboarding in the period and completed it.")
                .formula("customers whose first 'started' milestone is in the period and who have a 'completed' milestone at or"
                        + " after it, " + completedInWords(s) + " / customers whose first 'started' milestone is in the period x 100")
                .parameter("withinDays", s.withinDays(), Settings.DEFAULT.withinDays(),
                        "days after the start within which completion counts; 0: no limit")
                .needs("onboarding_milestones")
                .drillDown("not-completed", "completed")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Map<String, Object> params = new HashMap<>();
        String sql = judged(settings, params)
                + "SELECT count(*) AS started, count(*) FILTER (WHERE done = 1) AS completed FROM judged";
        Row row = store.queryRow(sql, query, params);
        long started = row.count("started");
        long completed = row.count("completed");
        return KpiResult.ratio(completed, started, 100, started,
                        "no customers started onboarding in " + query.period() + " for " + query.segment())
                .with("started", started)
                .with("completed", completed);
    }

    /** The period's starters that did (or did not) complete, in the order they started. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        SqlDialect dialect = store.dialect();
        Map<String, Object> params = new HashMap<>();
        boolean completed = drillDown.subset().equals("completed");
        String sql = judged(settings, params)
                + "SELECT " + CustomerColumns.SQL + ", " + dialect.isoDate("j.started_at") + " AS started, "
                + dialect.isoDate("j.completed_at") + " AS completed\n"
                + "FROM judged j JOIN customers c ON c.id = j.customer_id\n"
                + "WHERE j.done = " + (completed ? 1 : 0) + "\n"
                + "ORDER BY j.started_at, c.id";
        return store.table("customers", "Onboarding " + drillDown.subset() + ", started in " + query.period(), sql, query, params,
                CustomerColumns.with(KpiTable.Column.text("started", "STARTED"), KpiTable.Column.text("completed", "COMPLETED")),
                drillDown);
    }
}
