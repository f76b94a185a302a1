package io.vitals.kpi.cohort;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import io.vitals.store.SqlDialect;
import io.vitals.store.StoreTime;
import io.vitals.store.SubscriptionSql;

/**
 * Cohort retention: customers grouped by the calendar month they joined, and for each cohort the
 * share still paying 0, 1, 2, ... months after the end of that month.
 *
 * <p>A customer joins in the month (UTC) its first paying subscription span starts (the earliest
 * {@code started_at} over spans with {@code mrr_cents > 0}); with {@code cohortBy = SIGNUP}, the
 * month of {@code customers.signup_at}, so every customer is a member, paying or not. The cohorts
 * of a query are the months whose first day lies in the period {@code [from, to)}; a period that
 * starts mid-month leaves that month out. For cohort month M and age k, retention(k) = members
 * paying at the boundary "first day of month M+k+1" / cohort size x 100, paying at a boundary b
 * meaning a paying span with {@code started_at < b <= ended_at} (or still running). A customer who
 * lapsed and came back counts again at every boundary it pays at. Only ages whose boundary is no
 * later than {@code to} are observable; later cells are null, as are the cells of an empty cohort.
 *
 * <p>The single value is the retention of the period's cohorts at the period end: members of all
 * its cohorts paying at {@code to} / all members x 100; for a one-month period it is that
 * cohort's m0. No month starting in the period, or no members, is no data; so is a segment with
 * no subscription at all (trials and free plans included) started before the period's end, where
 * signup cohorts would read as 0 % paying only because billing knows none of its customers.
 */
@Component(service = Kpi.class, configurationPid = CohortRetention.PID, property = Kpi.ID_PROPERTY + "=cohort-retention")
@Designate(ocd = CohortRetention.Config.class)
public class CohortRetention implements Kpi {

    static final String PID = "vitals.kpi.cohort_retention";

    @ObjectClassDefinition(name = "KPI: Cohort retention")
    public @interface Config {
        @AttributeDefinition(description = "What puts a customer in a monthly cohort: the start of its first paying "
                + "subscription (FIRST_PAYMENT) or its signup (SIGNUP).")
        CohortBy cohortBy() default CohortBy.FIRST_PAYMENT;
    }

    public enum CohortBy {
        FIRST_PAYMENT, SIGNUP
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(CohortBy cohortBy) {
        public static final Settings DEFAULT = new Settings(CohortBy.FIRST_PAYMENT);

        public Settings {
            if (cohortBy == null) {
                throw new IllegalArgumentException("cohortBy must be FIRST_PAYMENT or SIGNUP, not null");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.cohortBy());
        }
    }

    /** Binds {@code :minMrr} so that {@link SubscriptionSql#customersAt} counts paying customers only. */
    private static final Map<String, Object> PAYING = Map.of("minMrr", 1);

    /** Each customer with the instant it joined its cohort. */
    private static String members(CohortBy by) {
        return switch (by) {
            case FIRST_PAYMENT -> "SELECT customer_id, min(started_at) AS joined FROM subscriptions WHERE mrr_cents > 0 GROUP BY customer_id";
            case SIGNUP -> "SELECT id AS customer_id, signup_at AS joined FROM customers";
        };
    }

    /** The members of the period's cohorts, and which of them pay at the period end. */
    private static String cohortMembers(List<LocalDate> cohorts, CohortBy by) {
        StringBuilder values = new StringBuilder();
        for (LocalDate month : cohorts) {
            values.append(values.isEmpty() ? "" : ", ").append('(').append(StoreTime.epochSeconds(month)).append(", ")
                    .append(StoreTime.epochSeconds(month.plusMonths(1))).append(')');
        }
        return "cohorts(cohort_start, cohort_end) AS (VALUES " + values + "),\n"
                + "members AS (" + members(by) + "),\n"
                // computed once: SQLite 3.50 otherwise inlines it into each of its three uses and reads members
                // three times (1.07 s vs 0.70 s on 1 M customers); PostgreSQL materialises a CTE used twice anyway
                + "cohort_members AS MATERIALIZED (\n"
                + "  SELECT k.cohort_start, m.customer_id, m.joined FROM cohorts k\n"
                + "  JOIN members m ON m.joined >= k.cohort_start AND m.joined < k.cohort_end\n"
                + "),\n"
                + "paying_at_end AS (" + SubscriptionSql.customersAt(":to") + ")";
    }

