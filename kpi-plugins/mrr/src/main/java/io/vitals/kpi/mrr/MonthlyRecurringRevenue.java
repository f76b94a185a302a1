package io.vitals.kpi.mrr;

import java.util.List;
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
 * Monthly recurring revenue at the end of the period, and the movements that took it there from
 * the start: new, expansion, reactivation, contraction and churn, per customer, so that
 * start + new + expansion + reactivation - contraction - churn = end, to the cent.
 *
 * <p>Subscriptions store their monthly-normalised amount (annual / 12, quarterly / 3, ...,
 * excluding one-off fees and taxes, in the store's one currency), so MRR is a sum. MRR "at" a
 * boundary is that of the spans covering the instant just before it.
 *
 * <p>Per customer, with MRR before (at the start) and after (at the end): new = before 0, after
 * above 0, never paid before the period; reactivation = the same for a customer that paid before;
 * expansion = after above before (both above 0); contraction = after below before, above 0; churn =
 * after 0. The result carries the "movements" table (signed MRR and customers per movement, from
 * start to end) and the drill-down lists the customers of one movement.
 */
@Component(service = Kpi.class, property = Kpi.ID_PROPERTY + "=mrr")
public class MonthlyRecurringRevenue implements Kpi {

    /** Per customer paying at either boundary: MRR before and after, in cents, and whether it ever paid before the period. */
    private static final String CHANGE = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            paid_before AS (
              SELECT DISTINCT customer_id FROM subscriptions WHERE mrr_cents > 0 AND started_at < :from
            )
            """;

    /** Which customers make each movement, over {@code mrr_change m} and {@code paid_before p}. */
    private static final String NEW = "m.before = 0 AND p.customer_id IS NULL";
    private static final String REACTIVATION = "m.before = 0 AND p.customer_id IS NOT NULL";
    private static final String EXPANSION = "m.before > 0 AND m.after > m.before";
    private static final String CONTRACTION = "m.after > 0 AND m.after < m.before";
    private static final String CHURN = "m.after = 0";

    private static final String SQL = CHANGE
            + "SELECT coalesce(sum(m.before), 0) AS start_mrr,\n"
            + "       coalesce(sum(m.after), 0) AS end_mrr,\n"
            + "       count(*) FILTER (WHERE m.after > 0) AS paying_at_end,\n"
            + "       count(*) FILTER (WHERE m.before > 0) AS paying_at_start,\n"
            + movementSql("new", NEW, "m.after") + ",\n"
            + movementSql("reactivation", REACTIVATION, "m.after") + ",\n"
            + movementSql("expansion", EXPANSION, "m.after - m.before") + ",\n"
            + movementSql("contraction", CONTRACTION, "m.before - m.after") + ",\n"
            + movementSql("churned", CHURN, "m.before") + "\n"
            + "FROM mrr_change m LEFT JOIN paid_before p ON p.customer_id = m.customer_id";

    /** The MRR a movement moves (in positive cents, as {@code amount}) and how many customers make it. */
    private static String movementSql(String name, String who, String amount) {
        return "       coalesce(sum(CASE WHEN " + who + " THEN " + amount + " ELSE 0 END), 0) AS " + name + "_mrr,\n"
                + "       count(*) FILTER (WHERE " + who + ") AS " + name + "_customers";
    }

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
                .drillDown("churn", "new", "expansion", "reactivation", "contraction")
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
        // signed, so that the column adds up from start to end
        List<List<Object>> movements = List.of(
                movement("start", start, row.count("paying_at_start")),
                movement("new", added, row.count("new_customers")),
                movement("expansion", expansion, row.count("expansion_customers")),
                movement("reactivation", reactivation, row.count("reactivation_customers")),
                movement("contraction", -contraction, row.count("contraction_customers")),
                movement("churn", -churned, row.count("churned_customers")),
                movement("end", end, payingAtEnd));
        return KpiResult.value(money(end), payingAtEnd)
                .with("startMrr", money(start))
                .with("new", money(added))
                .with("expansion", money(expansion))
                .with("reactivation", money(reactivation))
                .with("contraction", money(contraction))
                .with("churn", money(churned))
                .with("netNew", money(added + expansion + reactivation - contraction - churned))
                .with("endMrr", money(end))
                .with("payingCustomers", payingAtEnd)
                .with(new KpiTable("movements", "MRR movements, " + query.period(),
                        List.of(KpiTable.Column.text("movement", "MOVEMENT"), KpiTable.Column.number("mrr", "MRR", Unit.CURRENCY),
                                KpiTable.Column.number("customers", "CUSTOMERS", Unit.COUNT)),
                        movements));
    }

    /** The customers behind one movement, the largest change first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        String who = switch (drillDown.subset()) {
            case "churn" -> CHURN;
            case "new" -> NEW;
            case "expansion" -> EXPANSION;
            case "reactivation" -> REACTIVATION;
            case "contraction" -> CONTRACTION;
            default -> throw new InvalidQueryException("mrr has no subset '" + drillDown.subset()
                    + "'; its subsets: churn, new, expansion, reactivation, contraction");
        };
        String sql = CHANGE + "SELECT " + CustomerColumns.SQL + ",\n"
                + "       m.before / 100.0 AS mrr_before, m.after / 100.0 AS mrr_after, (m.after - m.before) / 100.0 AS change\n"
                + "FROM customers c JOIN mrr_change m ON m.customer_id = c.id\n"
                + "LEFT JOIN paid_before p ON p.customer_id = c.id\n"
                + "WHERE " + who + "\nORDER BY abs(m.after - m.before) DESC, c.id";
        return store.table("customers", "MRR " + drillDown.subset() + ", " + query.period(), sql, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("mrr_before", "MRR BEFORE", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_after", "MRR AFTER", Unit.CURRENCY),
                        KpiTable.Column.number("change", "CHANGE", Unit.CURRENCY)),
                drillDown);
    }

    private static List<Object> movement(String name, long cents, long customers) {
        return List.of(name, money(cents), customers);
    }

    /** Cents to currency units; exact, as every sum above is in whole cents. */
    private static double money(long cents) {
        return cents / 100.0;
    }
}
