package io.vitals.kpi.arpa;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
import io.vitals.store.SubscriptionSql;

/**
 * Average revenue per account (ARPA), or per user (ARPU), at the end of the period.
 *
 * <p>MRR at the end is the sum of the paying spans ({@code mrr_cents > 0}) covering the instant
 * just before {@code to}, as the {@code mrr} KPI computes it; the accounts are the customers with
 * such a span. {@link Per#ACCOUNT} (default) divides that MRR by the number of those accounts.
 * {@link Per#USER} divides it by the product users of those accounts created before {@code to};
 * users of customers not paying at the end, and users created at or after {@code to}, are not
 * counted. The answer is in currency units a month. Nothing to divide by (no paying account, or no
 * user of one) is "no data".
 */
@Component(service = Kpi.class, configurationPid = AverageRevenuePerAccount.PID, property = Kpi.ID_PROPERTY + "=arpa")
@Designate(ocd = AverageRevenuePerAccount.Config.class)
public class AverageRevenuePerAccount implements Kpi {

    static final String PID = "vitals.kpi.arpa";

    @ObjectClassDefinition(name = "KPI: Average revenue per account")
    public @interface Config {
        @AttributeDefinition(description = "ACCOUNT: MRR per paying account (ARPA); USER: MRR per user of the paying "
                + "accounts (ARPU).")
        Per per() default Per.ACCOUNT;
    }

    public enum Per {
        ACCOUNT, USER
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(Per per) {
        public static final Settings DEFAULT = new Settings(Per.ACCOUNT);

        public Settings {
            if (per == null) {
                throw new IllegalArgumentException("arpa per must be ACCOUNT or USER, not null");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.per());
        }
    }

    private static final String END_MRR = "WITH end_mrr AS (" + SubscriptionSql.mrrAt(":to") + ")\n";

    private static final String PER_ACCOUNT = END_MRR + """
            SELECT count(*) AS account_count, coalesce(sum(mrr), 0) AS mrr_cents
            FROM end_mrr""";

    private static final String PER_USER = END_MRR + """
            SELECT (SELECT count(*) FROM end_mrr) AS account_count,
                   (SELECT coalesce(sum(mrr), 0) FROM end_mrr) AS mrr_cents,
                   (SELECT count(*) FROM users u JOIN end_mrr e ON e.customer_id = u.customer_id
                    WHERE u.created_at < :to) AS user_count""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public AverageRevenuePerAccount(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public AverageRevenuePerAccount(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        boolean perUser = s.per() == Per.USER;
        return KpiDefinition.builder("arpa")
                .name("Average revenue per account")
                .category(Category.FINANCIAL)
                .unit(Unit.CURRENCY)
                .direction(Direction.HIGHER_IS_BETTER)
                .description(perUser ? "Recurring revenue per month for each user of your paying accounts, at the end of the period."
                        : "Recurring revenue per month for each paying account, at the end of the period.")
                .formula(perUser
                        ? "ARPU: MRR at the period end / users created before the period end that belong to customers paying"
                                + " at the end"
                        : "MRR at the period end / customers paying at the period end (a subscription with MRR > 0)")
                .parameter("per", s.per(), Settings.DEFAULT.per(), "ACCOUNT (ARPA) or USER (ARPU)")
                .needs(perUser ? new String[] {"subscriptions", "users"} : new String[] {"subscriptions"})
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        if (s.per() == Per.ACCOUNT) {
            Row row = store.queryRow(PER_ACCOUNT, query, Map.of());
            long accounts = row.count("account_count");
            double mrr = row.count("mrr_cents") / 100.0;
            return KpiResult.ratio(mrr, accounts, 1, accounts,
                            "no paying customers at the end of " + query.period() + " for " + query.segment())
                    .with("mrr", mrr)
                    .with("accounts", accounts);
        }
        Row row = store.queryRow(PER_USER, query, Map.of());
        long users = row.count("user_count");
        double mrr = row.count("mrr_cents") / 100.0;
        return KpiResult.ratio(mrr, users, 1, users,
                        (row.count("account_count") == 0 ? "no paying customers" : "no users of the paying customers")
                                + " at the end of " + query.period() + " for " + query.segment())
                .with("mrr", mrr)
                .with("users", users);
    }
}