    /**
     * One row per cohort and observable age (a cohort without one has a single row with a null age),
     * each carrying the cohort's size and the period's totals, so Java only divides.
     */
    private static String matrix(List<LocalDate> cohorts, LocalDate to, CohortBy by) {
        StringBuilder grid = new StringBuilder();
        for (LocalDate month : cohorts) {
            for (int age = 0; !month.plusMonths(age + 1).isAfter(to); age++) {
                grid.append(grid.isEmpty() ? "" : ", ").append('(').append(StoreTime.epochSeconds(month)).append(", ")
                        .append(age).append(", ").append(StoreTime.epochSeconds(month.plusMonths(age + 1))).append(')');
            }
        }
        // no observable age at all (a period shorter than a month): an empty grid
        String gridSql = grid.isEmpty() ? "SELECT 0 AS cohort_start, 0 AS age, 0 AS boundary WHERE 1 = 0" : "VALUES " + grid;
        return "WITH " + cohortMembers(cohorts, by) + ",\n"
                + "grid(cohort_start, age, boundary) AS (" + gridSql + "),\n"
                + """
                sizes AS (
                  SELECT cohort_start, count(*) AS size FROM cohort_members GROUP BY cohort_start
                ),
                paying AS (
                  SELECT DISTINCT g.cohort_start, g.age, cm.customer_id
                  FROM grid g
                  JOIN cohort_members cm ON cm.cohort_start = g.cohort_start
                  JOIN subscriptions s ON s.customer_id = cm.customer_id
                """ + "  WHERE s.mrr_cents > 0 AND " + SubscriptionSql.covers("s.", "g.boundary") + "\n" + """
                ),
                retained AS (
                  SELECT cohort_start, age, count(*) AS paying FROM paying GROUP BY cohort_start, age
                ),
                totals AS (
                  SELECT count(*) AS customers,
                         count(p.customer_id) AS paying_at_end,
                         count(DISTINCT cm.cohort_start) AS cohorts,
                         CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE started_at < :to) THEN 1 ELSE 0 END AS billing_known
                  FROM cohort_members cm LEFT JOIN paying_at_end p ON p.customer_id = cm.customer_id
                )
                SELECT k.cohort_start, g.age, coalesce(z.size, 0) AS size, coalesce(r.paying, 0) AS paying,
                       t.customers, t.paying_at_end, t.cohorts, t.billing_known
                FROM cohorts k
                CROSS JOIN totals t
                LEFT JOIN grid g ON g.cohort_start = k.cohort_start
                LEFT JOIN sizes z ON z.cohort_start = k.cohort_start
                LEFT JOIN retained r ON r.cohort_start = g.cohort_start AND r.age = g.age
                ORDER BY k.cohort_start, g.age""";
    }

