package io.vitals.kpi.arr;

import java.util.List;
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
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.store.MetricStore;
import io.vitals.store.Row;
import io.vitals.store.SubscriptionSql;

/**
 * Annual recurring revenue: MRR at the end of the period x 12, with the movements that took it
 * there from the start, annualised the same way: start + new + expansion + reactivation -
 * contraction - churn = end, to the cent.
 *
 * <p>MRR at a boundary is the sum of the paying spans ({@code mrr_cents > 0}, already normalised
 * to a month: annual / 12, quarterly / 3; one-off fees, taxes and refunds excluded) covering the
 * instant just before it, exactly as the {@code mrr} KPI computes it. Per customer with MRR
 * {@code before} at the start and {@code after} at the end: new = before 0 and never paid before
 * the period; reactivation = before 0 but paid at some time before the period; expansion = after
 * above a positive before; contraction = after below before but above 0; churn = after 0. ARR is
 * that MRR x 12, so annual plans count at their annual price. A period with nobody paying at
 * either end is "no data".
 */
@Component(service = Kpi.class, configurationPid = "vitals.kpi.arr", property = Kpi.ID_PROPERTY + "=arr")
public class AnnualRecurringRevenue implements Kpi {

    private static final String SQL = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            paid_before AS (
              SELECT DISTINCT customer_id FROM subscriptions WHERE mrr_cents > 0 AND started_at < :from
            ),
            movement AS (
              SELECT x.before, x.after,
                     CASE WHEN x.before = 0 AND p.customer_id IS NULL THEN 'new'
                          WHEN x.before = 0 THEN 'reactivation'
                          WHEN x.after = 0 THEN 'churn'
                          WHEN x.after > x.before THEN 'expansion'
                          WHEN x.after < x.before THEN 'contraction'
                          ELSE 'unchanged' END AS kind
              FROM mrr_change x LEFT JOIN paid_before p ON p.customer_id = x.customer_id
            )
            SELECT coalesce(sum(before), 0) AS start_mrr,
                   coalesce(sum(after), 0) AS end_mrr,
                   coalesce(sum(after) FILTER (WHERE kind = 'new'), 0) AS new_mrr,
                   coalesce(sum(after) FILTER (WHERE kind = 'reactivation'), 0) AS reactivation_mrr,
                   coalesce(sum(after - before) FILTER (WHERE kind = 'expansion'), 0) AS expansion_mrr,
                   coalesce(sum(before - after) FILTER (WHERE kind = 'contraction'), 0) AS contraction_mrr,
                   coalesce(sum(before) FILTER (WHERE kind = 'churn'), 0) AS churned_mrr,
                   count(*) FILTER (WHERE before > 0) AS paying_at_start,
                   count(*) FILTER (WHERE after > 0) AS paying_at_end,
                   count(*) FILTER (WHERE kind = 'new') AS new_customers,
                   count(*) FILTER (WHERE kind = 'reactivation') AS reactivated_customers,
                   count(*) FILTER (WHERE kind = 'expansion') AS expanded_customers,
                   count(*) FILTER (WHERE kind = 'contraction') AS contracted_customers,
                   count(*) FILTER (WHERE kind = 'churn') AS churned_customers
            FROM movement""";

    private final MetricStore store;

    @Activate
    public AnnualRecurringRevenue(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("arr")
                .name("Annual recurring revenue")
                .category(Category.FINANCIAL)
                .unit(Unit.CURRENCY)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("Recurring revenue per year at the end of the period, with the movements that led there.")
                .formula("MRR at the period end x 12 (MRR: the monthly-normalised recurring amount of paying subscriptions;"
                        + " one-off charges, taxes and refunds excluded); movements per customer, annualised: start + new"
                        + " + expansion + reactivation - contraction - churn = end")
                .needs("subscriptions")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long payingAtStart = row.count("paying_at_start");
        long payingAtEnd = row.count("paying_at_end");
        if (payingAtStart == 0 && payingAtEnd == 0) {
            return KpiResult.noData("no paying subscriptions at the start or end of " + query.period() + " for " + query.segment());
        }
        double start = annual(row.count("start_mrr"));
        double end = annual(row.count("end_mrr"));
        double added = annual(row.count("new_mrr"));
        double expansion = annual(row.count("expansion_mrr"));
        double reactivation = annual(row.count("reactivation_mrr"));
        double contraction = annual(row.count("contraction_mrr"));
        double churn = annual(row.count("churned_mrr"));
        double netNew = annual(row.count("new_mrr") + row.count("expansion_mrr") + row.count("reactivation_mrr")
                - row.count("contraction_mrr") - row.count("churned_mrr"));
        KpiTable movements = new KpiTable("movements", "ARR movements, " + query.period(),
                List.of(KpiTable.Column.text("movement", "MOVEMENT"),
                        KpiTable.Column.number("arr", "ARR", Unit.CURRENCY),
                        KpiTable.Column.number("customers", "CUSTOMERS", Unit.COUNT)),
                List.of(List.of("start", start, payingAtStart),
                        List.of("new", added, row.count("new_customers")),
                        List.of("expansion", expansion, row.count("expanded_customers")),
                        List.of("reactivation", reactivation, row.count("reactivated_customers")),
                        // losses are negative; negated in whole cents so that a loss of 0 is 0.0, not -0.0
                        List.of("contraction", annual(-row.count("contraction_mrr")), row.count("contracted_customers")),
                        List.of("churn", annual(-row.count("churned_mrr")), row.count("churned_customers")),
                        List.of("end", end, payingAtEnd)));
        return KpiResult.value(end, payingAtEnd)
                .with("startArr", start)
                .with("new", added)
                .with("expansion", expansion)
                .with("reactivation", reactivation)
                .with("contraction", contraction)
                .with("churn", churn)
                .with("netNew", netNew)
                .with("endArr", end)
                .with("payingCustomers", payingAtEnd)
                .with(movements);
    }

    /** Monthly cents to annual currency units; exact, as every sum above is in whole cents. */
    private static double annual(long monthlyCents) {
        return monthlyCents * 12 / 100.0;
    }
}
