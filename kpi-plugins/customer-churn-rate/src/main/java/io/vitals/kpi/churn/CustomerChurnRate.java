package io.vitals.kpi.churn;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
 * Customer churn rate: of the customers active at the start of the period, the share no longer
 * active at its end. Customers won during the period are not in the denominator; a customer who
 * left and came back within the period has not churned.
 *
 * <p>A customer is active at a boundary when one of its subscription spans covers the instant just
 * before it: {@code started_at < boundary <= ended_at}. So a subscription ending on the 1st is
 * churn of the month that starts on the 1st, and one starting on the 1st is new in it.
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

    private static final String SQL = """
            WITH at_start AS (
              SELECT DISTINCT customer_id FROM subscriptions
              WHERE mrr_cents >= :minMrr AND started_at < :from AND (ended_at IS NULL OR ended_at >= :from)
            ),
            at_end AS (
              SELECT DISTINCT customer_id FROM subscriptions
              WHERE mrr_cents >= :minMrr AND started_at < :to AND (ended_at IS NULL OR ended_at >= :to)
            )
            SELECT count(*) AS at_start,
                   count(*) FILTER (WHERE e.customer_id IS NULL) AS churned
            FROM at_start s LEFT JOIN at_end e ON e.customer_id = s.customer_id""";

    private final MetricStore store;
    private volatile Settings settings;

    @Activate
    public CustomerChurnRate(@Reference MetricStore store, Config config) {
        this(store, new Settings(config.payingOnly()));
    }

    public CustomerChurnRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        settings = new Settings(config.payingOnly());
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
}
