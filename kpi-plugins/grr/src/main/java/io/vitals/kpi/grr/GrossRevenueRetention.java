package io.vitals.kpi.grr;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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
 * Gross revenue retention: the share of the start MRR kept through the period, counting losses
 * (contraction and churn) but no gains.
 *
 * <p>Per customer, {@code before} is the MRR at the start and {@code after} the MRR at the end,
 * each the sum of the paying spans ({@code mrr_cents > 0}) covering the instant just before the
 * boundary, as the {@code mrr} KPI computes them. Over customers with {@code before > 0}:
 * GRR = sum of min(before, after) / sum of before x 100 = (start MRR - contraction - churn) / start
 * MRR x 100. Each customer's expansion is capped at what it paid at the start, so one customer's
 * growth never hides another's loss and GRR is never above 100. Customers new or reactivated in the
 * period are excluded. No MRR at the start is "no data".
 */
@Component(service = Kpi.class, configurationPid = "vitals.kpi.grr", property = Kpi.ID_PROPERTY + "=grr")
public class GrossRevenueRetention implements Kpi {

    /** Per customer paying at either boundary: its MRR in cents at the start ({@code before}) and at the end ({@code after}). */
    private static final String WITH_MRR_CHANGE = "WITH " + SubscriptionSql.MRR_CHANGE + "\n";

    private static final String SQL = WITH_MRR_CHANGE + """
            SELECT count(*) AS customers_at_start,
                   coalesce(sum(before), 0) AS start_cents,
                   coalesce(sum(CASE WHEN after < before THEN after ELSE before END), 0) AS kept_cents,
                   coalesce(sum(CASE WHEN after > 0 AND after < before THEN before - after ELSE 0 END), 0)
                       AS contraction_cents,
                   coalesce(sum(CASE WHEN after = 0 THEN before ELSE 0 END), 0) AS churn_cents
            FROM mrr_change
            WHERE before > 0""";

    private static final String LOST = WITH_MRR_CHANGE + "SELECT " + CustomerColumns.SQL + """
            , x.before / 100.0 AS mrr_before, x.after / 100.0 AS mrr_after,
              (x.before - x.after) / 100.0 AS lost
            FROM customers c JOIN mrr_change x ON x.customer_id = c.id
            WHERE x.before > 0 AND x.after < x.before
            ORDER BY x.before - x.after DESC, c.id""";

    private final MetricStore store;

    @Activate
    public GrossRevenueRetention(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("grr")
                .name("Gross revenue retention")
                .category(Category.EXPANSION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How much of the recurring revenue you had at the start you kept, losses only: expansion does not count,"
                        + " so it is never above 100.")
                .formula("(MRR at start - contraction - churned MRR) / MRR at start x 100, over the customers paying at the"
                        + " period start (sum of min(MRR at start, MRR at end) / sum of MRR at start); expansion and"
                        + " customers new or reactivated in the period are excluded; never above 100")
                .needs("subscriptions")
                .drillDown("lost")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long atStart = row.count("customers_at_start");
        long start = row.count("start_cents");
        return KpiResult.ratio(row.count("kept_cents") / 100.0, start / 100.0, 100, atStart,
                        "no MRR at the start of " + query.period() + " for " + query.segment())
                .with("startMrr", start / 100.0)
                .with("contraction", row.count("contraction_cents") / 100.0)
                .with("churn", row.count("churn_cents") / 100.0);
    }

    /** The customers paying at the start who pay less at the end (contracted or churned), biggest loss first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"lost".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'grr' has no subset '" + drillDown.subset() + "'; its subsets: lost");
        }
        return store.table("lost", "MRR lost by customers at the start, " + query.period(), LOST, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("mrr_before", "MRR BEFORE", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_after", "MRR AFTER", Unit.CURRENCY),
                        KpiTable.Column.number("lost", "LOST", Unit.CURRENCY)),
                drillDown);
    }
}