    /** The months whose first day lies in the period. */
    static List<LocalDate> cohortMonths(KpiQuery query) {
        LocalDate from = query.period().from();
        LocalDate month = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
        List<LocalDate> months = new ArrayList<>();
        for (; month.isBefore(query.period().to()); month = month.plusMonths(1)) {
            months.add(month);
        }
        return months;
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CohortRetention(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CohortRetention(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        String joins = s.cohortBy() == CohortBy.FIRST_PAYMENT
                ? "the month its first paying subscription started"
                : "its signup month (every customer, paying or not)";
        return KpiDefinition.builder("cohort-retention")
                .name("Cohort retention")
                .category(Category.RETENTION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("Of the customers who joined in each month, the share still paying month after month.")
                .formula("a customer's cohort is " + joins + "; the cohorts are the months starting in the period;"
                        + " retention of cohort M at age k = members paying on the first day of month M+k+1 / cohort size x 100"
                        + " (ages after the period end are not observable);"
                        + " the value = members of the period's cohorts paying at the period end / their number x 100")
                .parameter("cohortBy", s.cohortBy(), Settings.DEFAULT.cohortBy(), "FIRST_PAYMENT or SIGNUP")
                .needs(s.cohortBy() == CohortBy.FIRST_PAYMENT ? new String[] {"subscriptions"}
                        : new String[] {"customers (signup_at)", "subscriptions"})
                .drillDown("lost", "retained")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        List<LocalDate> months = cohortMonths(query);
        if (months.isEmpty()) {
            return KpiResult.noData("no calendar month starts in " + query.period() + ", so it has no cohorts");
        }
        List<Row> rows = store.query(matrix(months, query.period().to(), settings.cohortBy()), query, PAYING, Row::copy);
        Row totals = rows.get(0);
        long customers = totals.count("customers");
        long payingAtEnd = totals.count("paying_at_end");
        if (customers > 0 && totals.count("billing_known") == 0) {
            return KpiResult.noData("no subscriptions recorded for " + query.segment() + " by the end of " + query.period()
                    + ", so whether its " + customers + " signups pay is unknown");
        }

        // rows come ordered by cohort and age, so each cohort's cells arrive in age order
        Map<Long, List<Object>> cohorts = new LinkedHashMap<>();
        Map<Long, Long> sizes = new HashMap<>();
        int maxAge = -1;
        for (Row row : rows) {
            long start = row.longValue("cohort_start");
            long size = row.count("size");
            sizes.put(start, size);
            List<Object> cells = cohorts.computeIfAbsent(start, k -> new ArrayList<>());
            Long age = row.longValue("age");
            if (age != null) {
                cells.add(size == 0 ? null : row.count("paying") * 100.0 / size);
                maxAge = Math.max(maxAge, age.intValue());
            }
        }
        List<KpiTable.Column> columns = new ArrayList<>(List.of(KpiTable.Column.text("cohort", "COHORT"),
                KpiTable.Column.number("size", "SIZE", Unit.COUNT)));
        for (int k = 0; k <= maxAge; k++) {
            columns.add(KpiTable.Column.number("m" + k, "M" + k, Unit.PERCENT));
        }
        List<List<Object>> table = new ArrayList<>();
        for (Map.Entry<Long, List<Object>> cohort : cohorts.entrySet()) {
            List<Object> line = new ArrayList<>();
            LocalDate month = StoreTime.day(cohort.getKey());
            line.add(String.format("%d-%02d", month.getYear(), month.getMonthValue()));
            line.add(sizes.get(cohort.getKey()));
            line.addAll(cohort.getValue());
            while (line.size() < columns.size()) {
                line.add(null);
            }
            table.add(line);
        }
        return KpiResult.ratio(payingAtEnd, customers, 100, customers,
                        "no customers joined in the cohort months of " + query.period() + " for " + query.segment())
                .with("cohorts", totals.count("cohorts"))
                .with("customers", customers)
                .with(new KpiTable("cohorts", "Retention by cohort month and age in months", columns, table));
    }

    /** The members of the period's cohorts who pay, or no longer pay, at the period end, by cohort. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        String subset = switch (drillDown.subset()) {
            case "lost" -> "p.customer_id IS NULL";
            case "retained" -> "p.customer_id IS NOT NULL";
            default -> throw new InvalidQueryException("cohort-retention has no subset '" + drillDown.subset()
                    + "'; its subsets: lost, retained");
        };
        List<LocalDate> months = cohortMonths(query);
        List<KpiTable.Column> columns = CustomerColumns.with(KpiTable.Column.text("cohort", "COHORT"),
                KpiTable.Column.text("joined", "JOINED"));
        if (months.isEmpty()) {
            return new KpiTable("customers", "no cohorts in " + query.period(), columns, List.of());
        }
        SqlDialect dialect = store.dialect();
        String sql = "WITH " + cohortMembers(months, settings.cohortBy()) + "\n"
                + "SELECT " + CustomerColumns.SQL + ", " + dialect.monthOf("cm.cohort_start") + " AS cohort, "
                + dialect.isoDate("cm.joined") + " AS joined\n"
                + "FROM customers c JOIN cohort_members cm ON cm.customer_id = c.id\n"
                + "LEFT JOIN paying_at_end p ON p.customer_id = c.id\n"
                + "WHERE " + subset + "\nORDER BY cm.cohort_start, cm.joined, c.id";
        return store.table("customers", "Cohort members " + drillDown.subset() + " at the end of " + query.period(), sql,
                query, PAYING, columns, drillDown);
    }
}
