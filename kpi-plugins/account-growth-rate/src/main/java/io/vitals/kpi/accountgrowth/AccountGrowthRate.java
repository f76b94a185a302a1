package io.vitals.kpi.accountgrowth;

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
 * Customer account growth rate: how much the recurring revenue of a fixed set of accounts grew
 * (or shrank) over the period, in percent.
 *
 * <p>Per customer, {@code before} is the MRR at the start and {@code after} the MRR at the end,
 * each the sum of the paying spans ({@code mrr_cents > 0}) covering the instant just before the
 * boundary, as the {@code mrr} KPI computes them. The accounts are, by {@link Accounts}:
 * {@code RETAINED} (default) the customers paying at both the start and the end, so churn is left
 * out and the rate measures how the accounts you kept grew; {@code ALL_AT_START} every customer
 * paying at the start, churned ones with an end revenue of 0, which makes the rate NRR - 100.
 * Customers new or reactivated in the period are never in the set. Rate = (sum of after - sum of
 * before) / sum of before x 100; it may be negative. No such accounts is "no data".
 */
@Component(service = Kpi.class, configurationPid = AccountGrowthRate.PID, property = Kpi.ID_PROPERTY + "=account-growth-rate")
@Designate(ocd = AccountGrowthRate.Config.class)
public class AccountGrowthRate implements Kpi {

    static final String PID = "vitals.kpi.account_growth_rate";

    @ObjectClassDefinition(name = "KPI: Customer account growth rate")
    public @interface Config {
        @AttributeDefinition(description = "RETAINED: accounts paying at both the start and the end of the period; "
                + "ALL_AT_START: every account paying at the start, churned ones included (the rate is then NRR - 100).")
        Accounts accounts() default Accounts.RETAINED;
    }

    public enum Accounts {
        RETAINED, ALL_AT_START
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(Accounts accounts) {
        public static final Settings DEFAULT = new Settings(Accounts.RETAINED);

        public Settings {
            if (accounts == null) {
                throw new IllegalArgumentException("account-growth-rate accounts must be RETAINED or ALL_AT_START, not null");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.accounts());
        }
    }

    /**
     * One row per customer paying at the start, with its MRR in cents at the start and at the end,
     * kept when its MRR at the end is at least {@code :minAfter} (1 leaves out the churned).
     */
    private static final String ACCOUNTS = "WITH " + SubscriptionSql.MRR_CHANGE + ",\n" + """
            accounts AS (
              SELECT customer_id, before, after FROM mrr_change WHERE before > 0 AND after >= :minAfter
            )
            """;

    private static final String SQL = ACCOUNTS + """
            SELECT count(*) AS account_count,
                   coalesce(sum(before), 0) AS start_cents,
                   coalesce(sum(after), 0) AS end_cents
            FROM accounts""";

    private static final String DRILL = ACCOUNTS + "SELECT " + CustomerColumns.SQL + """
            , x.before / 100.0 AS mrr_before, x.after / 100.0 AS mrr_after,
              (x.after - x.before) * 100.0 / x.before AS growth
            FROM customers c JOIN accounts x ON x.customer_id = c.id
            ORDER BY (x.after - x.before) * 100.0 / x.before DESC, c.id""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public AccountGrowthRate(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public AccountGrowthRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    private static String accountsInWords(Accounts accounts) {
        return accounts == Accounts.RETAINED ? "accounts paying at both the start and the end of the period"
                : "accounts paying at the start of the period, churned ones included";
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("account-growth-rate")
                .name("Customer account growth rate")
                .category(Category.EXPANSION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How much the recurring revenue of your existing accounts grew over the period; negative when it shrank.")
                .formula("(their MRR at the period end - their MRR at the period start) / their MRR at the start x 100, over the "
                        + accountsInWords(s.accounts())
                        + (s.accounts() == Accounts.ALL_AT_START ? " (= NRR - 100)" : "")
                        + "; customers new or reactivated in the period are excluded")
                .parameter("accounts", s.accounts(), Settings.DEFAULT.accounts(),
                        "RETAINED (paying at start and end) or ALL_AT_START (paying at start)")
                .needs("subscriptions")
                .drillDown("accounts")
                .build();
    }

    private static Map<String, Object> params(Settings s) {
        return Map.of("minAfter", s.accounts() == Accounts.RETAINED ? 1 : 0);
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(SQL, query, params(s));
        long accounts = row.count("account_count");
        long start = row.count("start_cents");
        long end = row.count("end_cents");
        return KpiResult.ratio((end - start) / 100.0, start / 100.0, 100, accounts,
                        (s.accounts() == Accounts.RETAINED ? "no accounts paying at both the start and the end of "
                                : "no accounts paying at the start of ") + query.period() + " for " + query.segment())
                .with("accounts", accounts)
                .with("revenueAtStart", start / 100.0)
                .with("revenueAtEnd", end / 100.0);
    }

    /** The accounts behind the rate, fastest growing first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        if (!"accounts".equals(drillDown.subset())) {
            throw new InvalidQueryException("KPI 'account-growth-rate' has no subset '" + drillDown.subset()
                    + "'; its subsets: accounts");
        }
        return store.table("accounts", "Account growth, " + query.period(), DRILL, query, params(settings),
                CustomerColumns.with(KpiTable.Column.number("mrr_before", "MRR BEFORE", Unit.CURRENCY),
                        KpiTable.Column.number("mrr_after", "MRR AFTER", Unit.CURRENCY),
                        KpiTable.Column.number("growth", "GROWTH", Unit.PERCENT)),
                drillDown);
    }
}
