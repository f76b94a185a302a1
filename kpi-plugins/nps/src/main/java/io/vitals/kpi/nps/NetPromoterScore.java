package io.vitals.kpi.nps;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Category;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Direction;
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
 * Net Promoter Score: the share of promoters minus the share of detractors among the NPS responses
 * answered in the period. Passives count in the denominator. Configured by
 * {@code etc/vitals.kpi.nps.cfg}.
 */
@Component(service = Kpi.class, configurationPid = NetPromoterScore.PID, property = Kpi.ID_PROPERTY + "=nps")
@Designate(ocd = NetPromoterScore.Config.class)
public class NetPromoterScore implements Kpi {

    static final String PID = "vitals.kpi.nps";

    @ObjectClassDefinition(name = "KPI: Net Promoter Score")
    public @interface Config {
        @AttributeDefinition(description = "Lowest point of the scale responses are counted on.")
        int scaleMin() default 0;

        @AttributeDefinition(description = "Highest point of the scale.")
        int scaleMax() default 10;

        @AttributeDefinition(description = "Lowest score of a promoter.")
        int promoterMin() default 9;

        @AttributeDefinition(description = "Highest score of a detractor.")
        int detractorMax() default 6;

        @AttributeDefinition(description = "Count every response, or only each customer's latest in the period.")
        Counting counting() default Counting.EVERY_RESPONSE;
    }

    public enum Counting {
        EVERY_RESPONSE, LATEST_PER_CUSTOMER
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(int scaleMin, int scaleMax, int promoterMin, int detractorMax, Counting counting) {
        public static final Settings DEFAULT = new Settings(0, 10, 9, 6, Counting.EVERY_RESPONSE);

        public Settings {
            if (!(scaleMin <= detractorMax && detractorMax < promoterMin && promoterMin <= scaleMax)) {
                throw new IllegalArgumentException("NPS cut-offs must satisfy scaleMin <= detractorMax < promoterMin <= scaleMax; got "
                        + scaleMin + " <= " + detractorMax + " < " + promoterMin + " <= " + scaleMax);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.scaleMin(), c.scaleMax(), c.promoterMin(), c.detractorMax(), c.counting());
        }
    }

    /** The NPS responses on the configured scale answered in the period; {@code r} is the table alias with its dot, or "". */
    private static String responsesInPeriod(String r) {
        return r + "survey_type = 'nps' AND " + r + "scale_min = :scaleMin AND " + r + "scale_max = :scaleMax AND "
                + r + "answered_at >= :from AND " + r + "answered_at < :to";
    }

    private static final String FILTER = responsesInPeriod("");

    private static final String EVERY_RESPONSE = """
            SELECT count(*) AS responses,
                   count(*) FILTER (WHERE score >= :promoterMin) AS promoters,
                   count(*) FILTER (WHERE score <= :detractorMax) AS detractors
            FROM survey_responses
            WHERE
            """ + FILTER;

    /** Unmatched respondents (no customer) each count as their own respondent. */
    private static final String LATEST_PER_CUSTOMER = """
            WITH latest AS (
              SELECT score, row_number() OVER (PARTITION BY coalesce(customer_id, -id)
                                               ORDER BY answered_at DESC, id DESC) AS newest
              FROM survey_responses
              WHERE
            """ + FILTER + """
            )
            SELECT count(*) AS responses,
                   count(*) FILTER (WHERE score >= :promoterMin) AS promoters,
                   count(*) FILTER (WHERE score <= :detractorMax) AS detractors
            FROM latest WHERE newest = 1""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public NetPromoterScore(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public NetPromoterScore(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        Settings d = Settings.DEFAULT;
        return KpiDefinition.builder("nps")
                .name("Net Promoter Score")
                .category(Category.SATISFACTION)
                .unit(Unit.SCORE)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How likely customers are to recommend you, from -100 (all detractors) to 100 (all promoters).")
                .formula("% promoters (score >= " + s.promoterMin() + ") - % detractors (score <= " + s.detractorMax()
                        + ") over " + (s.counting() == Counting.EVERY_RESPONSE ? "every NPS response" : "each customer's latest NPS response")
                        + " on the " + s.scaleMin() + "-" + s.scaleMax() + " scale answered in the period; passives count in the denominator")
                .parameter("scaleMin", s.scaleMin(), d.scaleMin(), "lowest point of the scale")
                .parameter("scaleMax", s.scaleMax(), d.scaleMax(), "highest point of the scale")
                .parameter("promoterMin", s.promoterMin(), d.promoterMin(), "lowest promoter score")
                .parameter("detractorMax", s.detractorMax(), d.detractorMax(), "highest detractor score")
                .parameter("counting", s.counting(), d.counting(), "EVERY_RESPONSE or LATEST_PER_CUSTOMER")
                .needs("survey_responses (survey_type 'nps')")
                .drillDown("detractors", "passives", "promoters", "all")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(s.counting() == Counting.EVERY_RESPONSE ? EVERY_RESPONSE : LATEST_PER_CUSTOMER, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(),
                        "promoterMin", s.promoterMin(), "detractorMax", s.detractorMax()));
        long responses = row.count("responses");
        long promoters = row.count("promoters");
        long detractors = row.count("detractors");
        return KpiResult.ratio(promoters - detractors, responses, 100, responses,
                        "no NPS responses answered in " + query.period() + " for " + query.segment())
                .with("promoters", promoters)
                .with("passives", responses - promoters - detractors)
                .with("detractors", detractors);
    }

    /** The responses behind the score, one row each, lowest scores first; unmatched respondents by e-mail. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        String subset = switch (drillDown.subset()) {
            case "detractors" -> "r.score <= :detractorMax";
            case "passives" -> "r.score > :detractorMax AND r.score < :promoterMin";
            case "promoters" -> "r.score >= :promoterMin";
            default -> "1 = 1";
        };
        SqlDialect sql = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", r.score AS score, " + sql.isoTime("r.answered_at") + " AS answered,"
                + " r.respondent_email AS respondent\n"
                + "FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id\n"
                + "WHERE " + responsesInPeriod("r.") + " AND " + subset + "\nORDER BY r.score, r.answered_at DESC";
        return store.table("responses", "NPS " + drillDown.subset() + ", " + query.period(), text, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(), "promoterMin", s.promoterMin(),
                        "detractorMax", s.detractorMax()),
                CustomerColumns.with(KpiTable.Column.number("score", "SCORE", Unit.SCORE),
                        KpiTable.Column.text("answered", "ANSWERED"), KpiTable.Column.text("respondent", "RESPONDENT")),
                drillDown);
    }
}
