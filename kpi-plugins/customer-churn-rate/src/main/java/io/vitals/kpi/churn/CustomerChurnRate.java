package io.vitals.kpi.churn;

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
 * Customer churn rate: of the customers active at the start of the period, the share no longer
 * active at its end. Customers won during the period are not in the denominator; a customer who
 * left and came back within the period has not churned.
 *
 * <p>A customer is active at a boundary when one of its subscription spans covers the instant just
 * before it: {@code started_at < boundary <= ended_at}. So a subscription ending on the 1st is
 * churn of the month that starts on the 1st, and one starting on the 1st is new in it.
 *
 * <p>The drill-down lists the churned (or retained) customers with their MRR at the start and, for
 * the churned, when they left: the latest {@code ended_at}, up to the period end, of the spans that
 * count (paying ones, or every one when {@code payingOnly} is false), so a customer won back and lost
 * again within the period shows the second end.
 */
@Component(service = Kpi.class, configurationPid = CustomerChurnRate.PID, property = Kpi.ID_PROPERTY + "=customer-churn-rate")
@Designate(ocd = CustomerChurnRate.Config.class)
public class CustomerChurnRate implements Kpi {

    static final String PID = "vitals.kpi.customer_churn_rate";

    @ObjectClassDefinition(name = "KPI: Customer churn rate")
    public @interface Config {
        @AttributeDefinition(description = "Count only paying customers (a subscription with MRR above zero); "
                + "false also counts customers on trials and free plans.")
        boolean payingOnly() default true;
    }

    public record Settings(boolean payingOnly) {
        public static final Settings DEFAULT = new Settings(true);
    }

    private static final String SQL = "WITH at_start AS (" + SubscriptionSql.customersAt(":from") + "),\n"
            + "at_end AS (" + SubscriptionSql.customersAt(":to") + ")\n" + """
            SELECT count(*) AS at_start,
                   count(*) FILTER (WHERE e.customer_id IS NULL) AS churned
            FROM at_start s LEFT JOIN at_end e ON e.customer_id = s.customer_id""";

    /** The customers active at the start, with their MRR there, whether active at the end, and their last end. */
    private static final String CUSTOMERS = "WITH at_start AS (\n"
            + "  SELECT customer_id, sum(mrr_cents) AS mrr FROM subscriptions\n"
            + "  WHERE mrr_cents >= :minMrr AND " + SubscriptionSql.covers("", ":from") + "\n"
            + "  GROUP BY customer_id\n"
            + "),\n"
            + "at_end AS (" + SubscriptionSql.customersAt(":to") + "),\n" + """
            last_end AS (
              SELECT customer_id, max(ended_at) AS ended FROM subscriptions
              WHERE mrr_cents >= :minMrr AND ended_at <= :to
              GROUP BY customer_id
            )
            """;

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CustomerChurnRate(@Reference MetricStore store, Config config) {
        this(store, new Settings(config.payingOnly()));
    }

    public CustomerChurnRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }


    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("customer-churn-rate")
                .name("Customer churn rate")
                .category(Category.RETENTION)
                .unit(Unit.PERCENT)
                .direction(Direction.LOWER_IS_BETTER)
                .description("The share of customers you had at the start of the period that you no longer had at its end.")
                .formula("customers active at period start and not at period end / customers active at period start x 100;"
                        + " customers won in the period are not in the denominator; active = "
                        + (s.payingOnly() ? "a paying subscription (MRR > 0)" : "any subscription, trials and free plans included"))
                .parameter("payingOnly", s.payingOnly(), Settings.DEFAULT.payingOnly(), "count only paying customers")
                .needs("subscriptions")
                .drillDown("churned", "retained")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of("minMrr", settings.payingOnly() ? 1 : 0));
        long atStart = row.count("at_start");
        long churned = row.count("churned");
        return KpiResult.ratio(churned, atStart, 100, atStart,
                        "no active customers at the start of " + query.period() + " for " + query.segment())
                .with("customersAtStart", atStart)
                .with("churned", churned)
                .with("retained", atStart - churned);
    }

    /** The customers active at the start who churned (or stayed), highest MRR at the start first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        boolean churned = switch (drillDown.subset()) {
            case "churned" -> true;
            case "retained" -> false;
            default -> throw new InvalidQueryException("customer-churn-rate has no subset '" + drillDown.subset()
                    + "'; its subsets: churned, retained");
        };
        String sql = CUSTOMERS + "SELECT " + CustomerColumns.SQL + ", s.mrr / 100.0 AS mrr_at_start"
                + (churned ? ", " + store.dialect().isoDate("l.ended") + " AS ended" : "") + "\n"
                + "FROM customers c JOIN at_start s ON s.customer_id = c.id\n"
                + "LEFT JOIN at_end e ON e.customer_id = c.id\n"
                + "LEFT JOIN last_end l ON l.customer_id = c.id\n"
                + "WHERE e.customer_id IS " + (churned ? "NULL" : "NOT NULL") + "\nORDER BY s.mrr DESC, c.id";
        KpiTable.Column mrr = KpiTable.Column.number("mrr_at_start", "MRR AT START", Unit.CURRENCY);
        return store.table("customers", drillDown.subset() + " customers, " + query.period(), sql, query,
                Map.of("minMrr", settings.payingOnly() ? 1 : 0),
                churned ? CustomerColumns.with(mrr, KpiTable.Column.text("ended", "ENDED")) : CustomerColumns.with(mrr),
                drillDown);
    }
}
