package io.vitals.kpi.nrr;

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
 * Net revenue retention: the MRR that the customers paying at the start of the period still bring
 * at its end, as a share of what they brought at the start.
 *
 * <p>Per customer, {@code before} is the MRR at the start and {@code after} the MRR at the end,
 * each the sum of the paying spans ({@code mrr_cents > 0}) covering the instant just before the
 * boundary, as the {@code mrr} KPI computes them. Only customers with {@code before > 0} count:
 * NRR = sum of their {@code after} / sum of their {@code before} x 100 = (start MRR + expansion -
 * contraction - churn) / start MRR x 100. Customers new or reactivated in the period
 * ({@code before = 0}) are excluded, so NRR can exceed 100. No MRR at the start is "no data".
 */
@Component(service = Kpi.class, configurationPid = "vitals.kpi.nrr", property = Kpi.ID_PROPERTY + "=nrr")
public class NetRevenueRetention implements Kpi {

    /** Per customer paying at either boundary: its MRR in cents at the start ({@code before}) and at the end ({@code after}). */
    private static final String WITH_MRR_CHANGE = "WITH " + SubscriptionSql.MRR_CHANGE + "\n";

    private static final String SQL = WITH_MRR_CHANGE + """
            SELECT count(*) AS customers_at_start,
                   coalesce(sum(before), 0) AS start_cents,
                   coalesce(sum(after), 0) AS end_cents,
                   coalesce(sum(CASE WHEN after > before THEN after - before ELSE 0 END), 0) AS expansion_cents,
                   coalesce(sum(CASE WHEN after > 0 AND after < before THEN before - after ELSE 0 END), 0)
                       AS contraction_cents,
                   coalesce(sum(CASE WHEN after = 0 THEN before ELSE 0 END), 0) AS churn_cents
            FROM mrr_change
            WHERE before > 0""";

    private static final String CHANGED = WITH_MRR_CHANGE + "SELECT " + CustomerColumns.SQL + """
            , x.before / 100.0 AS mrr_before, x.after / 100.0 AS mrr_after,
              (x.after - x.before) / 100.0 AS change
            FROM customers c JOIN mrr_change x ON x.customer_id = c.id
            WHERE x.before > 0 AND x.after <> x.before
            ORDER BY x.after - x.before, c.id""";

    private final MetricStore store;

    @Activate
    public NetRevenueRetention(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("nrr")
                .name("Net revenue retention")
                .category(Category.EXPANSION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How much of the recurring revenue of the customers you had at the start you still have at the end,"
                        + " expansion included; above 100 means they grew.")
                .formula("(MRR at start + expansion - contraction - churned MRR) / MRR at start x 100, over the customers"
                        + " paying at the period start (their MRR at the end / their MRR at the start);"
                        + " customers new or reactivated in the period are excluded")
                .needs("subscriptions")
                .drillDown("changed")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long atStart = row.count("customers_at_start");
        long start = row.count("start_cents");
        return KpiResult.ratio(row.count("end_cents") / 100.0, start / 100.0, 100, atStart,
                        "no MRR at the start of " + query.period() + " for " + query.segment())
                .with("startMrr", start / 100.0)
                .with("expansion", row.count("expansion_cents") / 100.0)
                .with("contraction", row.count("contraction_cents") / 100.0)
                .with("churn", row.count("churn_cents") / 100.0)
                .with("customersAtStart", atStart);
    }

    /** The customers paying at the start whose MRR changed by the end, biggest loss first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"changed".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'nrr' has no subset '" + drillDown.subset() + "'; its subsets: changed");
        }
        return store.table("changed", "MRR changes of customers at the start, " + query.period(), CHANGED, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("mrr_before", "MRR BEFORE", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_after", "MRR AFTER", Unit.CURRENCY),
                        KpiTable.Column.number("change", "CHANGE", Unit.CURRENCY)),
                drillDown);
    }
}
