package io.vitals.kpi.crosssell;

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
 * Cross-sell rate: of the customers active in the period, the share that bought an additional,
 * related product in it.
 *
 * <p>Active = paying during the period: a subscription span with MRR above zero that overlaps
 * {@code [from, to)} ({@code started_at < to} and not ended by {@code from}). Trials and free plans
 * do not make a customer active. A cross-sell is a CRM deal of kind {@code cross_sell} in stage
 * {@code won} whose {@code closed_at} falls in the half-open period; open and lost deals, and
 * cross-sells closed before or after it, do not count (upsells are another KPI). A customer
 * with several cross-sells counts once. Won cross-sells of customers that were not paying during the period (and deals without a customer)
 * are in neither the rate nor the deal count and amount, so the details describe the numerator.
 * No paying customers in the period is "no data", not 0; so is a segment without a single deal of
 * any kind recorded before the period's end (the CRM knows nothing of its customers), while deals
 * and no won cross-sell is 0.
 */
@Component(service = Kpi.class, configurationPid = "vitals.kpi.cross_sell_rate", property = Kpi.ID_PROPERTY + "=cross-sell-rate")
public class CrossSellRate implements Kpi {

    private static final String ACTIVE_AND_CROSS_SOLD = "WITH active AS (" + SubscriptionSql.PAYING_DURING + "),\n" + """
            cross_sold AS (
              SELECT customer_id, count(*) AS deal_count, sum(amount_cents) AS amount_cents FROM deals
              WHERE kind = 'cross_sell' AND stage = 'won' AND closed_at >= :from AND closed_at < :to
                AND customer_id IS NOT NULL
              GROUP BY customer_id
            )
            """;

    private static final String SQL = ACTIVE_AND_CROSS_SOLD + """
            SELECT count(*) AS active_customers,
                   CASE WHEN EXISTS (SELECT 1 FROM deals WHERE created_at < :to) THEN 1 ELSE 0 END AS crm_has_deals,
                   count(u.customer_id) AS cross_sold_customers,
                   coalesce(sum(u.deal_count), 0) AS cross_sell_deals,
                   coalesce(sum(u.amount_cents), 0) AS cross_sell_cents
            FROM active a LEFT JOIN cross_sold u ON u.customer_id = a.customer_id""";

    private static final String CROSS_SOLD = ACTIVE_AND_CROSS_SOLD + "SELECT " + CustomerColumns.SQL + """
            , u.deal_count AS deals, u.amount_cents / 100.0 AS amount
            FROM customers c
            JOIN active a ON a.customer_id = c.id
            JOIN cross_sold u ON u.customer_id = c.id
            ORDER BY u.amount_cents DESC, c.id""";

    private final MetricStore store;

    @Activate
    public CrossSellRate(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("cross-sell-rate")
                .name("Cross-sell rate")
                .category(Category.EXPANSION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of your active customers who bought an additional, related product in the period.")
                .formula("customers paying during the period with at least one won 'cross_sell' deal closed in the period"
                        + " / customers paying during the period (a subscription with MRR > 0 overlapping it) x 100;"
                        + " each customer counts once however many cross-sells it bought")
                .needs("subscriptions", "deals (kind 'cross_sell', stage 'won')")
                .drillDown("cross-sold")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long active = row.count("active_customers");
        if (active > 0 && row.count("crm_has_deals") == 0) {
            return KpiResult.noData("no deals recorded for " + query.segment() + " by the end of " + query.period()
                    + ", so whether any cross-sell was won is unknown");
        }
        long crossSold = row.count("cross_sold_customers");
        return KpiResult.ratio(crossSold, active, 100, active,
                        "no customers paying during " + query.period() + " for " + query.segment())
                .with("activeCustomers", active)
                .with("crossSoldCustomers", crossSold)
                .with("crossSellDeals", row.count("cross_sell_deals"))
                .with("crossSellAmount", row.count("cross_sell_cents") / 100.0);
    }

    /** The active customers who bought a cross-sell in the period, largest cross-sell amount first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"cross-sold".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'cross-sell-rate' has no subset '" + drillDown.subset() + "'; its subsets: cross-sold");
        }
        return store.table("cross-sold", "Cross-sold customers, " + query.period(), CROSS_SOLD, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("deals", "DEALS", Unit.COUNT),
                        KpiTable.Column.number("amount", "AMOUNT", Unit.CURRENCY)),
                drillDown);
    }
}
