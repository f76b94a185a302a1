package io.vitals.kpi.costtoserve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import io.vitals.store.SqlLists;
import io.vitals.store.SubscriptionSql;

/**
 * Cost to serve: what serving customers cost in the period, per active customer, in currency units.
 *
 * <p>The cost is the sum of {@code costs} in the configured categories (default support, success
 * and infrastructure; churn costs are not a cost of serving) whose {@code incurred_at} falls in the
 * half-open period: the costs attributed to a customer, whoever the customer (paying or not), and
 * the shared costs without a customer ({@code customer_id} NULL). The active customers are those
 * paying during the period: a subscription span with MRR above zero overlapping it. Shared costs
 * count for all customers only: when a segment is asked, the store's segment scoping keeps just the
 * segment's customers' rows, so shared costs fall outside every segment and the segment's cost is
 * its attributed cost alone. No paying customers in the period is "no data"; so is a period without
 * a single cost record of the configured categories (for the segment), since costs not booked are
 * unknown, not zero, while cost records that add up to 0 are 0.
 */
@Component(service = Kpi.class, configurationPid = CostToServe.PID, property = Kpi.ID_PROPERTY + "=cost-to-serve")
@Designate(ocd = CostToServe.Config.class)
public class CostToServe implements Kpi {

    static final String PID = "vitals.kpi.cost_to_serve";

    static final String DEFAULT_CATEGORIES = "support,success,infrastructure";

    @ObjectClassDefinition(name = "KPI: Cost to serve")
    public @interface Config {
        @AttributeDefinition(description = "The cost categories that count, comma-separated (e.g. support,success,infrastructure).")
        String categories() default DEFAULT_CATEGORIES;
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(List<String> categories) {
        public static final Settings DEFAULT = parse(DEFAULT_CATEGORIES);

        public Settings {
            if (categories == null || categories.isEmpty()) {
                throw new IllegalArgumentException("cost-to-serve categories must name at least one cost category, e.g. "
                        + DEFAULT_CATEGORIES);
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String category : categories) {
                if (category == null || category.isBlank() || !category.equals(category.trim())) {
                    throw new IllegalArgumentException("cost-to-serve categories must be non-empty names without surrounding"
                            + " spaces, e.g. " + DEFAULT_CATEGORIES + "; got " + categories);
                }
                if (!seen.add(category)) {
                    throw new IllegalArgumentException("cost-to-serve category '" + category + "' is named twice in " + categories);
                }
            }
            categories = List.copyOf(categories);
        }

        /** Comma-separated names, spaces around each ignored: "support, success". */
        public static Settings parse(String commaSeparated) {
            if (commaSeparated == null || commaSeparated.isBlank()) {
                throw new IllegalArgumentException("cost-to-serve categories must name at least one cost category, e.g. "
                        + DEFAULT_CATEGORIES);
            }
            List<String> names = new ArrayList<>();
            for (String name : commaSeparated.split(",", -1)) {
                if (name.isBlank()) {
                    throw new IllegalArgumentException("cost-to-serve categories '" + commaSeparated
                            + "' has an empty name; expected comma-separated names such as " + DEFAULT_CATEGORIES);
                }
                names.add(name.trim());
            }
            return new Settings(names);
        }

        static Settings of(Config c) {
            return parse(c.categories());
        }

        /** The categories as the configuration writes them. */
        public String text() {
            return String.join(",", categories);
        }
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CostToServe(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CostToServe(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("cost-to-serve")
                .name("Cost to serve")
                .category(Category.FINANCIAL)
                .unit(Unit.CURRENCY)
                .direction(Direction.LOWER_IS_BETTER)
                .description("What it cost to serve your customers in the period, per active customer.")
                .formula("sum of costs in the categories " + String.join(", ", s.categories()) + " incurred in the period"
                        + " (attributed to a customer, and shared costs without a customer) / customers paying during the period"
                        + " (a subscription with MRR > 0 overlapping it); shared costs count only for all customers:"
                        + " a segment leaves them out, its cost is what is attributed to its customers")
                .parameter("categories", s.text(), Settings.DEFAULT.text(), "cost categories that count, comma-separated")
                .needs("costs", "subscriptions")
                .drillDown("costliest")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Map<String, Object> params = new HashMap<>();
        String inCategories = SqlLists.in("category", "category", s.categories(), params);
        // SqlLists.in binds the categories as :category0, :category1, ... in order
        StringBuilder perCategory = new StringBuilder();
        for (int i = 0; i < s.categories().size(); i++) {
            perCategory.append(",\n       coalesce(sum(amount_cents) FILTER (WHERE category = :category").append(i)
                    .append("), 0) AS category").append(i).append("_cents");
        }
        String sql = "SELECT (SELECT count(*) FROM (" + SubscriptionSql.PAYING_DURING + ") paying) AS active_customers,\n"
                + """
                       count(*) AS entries,
                       coalesce(sum(amount_cents), 0) AS total_cents,
                       coalesce(sum(amount_cents) FILTER (WHERE customer_id IS NULL), 0) AS shared_cents"""
                + perCategory + "\nFROM costs\nWHERE " + inCategories + " AND incurred_at >= :from AND incurred_at < :to";
        Row row = store.queryRow(sql, query, params);
        long active = row.count("active_customers");
        long total = row.count("total_cents");
        long shared = row.count("shared_cents");
        if (active > 0 && row.count("entries") == 0) {
            return KpiResult.noData("no costs (" + String.join(", ", s.categories()) + ") recorded in " + query.period()
                    + " for " + query.segment());
        }
        KpiResult result = KpiResult.ratio(total / 100.0, active, 1, active,
                        "no customers paying during " + query.period() + " for " + query.segment())
                .with("totalCost", total / 100.0)
                .with("sharedCost", shared / 100.0)
                .with("attributedCost", (total - shared) / 100.0)
                .with("activeCustomers", active);
        for (int i = 0; i < s.categories().size(); i++) {
            result = result.with(s.categories().get(i), row.count("category" + i + "_cents") / 100.0);
        }
        return result;
    }

    /** The customers with costs attributed to them in the period, costliest first; shared costs belong to nobody. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"costliest".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'cost-to-serve' has no subset '" + drillDown.subset() + "'; its subsets: costliest");
        }
        Map<String, Object> params = new HashMap<>();
        String sql = "SELECT " + CustomerColumns.SQL + ", sum(k.amount_cents) / 100.0 AS cost\n"
                + "FROM customers c JOIN costs k ON k.customer_id = c.id\n"
                + "WHERE " + SqlLists.in("k.category", "category", settings.categories(), params)
                + " AND k.incurred_at >= :from AND k.incurred_at < :to\n"
                + "GROUP BY c.id, c.external_id, c.name, c.plan, c.region, c.csm_owner\n"
                + "ORDER BY sum(k.amount_cents) DESC, c.id";
        return store.table("costliest", "Cost to serve per customer, " + query.period(), sql, query, params,
                CustomerColumns.with(KpiTable.Column.number("cost", "COST", Unit.CURRENCY)), drillDown);
    }
}
