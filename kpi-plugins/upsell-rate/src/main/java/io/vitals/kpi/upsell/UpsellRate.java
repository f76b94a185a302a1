package io.vitals.kpi.upsell;

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
 * Upsell rate: of the customers active in the period, the share that accepted an upsell in it.
 *
 * <p>Active = paying during the period: a subscription span with MRR above zero that overlaps
 * {@code [from, to)} ({@code started_at < to} and not ended by {@code from}). Trials and free plans
 * do not make a customer active. An upsell is a CRM deal of kind {@code upsell} in stage
 * {@code won} whose {@code closed_at} falls in the half-open period; open and lost deals, and
 * upsells closed before or after it, do not count. A customer with several upsells counts once.
 * Won upsells of customers that were not paying during the period (and deals without a customer)
 * are in neither the rate nor the deal count and amount, so the details describe the numerator.
 * No paying customers in the period is "no data", not 0; so is a segment without a single deal of
 * any kind recorded before the period's end (the CRM knows nothing of its customers), while deals
 * and no won upsell is 0.
 */
@Component(service = Kpi.class, configurationPid = "vitals.kpi.upsell_rate", property = Kpi.ID_PROPERTY + "=upsell-rate")
public class UpsellRate implements Kpi {

    private static final String ACTIVE_AND_UPSOLD = "WITH active AS (" + SubscriptionSql.PAYING_DURING + "),\n" + """
            upsold AS (
              SELECT customer_id, count(*) AS deal_count, sum(amount_cents) AS amount_cents FROM deals
              WHERE kind = 'upsell' AND stage = 'won' AND closed_at >= :from AND closed_at < :to
                AND customer_id IS NOT NULL
              GROUP BY customer_id
            )
            """;

    private static final String SQL = ACTIVE_AND_UPSOLD + """
            SELECT count(*) AS active_customers,
                   CASE WHEN EXISTS (SELECT 1 FROM deals WHERE created_at < :to) THEN 1 ELSE 0 END AS crm_has_deals,
                   count(u.customer_id) AS upsold_customers,
                   coalesce(sum(u.deal_count), 0) AS upsell_deals,
                   coalesce(sum(u.amount_cents), 0) AS upsell_cents
            FROM active a LEFT JOIN upsold u ON u.customer_id = a.customer_id""";

    private static final String UPSOLD = ACTIVE_AND_UPSOLD + "SELECT " + CustomerColumns.SQL + """
            , u.deal_count AS deals, u.amount_cents / 100.0 AS amount
            FROM customers c
            JOIN active a ON a.customer_id = c.id
            JOIN upsold u ON u.customer_id = c.id
            ORDER BY u.amount_cents DESC, c.id""";

    private final MetricStore store;

    @Activate
    public UpsellRate(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("upsell-rate")
                .name("Upsell rate")
                .category(Category.EXPANSION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of your active customers who bought more of what they have in the period.")
                .formula("customers paying during the period with at least one won 'upsell' deal closed in the period"
                        + " / customers paying during the period (a subscription with MRR > 0 overlapping it) x 100;"
                        + " each customer counts once however many upsells it accepted")
                .needs("subscriptions", "deals (kind 'upsell', stage 'won')")
                .drillDown("upsold")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long active = row.count("active_customers");
        if (active > 0 && row.count("crm_has_deals") == 0) {
            return KpiResult.noData("no deals recorded for " + query.segment() + " by the end of " + query.period()
                    + ", so whether any upsell was won is unknown");
        }
        long upsold = row.count("upsold_customers");
        return KpiResult.ratio(upsold, active, 100, active,
                        "no customers paying during " + query.period() + " for " + query.segment())
                .with("activeCustomers", active)
                .with("upsoldCustomers", upsold)
                .with("upsellDeals", row.count("upsell_deals"))
                .with("upsellAmount", row.count("upsell_cents") / 100.0);
    }

    /** The active customers who accepted an upsell in the period, largest upsell amount first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"upsold".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'upsell-rate' has no subset '" + drillDown.subset() + "'; its subsets: upsold");
        }
        return store.table("upsold", "Upsold customers, " + query.period(), UPSOLD, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("deals", "DEALS", Unit.COUNT),
                        KpiTable.Column.number("amount", "AMOUNT", Unit.CURRENCY)),
                drillDown);
    }
}
