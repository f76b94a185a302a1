package io.vitals.kpi.ces;

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
 * Customer Effort Score. By default the share of "easy" answers (5, 6 or 7 on a 1-7 agreement
 * scale) among all CES answers in the period; the variant is the mean effort score, where 1 is
 * the lowest effort and lower is better. Only answers on the configured scale count.
 *
 * <p>The drill-down lists the answers behind the number: "not-easy" (the default: score below
 * {@code easyMin}), "easy" (score from {@code easyMin} up) or "all", unmatched respondents included.
 * In MEAN mode the scale measures effort (1 = lowest), so "easy" is the mirror of {@code easyMin}:
 * scores up to {@code scaleMin + scaleMax - easyMin} (1-2 on a 1-5 scale with easyMin 4). The worst
 * answers come first: the lowest scores in SHARE mode, the highest in MEAN mode.
 */
@Component(service = Kpi.class, configurationPid = CustomerEffortScore.PID, property = Kpi.ID_PROPERTY + "=ces")
@Designate(ocd = CustomerEffortScore.Config.class)
public class CustomerEffortScore implements Kpi {

    static final String PID = "vitals.kpi.ces";

    @ObjectClassDefinition(name = "KPI: Customer Effort Score")
    public @interface Config {
        @AttributeDefinition(description = "SHARE of easy answers, or MEAN effort score (1 = lowest effort).")
        Mode mode() default Mode.SHARE;

        @AttributeDefinition(description = "Lowest point of the scale.")
        int scaleMin() default 1;

        @AttributeDefinition(description = "Highest point of the scale.")
        int scaleMax() default 7;

        @AttributeDefinition(description = "The lowest score that counts as easy in SHARE mode; in MEAN mode, where 1 is the lowest effort, the drill-down's easy answers are its mirror (scaleMin + scaleMax - easyMin and below).")
        int easyMin() default 5;
    }

    public enum Mode {
        SHARE, MEAN
    }

    public record Settings(Mode mode, int scaleMin, int scaleMax, int easyMin) {
        public static final Settings DEFAULT = new Settings(Mode.SHARE, 1, 7, 5);

        public Settings {
            if (scaleMin >= scaleMax || easyMin <= scaleMin || easyMin > scaleMax) {
                throw new IllegalArgumentException("CES needs scaleMin < easyMin <= scaleMax; got "
                        + scaleMin + " < " + easyMin + " <= " + scaleMax);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.mode(), c.scaleMin(), c.scaleMax(), c.easyMin());
        }
    }

    /** The CES answers on the configured scale in the period; {@code r} is the table alias with its dot, or "". */
    private static String responsesInPeriod(String r) {
        return r + "survey_type = 'ces' AND " + r + "scale_min = :scaleMin AND " + r + "scale_max = :scaleMax AND "
                + r + "answered_at >= :from AND " + r + "answered_at < :to";
    }

    private static final String SQL = """
            SELECT count(*) AS responses,
                   count(*) FILTER (WHERE score >= :easyMin) AS easy,
                   sum(score) AS total
            FROM survey_responses
            WHERE
            """ + responsesInPeriod("");

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CustomerEffortScore(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CustomerEffortScore(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        Settings d = Settings.DEFAULT;
        boolean share = s.mode() == Mode.SHARE;
        return KpiDefinition.builder("ces")
                .name("Customer Effort Score")
                .category(Category.SATISFACTION)
                .unit(share ? Unit.PERCENT : Unit.SCORE)
                .direction(share ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER)
                .description(share ? "The share of customers who found dealing with you easy."
                        : "The mean effort customers report, where 1 is the lowest effort.")
                .formula(share
                        ? "answers " + s.easyMin() + "-" + s.scaleMax() + " on the " + s.scaleMin() + "-" + s.scaleMax()
                                + " agreement scale / all CES answers in the period x 100"
                        : "mean of CES answers on the " + s.scaleMin() + "-" + s.scaleMax() + " effort scale in the period")
                .parameter("mode", s.mode(), d.mode(), "SHARE of easy answers or MEAN effort")
                .parameter("scaleMin", s.scaleMin(), d.scaleMin(), "lowest point of the scale")
                .parameter("scaleMax", s.scaleMax(), d.scaleMax(), "highest point of the scale")
                .parameter("easyMin", s.easyMin(), d.easyMin(), "lowest easy score (SHARE mode; the drill-down split in both modes)")
                .needs("survey_responses (survey_type 'ces')")
                .drillDown("not-easy", "easy", "all")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(SQL, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(), "easyMin", s.easyMin()));
        long responses = row.count("responses");
        String none = "no CES responses answered in " + query.period() + " for " + query.segment();
        if (s.mode() == Mode.MEAN) {
            return KpiResult.ratio(row.count("total"), responses, 1, responses, none);
        }
        long easy = row.count("easy");
        return KpiResult.ratio(easy, responses, 100, responses, none)
                .with("easy", easy)
                .with("notEasy", responses - easy);
    }

    /** The answers behind the score, one row each, worst first; unmatched respondents by e-mail. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        boolean effortScale = s.mode() == Mode.MEAN;
        String subset = switch (drillDown.subset()) {
            case "not-easy" -> effortScale ? "r.score > :easyMax" : "r.score < :easyMin";
            case "easy" -> effortScale ? "r.score <= :easyMax" : "r.score >= :easyMin";
            default -> "1 = 1";
        };
        String worstFirst = s.mode() == Mode.SHARE ? "r.score" : "r.score DESC";
        SqlDialect sql = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", r.score AS score, " + sql.isoTime("r.answered_at") + " AS answered,"
                + " r.respondent_email AS respondent\n"
                + "FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id\n"
                + "WHERE " + responsesInPeriod("r.") + " AND " + subset + "\nORDER BY " + worstFirst + ", r.answered_at DESC";
        return store.table("responses", "CES " + drillDown.subset() + ", " + query.period(), text, query,
                Map.of("scaleMin", s.scaleMin(), "scaleMax", s.scaleMax(), "easyMin", s.easyMin(),
                        "easyMax", s.scaleMin() + s.scaleMax() - s.easyMin()),
                CustomerColumns.with(KpiTable.Column.number("score", "SCORE", Unit.SCORE),
                        KpiTable.Column.text("answered", "ANSWERED"), KpiTable.Column.text("respondent", "RESPONDENT")),
                drillDown);
    }
}
