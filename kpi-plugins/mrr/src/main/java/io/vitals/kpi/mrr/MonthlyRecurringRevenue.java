package io.vitals.kpi.mrr;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Unit;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;

/**
 * Monthly recurring revenue at the end of the period, and the movements that took it there from
 * the start: new, expansion, reactivation, contraction and churn, per customer, so that
 * start + new + expansion + reactivation - contraction - churn = end, to the cent.
 *
 * <p>Subscriptions store their monthly-normalised amount (annual / 12, quarterly / 3, ...,
 * excluding one-off fees and taxes, in the store's one currency), so MRR is a sum. MRR "at" a
 * boundary is that of the spans covering the instant just before it.
 */
@Component(service = Kpi.class, property = Kpi.ID_PROPERTY + "=mrr")
public class MonthlyRecurringRevenue implements Kpi {

    private static final String SQL = """
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
            paid_before AS (
              SELECT DISTINCT customer_id FROM subscriptions WHERE mrr_cents > 0 AND started_at < :from
            ),
            change AS (
              SELECT coalesce(s.customer_id, e.customer_id) AS customer_id,
                     coalesce(s.mrr, 0) AS before, coalesce(e.mrr, 0) AS after
              FROM start_mrr s FULL OUTER JOIN end_mrr e ON e.customer_id = s.customer_id
            )
            SELECT coalesce(sum(c.before), 0) AS start_mrr,
                   coalesce(sum(c.after), 0) AS end_mrr,
                   coalesce(sum(CASE WHEN c.before = 0 AND p.customer_id IS NULL THEN c.after ELSE 0 END), 0) AS new_mrr,
                   coalesce(sum(CASE WHEN c.before = 0 AND p.customer_id IS NOT NULL THEN c.after ELSE 0 END), 0) AS reactivation_mrr,
                   coalesce(sum(CASE WHEN c.before > 0 AND c.after > c.before THEN c.after - c.before ELSE 0 END), 0) AS expansion_mrr,
                   coalesce(sum(CASE WHEN c.after > 0 AND c.after < c.before THEN c.before - c.after ELSE 0 END), 0) AS contraction_mrr,
                   coalesce(sum(CASE WHEN c.after = 0 THEN c.before ELSE 0 END), 0) AS churned_mrr,
                   count(*) FILTER (WHERE c.after > 0) AS paying_at_end,
                   count(*) FILTER (WHERE c.before > 0) AS paying_at_start
            FROM change c LEFT JOIN paid_before p ON p.customer_id = c.customer_id""";

    private final MetricStore store;

    @Activate
    public MonthlyRecurringRevenue(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("mrr")
                .name("Monthly recurring revenue")
                .category(Category.FINANCIAL)
                .unit(Unit.CURRENCY)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("Recurring revenue per month at the end of the period, with the movements that led there.")
                .formula("sum of the monthly-normalised recurring amount of subscriptions active at the period end"
                        + " (annual / 12, quarterly / 3; one-off charges, taxes and refunds excluded; trials and free plans are 0);"
                        + " movements per customer: new, expansion, reactivation, contraction, churn")
                .needs("subscriptions")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long start = row.count("start_mrr");
        long end = row.count("end_mrr");
        long payingAtEnd = row.count("paying_at_end");
        if (payingAtEnd == 0 && row.count("paying_at_start") == 0) {
            return KpiResult.noData("no paying subscriptions at the start or end of " + query.period() + " for " + query.segment());
        }
        long added = row.count("new_mrr");
        long expansion = row.count("expansion_mrr");
        long reactivation = row.count("reactivation_mrr");
        long contraction = row.count("contraction_mrr");
        long churned = row.count("churned_mrr");
        return KpiResult.value(money(end), payingAtEnd)
                .with("startMrr", money(start))
                .with("new", money(added))
                .with("expansion", money(expansion))
                .with("reactivation", money(reactivation))
                .with("contraction", money(contraction))
                .with("churn", money(churned))
                .with("netNew", money(added + expansion + reactivation - contraction - churned))
                .with("endMrr", money(end))
                .with("payingCustomers", payingAtEnd);
    }

    /** Cents to currency units; exact, as every sum above is in whole cents. */
    private static double money(long cents) {
        return cents / 100.0;
    }
}
