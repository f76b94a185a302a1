package io.vitals.kpi.revenuechurn;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.store.CustomerColumns;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;

/**
 * Gross revenue (MRR) churn rate: the MRR of the customers paying at the start of the period that
 * was lost by its end, to cancellations (churn) and, by default, to downgrades (contraction), as a
 * share of the MRR at the start.
 *
 * <p>Per customer, MRR before is the sum of the paying spans ({@code mrr_cents > 0}) covering the
 * start boundary ({@code started_at < :from <= ended_at}), MRR after the same at {@code :to}. A
 * customer with before &gt; 0 and after = 0 churned and lost all of before; one with
 * 0 &lt; after &lt; before contracted and lost before - after. Expansion does not offset anything
 * (this is gross churn). Customers new or reactivated in the period have no MRR at the start and
 * never count; a customer who left and came back within the period is judged by its MRR at the end.
 * Contraction MRR is always reported in the details; {@code includeContraction = false} leaves it
 * out of the value and out of the "lost" drill-down. No MRR at the start is no data.
 */
@Component(service = Kpi.class, configurationPid = RevenueChurnRate.PID, property = Kpi.ID_PROPERTY + "=revenue-churn-rate")
@Designate(ocd = RevenueChurnRate.Config.class)
public class RevenueChurnRate implements Kpi {

    static final String PID = "vitals.kpi.revenue_churn_rate";

    @ObjectClassDefinition(name = "KPI: Gross revenue (MRR) churn rate")
    public @interface Config {
        @AttributeDefinition(description = "Count MRR lost to downgrades (contraction) as well as to cancellations; "
                + "false counts cancelled customers' MRR only.")
        boolean includeContraction() default true;
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(boolean includeContraction) {
        public static final Settings DEFAULT = new Settings(true);

        static Settings of(Config c) {
            return new Settings(c.includeContraction());
        }
    }

    /** Per customer paying at the start: MRR at the start and at the end, in cents. */
    private static final String MRR_CHANGE = """
            WITH start_mrr AS (
              SELECT customer_id, sum(mrr_cents) AS mrr FROM subscriptions
              WHERE mrr_cents > 0 AND started_at < :from AND (ended_at IS NULL OR ended_at >= :from)
              GROUP BY customer_id
            ),
            end_mrr AS (
              SELECT customer_id, sum(mrr_cents) AS mrr FROM subscriptions
              WHERE mrr_cents > 0 AND started_at < :to AND (ended_at IS NULL OR ended_at >= :to)
              GROUP BY customer_id
            ),
            mrr_change AS (
              SELECT s.customer_id, s.mrr AS mrr_before, coalesce(e.mrr, 0) AS mrr_after
              FROM start_mrr s LEFT JOIN end_mrr e ON e.customer_id = s.customer_id
            )
            """;

    private static final String SQL = MRR_CHANGE + """
            SELECT count(*) AS customers_at_start,
                   coalesce(sum(mrr_before), 0) AS start_mrr,
                   coalesce(sum(CASE WHEN mrr_after = 0 THEN mrr_before ELSE 0 END), 0) AS churned_mrr,
                   coalesce(sum(CASE WHEN mrr_after > 0 AND mrr_after < mrr_before THEN mrr_before - mrr_after ELSE 0 END), 0)
                     AS contraction_mrr
            FROM mrr_change""";

    private static final String CHURNED = "m.mrr_after = 0";
    private static final String CONTRACTED = "m.mrr_after > 0 AND m.mrr_after < m.mrr_before";

    private final MetricStore store;
    private volatile Settings settings;

    @Activate
    public RevenueChurnRate(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public RevenueChurnRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        settings = Settings.of(config);
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("revenue-churn-rate")
                .name("Gross revenue (MRR) churn rate")
                .category(Category.RETENTION)
                .unit(Unit.PERCENT)
                .direction(Direction.LOWER_IS_BETTER)
                .description("The share of the recurring revenue you had at the start of the period that was lost by its end.")
                .formula((s.includeContraction()
                        ? "(MRR of customers paying at period start and not at its end + MRR lost to downgrades)"
                        : "MRR of customers paying at period start and not at its end")
                        + " / MRR at period start x 100; per customer MRR at the start vs at the end, expansion not netted;"
                        + " new and reactivated customers have no start MRR and do not count")
                .parameter("includeContraction", s.includeContraction(), Settings.DEFAULT.includeContraction(),
                        "count MRR lost to downgrades, not only to cancellations")
                .needs("subscriptions")
                .drillDown("lost", "churned", "contracted")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long customers = row.count("customers_at_start");
        long start = row.count("start_mrr");
        long churned = row.count("churned_mrr");
        long contraction = row.count("contraction_mrr");
        long lost = churned + (settings.includeContraction() ? contraction : 0);
        return KpiResult.ratio(money(lost), money(start), 100, customers,
                        "no MRR at the start of " + query.period() + " for " + query.segment())
                .with("startMrr", money(start))
                .with("churnedMrr", money(churned))
                .with("contractionMrr", money(contraction));
    }

    /** The customers whose MRR was lost, largest loss first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        String subset = switch (drillDown.subset()) {
            case "lost" -> settings.includeContraction() ? "(" + CHURNED + " OR " + CONTRACTED + ")" : CHURNED;
            case "churned" -> CHURNED;
            case "contracted" -> CONTRACTED;
            default -> throw new InvalidQueryException("revenue-churn-rate has no subset '" + drillDown.subset()
                    + "'; its subsets: lost, churned, contracted");
        };
        String sql = MRR_CHANGE + "SELECT " + CustomerColumns.SQL + ",\n"
                + "       m.mrr_before / 100.0 AS mrr_before, m.mrr_after / 100.0 AS mrr_after,"
                + " (m.mrr_before - m.mrr_after) / 100.0 AS lost\n"
                + "FROM customers c JOIN mrr_change m ON m.customer_id = c.id\n"
                + "WHERE " + subset + "\nORDER BY m.mrr_before - m.mrr_after DESC, c.id";
        return store.table("customers", "MRR " + drillDown.subset() + ", " + query.period(), sql, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("mrr_before", "MRR BEFORE", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_after", "MRR AFTER", Unit.CURRENCY),
                        KpiTable.Column.number("lost", "LOST", Unit.CURRENCY)),
                drillDown);
    }

    /** Cents to currency units. */
    private static double money(long cents) {
        return cents / 100.0;
    }
}
