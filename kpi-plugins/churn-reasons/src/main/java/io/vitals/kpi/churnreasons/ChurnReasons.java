package io.vitals.kpi.churnreasons;

import java.util.ArrayList;
import java.util.List;
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
import io.vitals.store.StoreTime;
import io.vitals.store.SubscriptionSql;

/**
 * Churned MRR by cancellation reason: the MRR at the start of the period of the customers paying then
 * and not at its end (as churn-cost and customer-churn-rate count them), told by the reason of each one's
 * latest cancellation recorded before the period's end and no earlier than {@code lookbackDays} before
 * its start. A churned customer without one counts under "(no reason recorded)", so the reasons always
 * add up to the churned MRR. The value is the churned MRR; the table {@code reasons} gives customers, MRR
 * and share of the churned MRR per reason, the largest first. No customers paying at the start is no data.
 */
@Component(service = Kpi.class, configurationPid = ChurnReasons.PID, property = Kpi.ID_PROPERTY + "=churn-reasons")
@Designate(ocd = ChurnReasons.Config.class)
public class ChurnReasons implements Kpi {

    static final String PID = "vitals.kpi.churn_reasons";

    /** The reason of a churned customer whose cancellation was not recorded. */
    public static final String NO_REASON = "(no reason recorded)";

    @ObjectClassDefinition(name = "KPI: Churned MRR by cancellation reason")
    public @interface Config {
        @AttributeDefinition(description = "How many days before the period a cancellation may be recorded and still tell why a"
                + " customer churned in it (a cancellation at the period end takes effect later)")
        int lookbackDays() default 90;
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(int lookbackDays) {
        public static final Settings DEFAULT = new Settings(90);

        public Settings {
            if (lookbackDays < 0 || lookbackDays > 3660) {
                throw new IllegalArgumentException("lookbackDays must be between 0 and 3660; got " + lookbackDays);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.lookbackDays());
        }
    }

    /** Each churned customer with its MRR at the start and the reason of its latest cancellation in the window. */
    private static final String CHURNED = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            churned AS (
              SELECT customer_id, before AS mrr FROM mrr_change WHERE before > 0 AND after = 0
            ),
            latest AS (
              SELECT x.customer_id, x.reason,
                     row_number() OVER (PARTITION BY x.customer_id ORDER BY x.canceled_at DESC, x.id DESC) AS n
              FROM cancellations x JOIN churned ch ON ch.customer_id = x.customer_id
              WHERE x.canceled_at < :to AND x.canceled_at >= :since
            ),
            told AS (
              SELECT ch.customer_id, ch.mrr, coalesce(nullif(trim(l.reason), ''), :noReason) AS reason
              FROM churned ch LEFT JOIN latest l ON l.customer_id = ch.customer_id AND l.n = 1
            )
            """;

    private static final String SQL = CHURNED + """
            , at_start AS (SELECT count(*) AS customers FROM mrr_change WHERE before > 0)
            SELECT s.customers AS customers_at_start, t.reason, t.churned, t.mrr
            FROM at_start s LEFT JOIN (
              SELECT reason, count(*) AS churned, sum(mrr) AS mrr FROM told GROUP BY reason
            ) t ON 1 = 1
            ORDER BY t.mrr DESC, t.reason""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public ChurnReasons(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public ChurnReasons(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("churn-reasons")
                .name("Churned MRR by cancellation reason")
                .category(Category.RETENTION)
                .unit(Unit.CURRENCY)
                .direction(Direction.LOWER_IS_BETTER)
                .description("The recurring revenue lost with churned customers, by the reason they gave when they cancelled"
                        + " (table 'reasons').")
                .formula("MRR at period start of customers paying at the start and not at the end, grouped by the reason of"
                        + " each one's latest cancellation before the end and at most " + s.lookbackDays()
                        + " days before the start; none: " + NO_REASON)
                .parameter("lookbackDays", s.lookbackDays(), Settings.DEFAULT.lookbackDays(),
                        "how many days before the period a cancellation still tells why a customer churned in it")
                .needs("subscriptions", "cancellations")
                .drillDown("churned")
                .build();
    }

    private Map<String, Object> params(KpiQuery query) {
        long since = StoreTime.epochSeconds(query.period().from().minusDays(settings.lookbackDays()));
        return Map.of("since", since, "noReason", NO_REASON);
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        List<Row> rows = store.query(SQL, query, params(query), Row::copy);
        long atStart = rows.get(0).count("customers_at_start");
        if (atStart == 0) {
            return KpiResult.noData("no paying customers at the start of " + query.period() + " for " + query.segment());
        }
        long lost = 0;
        long churned = 0;
        for (Row r : rows) {
            if (r.string("reason") != null) {
                lost += r.count("mrr");
                churned += r.count("churned");
            }
        }
        List<List<Object>> table = new ArrayList<>();
        long told = 0;
        for (Row r : rows) {
            if (r.string("reason") == null) {
                continue;
            }
            long mrr = r.count("mrr");
            if (!NO_REASON.equals(r.string("reason"))) {
                told += r.count("churned");
            }
            table.add(List.of(r.string("reason"), r.count("churned"), mrr / 100.0, 100.0 * mrr / lost));
        }
        return KpiResult.value(lost / 100.0, atStart)
                .with("churnedCustomers", churned)
                .with("withReason", told)
                .with(new KpiTable("reasons", "Churned MRR by reason, " + query.period(), List.of(
                        KpiTable.Column.text("reason", "REASON"),
                        KpiTable.Column.number("customers", "CUSTOMERS", Unit.COUNT),
                        KpiTable.Column.number("mrr", "MRR LOST", Unit.CURRENCY),
                        KpiTable.Column.number("share", "SHARE", Unit.PERCENT)), table));
    }

    /** The churned customers with their reason, largest lost MRR first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"churned".equals(drillDown.subset())) {
            throw new InvalidQueryException("churn-reasons has no subset '" + drillDown.subset() + "'; its subsets: churned");
        }
        String sql = CHURNED + "SELECT " + CustomerColumns.SQL + ", t.reason AS reason, t.mrr / 100.0 AS mrr_lost\n"
                + "FROM customers c JOIN told t ON t.customer_id = c.id\n"
                + "ORDER BY t.mrr DESC, c.id";
        return store.table("customers", "Churned customers and their reasons, " + query.period(), sql, query, params(query),
                CustomerColumns.with(KpiTable.Column.text("reason", "REASON"),
                        KpiTable.Column.number("mrr_lost", "MRR LOST", Unit.CURRENCY)), drillDown);
    }
}
