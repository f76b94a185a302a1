package io.vitals.kpi.churncost;

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
 * Customer churn cost: the recurring revenue lost with the customers who churned in the period,
 * annualised by default, plus the costs attributed to churn (category {@code churn}, e.g. win-back
 * spend) incurred in the period.
 *
 * <p>Churned customers are those paying at the start of the period ({@code mrr_cents > 0} on a span
 * with {@code started_at < :from <= ended_at}) and not at its end, as in customer-churn-rate; their
 * lost MRR is their whole MRR at the start. Downgrades are not churn, and a customer who left and
 * came back within the period has not churned. Churn costs count when {@code incurred_at} is in
 * {@code [from, to)}; a cost shared by all customers (no customer) counts for all customers but
 * belongs to no segment. The sample size is the customers paying at the start. Only a period with
 * neither paying customers at its start nor churn costs is no data; otherwise nothing lost is 0.
 */
@Component(service = Kpi.class, configurationPid = ChurnCost.PID, property = Kpi.ID_PROPERTY + "=churn-cost")
@Designate(ocd = ChurnCost.Config.class)
public class ChurnCost implements Kpi {

    static final String PID = "vitals.kpi.churn_cost";

    @ObjectClassDefinition(name = "KPI: Customer churn cost")
    public @interface Config {
        @AttributeDefinition(description = "Count a year of the churned customers' recurring revenue (MRR x 12); "
                + "false counts one month (MRR x 1).")
        boolean annualise() default true;
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(boolean annualise) {
        public static final Settings DEFAULT = new Settings(true);

        static Settings of(Config c) {
            return new Settings(c.annualise());
        }

        int months() {
            return annualise ? 12 : 1;
        }
    }

    /** Each customer paying at the start, its MRR there in cents, and whether it pays at the end. */
    private static final String STATUS = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            status AS (
              SELECT customer_id, before AS mrr, after = 0 AS churned FROM mrr_change WHERE before > 0
            )
            """;

    private static final String SQL = STATUS + """
            , churn AS (
              SELECT count(*) AS customers_at_start,
                     count(*) FILTER (WHERE churned) AS churned,
                     coalesce(sum(mrr) FILTER (WHERE churned), 0) AS lost_mrr
              FROM status
            ),
            churn_costs AS (
              SELECT count(*) AS entries, coalesce(sum(amount_cents), 0) AS amount FROM costs
              WHERE category = 'churn' AND incurred_at >= :from AND incurred_at < :to
            )
            SELECT ch.customers_at_start, ch.churned, ch.lost_mrr, cc.entries AS cost_entries, cc.amount AS cost_amount
            FROM churn ch CROSS JOIN churn_costs cc""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public ChurnCost(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public ChurnCost(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("churn-cost")
                .name("Customer churn cost")
                .category(Category.RETENTION)
                .unit(Unit.CURRENCY)
                .direction(Direction.LOWER_IS_BETTER)
                .description("What churn cost in the period: the recurring revenue that left with churned customers, plus churn costs.")
                .formula("MRR at period start of customers paying at the start and not at the end x " + s.months()
                        + (s.annualise() ? " (annualised)" : " (one month)")
                        + " + costs with category 'churn' incurred in the period")
                .parameter("annualise", s.annualise(), Settings.DEFAULT.annualise(),
                        "count a year (MRR x 12) of lost recurring revenue rather than a month")
                .needs("subscriptions", "costs (category 'churn')")
                .drillDown("churned")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long atStart = row.count("customers_at_start");
        long costEntries = row.count("cost_entries");
        if (atStart == 0 && costEntries == 0) {
            return KpiResult.noData("no paying customers at the start of " + query.period() + " and no churn costs in it for "
                    + query.segment());
        }
        long lostMrr = row.count("lost_mrr");
        long lostRecurring = lostMrr * settings.months();
        long costs = row.count("cost_amount");
        return KpiResult.value(money(lostRecurring + costs), atStart)
                .with("churnedCustomers", row.count("churned"))
                .with("lostMrr", money(lostMrr))
                .with("lostRecurringRevenue", money(lostRecurring))
                .with("churnCosts", money(costs));
    }

    /** The churned customers, largest lost MRR first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"churned".equals(drillDown.subset())) {
            throw new InvalidQueryException("churn-cost has no subset '" + drillDown.subset() + "'; its subsets: churned");
        }
        String sql = STATUS + "SELECT " + CustomerColumns.SQL + ", st.mrr / 100.0 AS mrr_lost\n"
                + "FROM customers c JOIN status st ON st.customer_id = c.id\n"
                + "WHERE st.churned\nORDER BY st.mrr DESC, c.id";
        return store.table("customers", "Churned customers, " + query.period(), sql, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("mrr_lost", "MRR LOST", Unit.CURRENCY)), drillDown);
    }

    /** Cents to currency units. */
    private static double money(long cents) {
        return cents / 100.0;
    }
}
