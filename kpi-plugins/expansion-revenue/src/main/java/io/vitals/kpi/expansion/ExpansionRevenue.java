package io.vitals.kpi.expansion;

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
 * Upsell and cross-sell revenue of the period, in currency units.
 *
 * <p>{@link Source#DEALS} (default): the sum of {@code amount_cents} of CRM deals of kind
 * {@code upsell} or {@code cross_sell} in stage {@code won} whose {@code closed_at} falls in the
 * half-open period. Every such deal counts, whether or not its customer was paying at the time;
 * a deal without a customer counts for all customers and falls outside every segment (the store's
 * segment scoping keeps only rows of the segment's customers). Renewals and new business are not
 * expansion.
 *
 * <p>{@link Source#MRR}: the expansion MRR of the period, as the {@code mrr} KPI computes it: for
 * each customer paying at the start ({@code before > 0}) whose MRR at the end is higher, the
 * increase {@code after - before}. MRR at a boundary is the sum of paying spans covering the
 * instant just before it. New and reactivated customers ({@code before = 0}) are not expansion.
 *
 * <p>Either way, a period in which no customer was paying (a paying span overlapping it) has no
 * data; one with paying customers and no expansion is a real 0. With {@code DEALS}, a segment
 * without a single deal of any kind recorded before the period's end is no data too: the CRM
 * knows nothing of its customers, which is not the same as knowing they bought nothing.
 */
@Component(service = Kpi.class, configurationPid = ExpansionRevenue.PID, property = Kpi.ID_PROPERTY + "=expansion-revenue")
@Designate(ocd = ExpansionRevenue.Config.class)
public class ExpansionRevenue implements Kpi {

    static final String PID = "vitals.kpi.expansion_revenue";

    @ObjectClassDefinition(name = "KPI: Upsell and cross-sell revenue")
    public @interface Config {
        @AttributeDefinition(description = "DEALS: won upsell and cross-sell deals closed in the period; "
                + "MRR: expansion MRR (increases of customers already paying at the start).")
        Source source() default Source.DEALS;
    }

    public enum Source {
        DEALS, MRR
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(Source source) {
        public static final Settings DEFAULT = new Settings(Source.DEALS);

        public Settings {
            if (source == null) {
                throw new IllegalArgumentException("expansion-revenue source must be DEALS or MRR, not null");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.source());
        }
    }

    /** How many customers were paying during the period. */
    private static final String PAYING_COUNT = "SELECT count(*) FROM (" + SubscriptionSql.PAYING_DURING + ") paying";

    /** Won upsell and cross-sell deals closed in the period; {@code d} is the table alias with its dot, or "". */
    private static String wonExpansionDeals(String d) {
        return d + "stage = 'won' AND " + d + "kind IN ('upsell', 'cross_sell') AND " + d + "closed_at >= :from AND "
                + d + "closed_at < :to";
    }

    private static final String FROM_DEALS = "SELECT (" + PAYING_COUNT + ") AS active_customers,\n"
            + """
                   CASE WHEN EXISTS (SELECT 1 FROM deals WHERE created_at < :to) THEN 1 ELSE 0 END AS crm_has_deals,
                   count(*) AS deal_count,
                   coalesce(sum(amount_cents) FILTER (WHERE kind = 'upsell'), 0) AS upsell_cents,
                   coalesce(sum(amount_cents) FILTER (WHERE kind = 'cross_sell'), 0) AS cross_sell_cents
            FROM deals
            """ + "WHERE " + wonExpansionDeals("");

    /** Each customer paying at the start whose MRR at the end is higher, with the increase in cents. */
    private static final String EXPANDED = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            expanded AS (
              SELECT customer_id, after - before AS increase FROM mrr_change WHERE before > 0 AND after > before
            )
            """;

    private static final String FROM_MRR = EXPANDED + "SELECT (" + PAYING_COUNT + ") AS active_customers,\n"
            + """
                   count(*) AS expanded_customers,
                   coalesce(sum(increase), 0) AS expansion_cents
            FROM expanded""";

    private static final String DRILL_DEALS = "SELECT " + CustomerColumns.SQL + """
            , sum(d.amount_cents) / 100.0 AS amount
            FROM customers c JOIN deals d ON d.customer_id = c.id
            """ + "WHERE " + wonExpansionDeals("d.")
            + "\nGROUP BY c.id, c.external_id, c.name, c.plan, c.region, c.csm_owner"
            + "\nORDER BY sum(d.amount_cents) DESC, c.id";

    private static final String DRILL_MRR = EXPANDED + "SELECT " + CustomerColumns.SQL + """
            , x.increase / 100.0 AS amount
            FROM customers c JOIN expanded x ON x.customer_id = c.id
            ORDER BY x.increase DESC, c.id""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public ExpansionRevenue(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public ExpansionRevenue(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("expansion-revenue")
                .name("Upsell and cross-sell revenue")
                .category(Category.EXPANSION)
                .unit(Unit.CURRENCY)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("Revenue the period gained from customers buying more: upsells and cross-sells.")
                .formula(s.source() == Source.DEALS
                        ? "sum of the amounts of won 'upsell' and 'cross_sell' deals closed in the period (every such deal,"
                                + " whoever the customer; deals without a customer count only for all customers)"
                        : "expansion MRR: for customers paying at the period start whose MRR at the end is higher,"
                                + " MRR at end - MRR at start; new and reactivated customers excluded")
                .parameter("source", s.source(), Settings.DEFAULT.source(), "DEALS (won upsell and cross-sell deals) or MRR"
                        + " (expansion MRR)")
                .needs(s.source() == Source.DEALS
                        ? new String[] {"subscriptions", "deals (kind 'upsell' or 'cross_sell', stage 'won')"}
                        : new String[] {"subscriptions"})
                .drillDown("expanded")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(s.source() == Source.DEALS ? FROM_DEALS : FROM_MRR, query, Map.of());
        long active = row.count("active_customers");
        if (active == 0) {
            return KpiResult.noData("no customers paying during " + query.period() + " for " + query.segment());
        }
        if (s.source() == Source.DEALS) {
            if (row.count("crm_has_deals") == 0) {
                return KpiResult.noData("no deals recorded for " + query.segment() + " by the end of " + query.period()
                        + ", so whether any upsell or cross-sell was won is unknown");
            }
            long upsell = row.count("upsell_cents");
            long crossSell = row.count("cross_sell_cents");
            return KpiResult.value((upsell + crossSell) / 100.0, active)
                    .with("upsellRevenue", upsell / 100.0)
                    .with("crossSellRevenue", crossSell / 100.0)
                    .with("deals", row.count("deal_count"));
        }
        return KpiResult.value(row.count("expansion_cents") / 100.0, active)
                .with("expandedCustomers", row.count("expanded_customers"));
    }

    /** The customers behind the revenue, with what each brought in the period, largest first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"expanded".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'expansion-revenue' has no subset '" + drillDown.subset()
                    + "'; its subsets: expanded");
        }
        Settings s = settings;
        return store.table("expanded", "Expansion " + (s.source() == Source.DEALS ? "deals" : "MRR") + ", " + query.period(),
                s.source() == Source.DEALS ? DRILL_DEALS : DRILL_MRR, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.number("amount", "AMOUNT", Unit.CURRENCY)), drillDown);
    }
}
