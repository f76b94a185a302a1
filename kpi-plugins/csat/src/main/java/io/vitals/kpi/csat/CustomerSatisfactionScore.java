package io.vitals.kpi.csat;

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
 * Customer Satisfaction Score: satisfied responses over all CSAT responses in the period, as a
 * percentage. By default a 1-5 scale where 4 and 5 are satisfied; 0-10 with 9-10 is the other common form.
 * Only responses on the configured scale count. The drill-down lists the responses behind the
 * number (the unsatisfied ones by default), unmatched respondents included.
 */
@Component(service = Kpi.class, configurationPid = CustomerSatisfactionScore.PID, property = Kpi.ID_PROPERTY + "=csat")
@Designate(ocd = CustomerSatisfactionScore.Config.class)
public class CustomerSatisfactionScore implements Kpi {

    static final String PID = "vitals.kpi.csat";

    @ObjectClassDefinition(name = "KPI: Customer Satisfaction Score")
    public @interface Config {
        @AttributeDefinition(description = "Lowest point of the scale responses are counted on.")
        int scaleMin() default 1;

        @AttributeDefinition(description = "Highest point of the scale.")
        int scaleMax() default 5;

        @AttributeDefinition(description = "Lowest score that counts as satisfied.")
        int satisfiedMin() default 4;
    }

    public record Settings(int scaleMin, int scaleMax, int satisfiedMin) {
        public static final Settings DEFAULT = new Settings(1, 5, 4);

        public Settings {
            if (!(scaleMin < satisfiedMin && satisfiedMin <= scaleMax)) {
                throw new IllegalArgumentException("CSAT needs scaleMin < satisfiedMin <= scaleMax; got "
                        + scaleMin + " < " + satisfiedMin + " <= " + scaleMax);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.scaleMin(), c.scaleMax(), c.satisfiedMin());
        }
    }

    /** The CSAT responses on the configured scale answered in the period; {@code r} is the table alias with its dot, or "". */
    private static String responsesInPeriod(String r) {
        return r + "survey_type = 'csat' AND " + r + "scale_min = :scaleMin AND " + r + "scale_max = :scaleMax AND "
                + r + "answered_at >= :from AND " + r + "answered_at < :to";
    }

    private static final String SQL = """
            SELECT count(*) AS responses,
                   count(*) FILTER (WHERE score >= :satisfiedMin) AS satisfied
            FROM survey_responses
            WHERE
            """ + responsesInPeriod("");

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CustomerSatisfactionScore(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CustomerSatisfactionScore(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        Settings d = Settings.DEFAULT;
        return KpiDefinition.builder("csat")
                .name("Customer Satisfaction Score")
                .category(Category.SATISFACTION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of CSAT survey answers that say the customer was satisfied.")
                .formula("responses scoring " + s.satisfiedMin() + "-" + s.scaleMax() + " / all CSAT responses on the "
                        + s.scaleMin() + "-" + s.scaleMax() + " scale answered in the period x 100")
                .parameter("scaleMin", s.scaleMin(), d.scaleMin(), "lowest point of the scale")
                .parameter("scaleMax", s.scaleMax(), d.scaleMax(), "highest point of the scale")
                .parameter("satisfiedMin", s.satisfiedMin(), d.satisfiedMin(), "lowest satisfied score")
                .needs("survey_responses (survey_type 'csat')")
                .drillDown("unsatisfied", "satisfied", "all")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(SQL, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(), "satisfiedMin", s.satisfiedMin()));
        long responses = row.count("responses");
        long satisfied = row.count("satisfied");
        return KpiResult.ratio(satisfied, responses, 100, responses,
                        "no CSAT responses answered in " + query.period() + " for " + query.segment())
                .with("satisfied", satisfied)
                .with("notSatisfied", responses - satisfied);
    }

    /** The responses behind the score, one row each, lowest scores first; unmatched respondents by e-mail. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        String subset = switch (drillDown.subset()) {
            case "unsatisfied" -> "r.score < :satisfiedMin";
            case "satisfied" -> "r.score >= :satisfiedMin";
            default -> "1 = 1";
        };
        SqlDialect sql = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", r.score AS score, " + sql.isoTime("r.answered_at") + " AS answered,"
                + " r.respondent_email AS respondent\n"
                + "FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id\n"
                + "WHERE " + responsesInPeriod("r.") + " AND " + subset + "\nORDER BY r.score, r.answered_at DESC";
        return store.table("responses", "CSAT " + drillDown.subset() + ", " + query.period(), text, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(), "satisfiedMin", s.satisfiedMin()),
                CustomerColumns.with(KpiTable.Column.number("score", "SCORE", Unit.SCORE),
                        KpiTable.Column.text("answered", "ANSWERED"), KpiTable.Column.text("respondent", "RESPONDENT")),
                drillDown);
    }
}
