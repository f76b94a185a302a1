package io.vitals.kpi.clv;

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
 * Customer lifetime value, in currency units, estimated from one period's behaviour.
 *
 * <p>Both variants take the lifetime from the period's customer churn rate {@code c} = customers
 * paying at the start (a span with {@code mrr_cents > 0} covering the instant just before
 * {@code from}) and not paying at the end (likewise for {@code to}) / customers paying at the
 * start. Customers won in the period are not in it, as for {@code customer-churn-rate}.
 *
 * <p>{@link Mode#CLASSIC} (default): purchases are invoices with status {@code paid} and kind
 * {@code recurring} or {@code one_off} (refunds excluded) issued in the half-open period, their
 * amount without tax. Average purchase value = purchase amount / purchases; purchase frequency =
 * purchases / distinct customers with a purchase; lifetime = 1 / c periods; CLV = value x frequency
 * x lifetime x gross margin.
 *
 * <p>{@link Mode#SUBSCRIPTION}: ARPA (MRR at the end / customers paying at the end) x gross margin
 * / monthly churn, where the period's rate is converted to a 30.436875-day month (an average
 * Gregorian month) by compounding: monthly churn = 1 - (1 - c)^(30.436875 / days in the period).
 *
 * <p>With c = 0 the lifetime is unbounded and CLV undefined: that is "no data" with the reason, as
 * are no paying customers at the start (no churn rate), no purchases (CLASSIC) and no paying
 * customers at the end (SUBSCRIPTION). The churn rates in the details are percentages; the gross
 * margin is a fraction. SQL answers the aggregates; Java combines them.
 */
@Component(service = Kpi.class, configurationPid = CustomerLifetimeValue.PID, property = Kpi.ID_PROPERTY + "=clv")
@Designate(ocd = CustomerLifetimeValue.Config.class)
public class CustomerLifetimeValue implements Kpi {

    static final String PID = "vitals.kpi.clv";

    /** Days in an average Gregorian month (365.2425 / 12). */
    static final double DAYS_PER_MONTH = 30.436875;

    @ObjectClassDefinition(name = "KPI: Customer lifetime value")
    public @interface Config {
        @AttributeDefinition(description = "CLASSIC: average purchase value x purchase frequency x lifetime; "
                + "SUBSCRIPTION: ARPA x gross margin / monthly customer churn rate.")
        Mode mode() default Mode.CLASSIC;

        @AttributeDefinition(description = "Share of revenue kept after the cost of serving it, above 0 and at most 1.")
        double grossMargin() default 1.0;
    }

    public enum Mode {
        CLASSIC, SUBSCRIPTION
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(Mode mode, double grossMargin) {
        public static final Settings DEFAULT = new Settings(Mode.CLASSIC, 1.0);

        public Settings {
            if (mode == null) {
                throw new IllegalArgumentException("clv mode must be CLASSIC or SUBSCRIPTION, not null");
            }
            if (!(grossMargin > 0 && grossMargin <= 1)) {
                throw new IllegalArgumentException("clv grossMargin must be above 0 and at most 1 (a fraction, 0.8 for 80 %); got "
                        + grossMargin);
            }
        }

        static Settings of(Config c) {
            return new Settings(c.mode(), c.grossMargin());
        }
    }

    /** Customers paying at the start, those of them not paying at the end, and the end's MRR. */
    private static final String CHURN_AND_END = "WITH " + SubscriptionSql.MRR_CHANGE + "\n" + """
            SELECT (SELECT count(*) FROM start_mrr) AS customers_at_start,
                   (SELECT count(*) FROM mrr_change WHERE before > 0 AND after = 0) AS churned,
                   (SELECT count(*) FROM end_mrr) AS paying_at_end,
                   (SELECT coalesce(sum(mrr), 0) FROM end_mrr) AS end_mrr_cents""";

    private static final String CLASSIC = CHURN_AND_END + """
            ,
                   p.purchases, p.purchase_cents, p.buyers
            FROM (SELECT count(*) AS purchases, coalesce(sum(amount_cents), 0) AS purchase_cents,
                         count(DISTINCT customer_id) AS buyers
                  FROM invoices
                  WHERE status = 'paid' AND kind IN ('recurring', 'one_off') AND issued_at >= :from AND issued_at < :to) p""";

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public CustomerLifetimeValue(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public CustomerLifetimeValue(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        String churn = "c = customers paying at the period start and not at its end / customers paying at the start";
        String margin = s.grossMargin() == 1.0 ? "" : " x gross margin " + s.grossMargin();
        return KpiDefinition.builder("clv")
                .name("Customer lifetime value")
                .category(Category.FINANCIAL)
                .unit(Unit.CURRENCY)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("What a customer is worth over its whole relationship with you, estimated from the period.")
                .formula((s.mode() == Mode.CLASSIC
                        ? "average purchase value x purchase frequency x average lifetime" + margin + "; purchases: paid"
                                + " 'recurring' and 'one_off' invoices issued in the period (amount without tax); frequency:"
                                + " purchases per purchasing customer; lifetime: 1 / c periods; "
                        : "ARPA (MRR at the period end / customers paying at the end) x gross margin " + s.grossMargin()
                                + " / monthly churn, monthly churn = 1 - (1 - c)^(30.436875 / days in the period); ")
                        + churn + "; no data when c = 0 (the lifetime cannot be estimated)")
                .parameter("mode", s.mode(), Settings.DEFAULT.mode(), "CLASSIC or SUBSCRIPTION")
                .parameter("grossMargin", s.grossMargin(), Settings.DEFAULT.grossMargin(), "share of revenue kept, above 0 and at most 1")
                .needs(s.mode() == Mode.CLASSIC
                        ? new String[] {"subscriptions", "invoices (status 'paid', kind 'recurring' or 'one_off')"}
                        : new String[] {"subscriptions"})
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Row row = store.queryRow(s.mode() == Mode.CLASSIC ? CLASSIC : CHURN_AND_END, query, Map.of());
        long atStart = row.count("customers_at_start");
        if (atStart == 0) {
            return KpiResult.noData("no paying customers at the start of " + query.period() + " for " + query.segment()
                    + ", so there is no churn rate to estimate a lifetime from");
        }
        double churnRate = (double) row.count("churned") / atStart;
        if (s.mode() == Mode.CLASSIC && row.count("purchases") == 0) {
            return KpiResult.noData("no paid purchases (recurring or one-off invoices) issued in " + query.period() + " for "
                    + query.segment());
        }
        if (s.mode() == Mode.SUBSCRIPTION && row.count("paying_at_end") == 0) {
            return KpiResult.noData("no paying customers at the end of " + query.period() + " for " + query.segment());
        }
        if (churnRate == 0) {
            return KpiResult.noData("the customer churn rate is 0 in " + query.period() + " for " + query.segment()
                    + ", so a lifetime cannot be estimated");
        }
        if (s.mode() == Mode.CLASSIC) {
            long purchases = row.count("purchases");
            double averagePurchaseValue = row.count("purchase_cents") / 100.0 / purchases;
            double purchaseFrequency = (double) purchases / row.count("buyers");
            double lifetime = 1 / churnRate;
            return KpiResult.value(averagePurchaseValue * purchaseFrequency * lifetime * s.grossMargin(), atStart)
                    .with("averagePurchaseValue", averagePurchaseValue)
                    .with("purchaseFrequency", purchaseFrequency)
                    .with("churnRate", churnRate * 100)
                    .with("lifetimePeriods", lifetime)
                    .with("grossMargin", s.grossMargin());
        }
        double arpa = row.count("end_mrr_cents") / 100.0 / row.count("paying_at_end");
        // 1 - (1 - c)^(month / days), written with expm1/log1p to stay exact when the rate is tiny
        double monthlyChurn = -Math.expm1(DAYS_PER_MONTH / query.period().days() * Math.log1p(-churnRate));
        return KpiResult.value(arpa * s.grossMargin() / monthlyChurn, atStart)
                .with("arpa", arpa)
                .with("grossMargin", s.grossMargin())
                .with("churnRate", churnRate * 100)
                .with("monthlyChurnRate", monthlyChurn * 100);
    }
}
