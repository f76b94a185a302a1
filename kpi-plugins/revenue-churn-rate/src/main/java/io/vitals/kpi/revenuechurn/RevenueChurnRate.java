package io.vitals.kpi.revenuechurn;

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
import io.vitals.store.SubscriptionSql;

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

    /** Per customer paying at either boundary: MRR at the start ({@code before}) and at the end ({@code after}), in cents. */
    private static final String WITH_MRR_CHANGE = "WITH " + SubscriptionSql.MRR_CHANGE + "\n";

    private static final String SQL = WITH_MRR_CHANGE + """
            SELECT count(*) AS customers_at_start,
                   coalesce(sum(before), 0) AS start_mrr,
                   coalesce(sum(CASE WHEN after = 0 THEN before ELSE 0 END), 0) AS churned_mrr,
                   coalesce(sum(CASE WHEN after > 0 AND after < before THEN before - after ELSE 0 END), 0)
                     AS contraction_mrr
            FROM mrr_change
            WHERE before > 0""";

    private static final String CHURNED = "m.after = 0";
    private static final String CONTRACTED = "m.after > 0 AND m.after < m.before";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public RevenueChurnRate(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public RevenueChurnRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
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
        String sql = WITH_MRR_CHANGE + "SELECT " + CustomerColumns.SQL + ",\n"
                + "       m.before / 100.0 AS mrr_before, m.after / 100.0 AS mrr_after,"
                + " (m.before - m.after) / 100.0 AS lost\n"
                + "FROM customers c JOIN mrr_change m ON m.customer_id = c.id\n"
                + "WHERE m.before > 0 AND " + subset + "\nORDER BY m.before - m.after DESC, c.id";
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
