package io.vitals.kpi.retention;

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
 * Customer retention rate: (customers at the end - new customers) / customers at the start x 100.
 * S is the customers active at the start of the period, E those active at its end, N those active
 * at the end but not at the start (won or won back in the period). E - N is therefore the customers
 * active at both boundaries, so retention and customer churn rate add up to 100; "E / S" alone is
 * not retention when new customers arrive.
 *
 * <p>Active at a boundary b means a span covering the instant just before it:
 * {@code started_at < b <= ended_at} (or still running), paying ({@code mrr_cents > 0}) unless
 * {@code payingOnly} is false, when trials and free plans count too. A customer who left and came
 * back within the period is active at both boundaries and retained. Nobody active at the start is
 * no data, even when new customers arrived.
 */
@Component(service = Kpi.class, configurationPid = CustomerRetentionRate.PID,
        property = Kpi.ID_PROPERTY + "=customer-retention-rate")
@Designate(ocd = CustomerRetentionRate.Config.class)
public class CustomerRetentionRate implements Kpi {

    static final String PID = "vitals.kpi.customer_retention_rate";

    @ObjectClassDefinition(name = "KPI: Customer retention rate")
    public @interface Config {
        @AttributeDefinition(description = "Count only paying customers (a subscription with MRR above zero); "
                + "false also counts customers on trials and free plans.")
        boolean payingOnly() default true;
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(boolean payingOnly) {
        public static final Settings DEFAULT = new Settings(true);

        static Settings of(Config c) {
            return new Settings(c.payingOnly());
        }
    }

    /** The MRR in cents of the customer's spans of at least {@code :minMrr} covering the boundary; null when none does. */
    private static String mrrAt(String boundary) {
        String covers = SubscriptionSql.covers("", boundary);
        return "CASE WHEN max(CASE WHEN " + covers + " THEN 1 ELSE 0 END) = 1 THEN sum(CASE WHEN " + covers
                + " THEN mrr_cents ELSE 0 END) END";
    }

    /**
     * Every customer active at either boundary, with its MRR there in cents (null: not active there).
     * One pass over the spans touching the period: a FULL JOIN of the two sides is quadratic in SQLite.
     */
    private static final String STATUS = "WITH status AS (\n"
            + "  SELECT customer_id, mrr_start, mrr_end FROM (\n"
            + "    SELECT customer_id, " + mrrAt(":from") + " AS mrr_start, " + mrrAt(":to") + " AS mrr_end\n"
            + "    FROM subscriptions WHERE mrr_cents >= :minMrr AND started_at < :to AND (ended_at IS NULL OR ended_at >= :from)\n"
            + "    GROUP BY customer_id) spans\n"
            + "  WHERE mrr_start IS NOT NULL OR mrr_end IS NOT NULL\n"
            + ")\n";

    private static final String SQL = STATUS + """
            SELECT count(mrr_start) AS at_start,
                   count(mrr_end) AS at_end,
                   count(*) FILTER (WHERE mrr_start IS NULL) AS new_customers,
                   count(*) FILTER (WHERE mrr_start IS NOT NULL AND mrr_end IS NOT NULL) AS retained
            FROM status""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CustomerRetentionRate(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CustomerRetentionRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("customer-retention-rate")
                .name("Customer retention rate")
                .category(Category.RETENTION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of the customers you had at the start of the period that you still had at its end.")
                .formula("(customers active at period end - customers active at the end but not at the start)"
                        + " / customers active at period start x 100, i.e. customers active at both / customers at the start;"
                        + " new and reactivated customers are subtracted; active = "
                        + (s.payingOnly() ? "a paying subscription (MRR > 0)" : "any subscription, trials and free plans included"))
                .parameter("payingOnly", s.payingOnly(), Settings.DEFAULT.payingOnly(), "count only paying customers")
                .needs("subscriptions")
                .drillDown("lost", "retained", "new")
                .build();
    }

    private Map<String, Object> params() {
        return Map.of("minMrr", settings.payingOnly() ? 1 : 0);
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, params());
        long atStart = row.count("at_start");
        long atEnd = row.count("at_end");
        long added = row.count("new_customers");
        return KpiResult.ratio(atEnd - added, atStart, 100, atStart,
                        "no active customers at the start of " + query.period() + " for " + query.segment())
                .with("customersAtStart", atStart)
                .with("customersAtEnd", atEnd)
                .with("newCustomers", added)
                .with("retained", row.count("retained"));
    }

    /** The customers lost, retained or new in the period, highest MRR first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        String subset = switch (drillDown.subset()) {
            case "lost" -> "st.mrr_start IS NOT NULL AND st.mrr_end IS NULL";
            case "retained" -> "st.mrr_start IS NOT NULL AND st.mrr_end IS NOT NULL";
            case "new" -> "st.mrr_start IS NULL";
            default -> throw new InvalidQueryException("customer-retention-rate has no subset '" + drillDown.subset()
                    + "'; its subsets: lost, retained, new");
        };
        String sql = STATUS + "SELECT " + CustomerColumns.SQL + ",\n"
                + "       coalesce(st.mrr_start, 0) / 100.0 AS mrr_at_start, coalesce(st.mrr_end, 0) / 100.0 AS mrr_at_end\n"
                + "FROM customers c JOIN status st ON st.customer_id = c.id\n"
                + "WHERE " + subset + "\nORDER BY coalesce(st.mrr_start, 0) DESC, coalesce(st.mrr_end, 0) DESC, c.id";
        return store.table("customers", drillDown.subset() + " customers, " + query.period(), sql, query, params(),
                CustomerColumns.with(KpiTable.Column.number("mrr_at_start", "MRR AT START", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_at_end", "MRR AT END", Unit.CURRENCY)),
                drillDown);
    }
}
