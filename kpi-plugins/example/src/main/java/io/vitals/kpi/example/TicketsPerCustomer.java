package io.vitals.kpi.example;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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
 * An example KPI to copy: support tickets opened in the period per customer paying during it.
 *
 * <p>A KPI is a Declarative Services component that provides {@link Kpi}. It describes itself in
 * {@link #definition()} and answers in {@link #compute(KpiQuery)} with one SQL query through the
 * {@link MetricStore}: the store binds {@code :from} and {@code :to} (epoch seconds) and applies
 * the user's {@code --segment} itself, so the SQL only names the canonical tables. Build the
 * bundle, drop the jar into {@code deploy/}, and {@code kpi:compute tickets-per-customer} answers.
 */
@Component(service = Kpi.class, property = Kpi.ID_PROPERTY + "=tickets-per-customer")
public class TicketsPerCustomer implements Kpi {

    private static final String SQL = """
            SELECT (SELECT count(*) FROM tickets WHERE created_at >= :from AND created_at < :to) AS tickets,
                   (SELECT count(*) FROM (SELECT 1 FROM tickets WHERE created_at < :to LIMIT 1) known) AS known,
                   (SELECT count(*) FROM (""" + SubscriptionSql.PAYING_DURING + """
            ) paying) AS customers""";

    private final MetricStore store;

    @Activate
    public TicketsPerCustomer(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("tickets-per-customer")
                .name("Tickets per customer")
                .category(Category.SUPPORT)
                .unit(Unit.RATIO)
                .direction(Direction.LOWER_IS_BETTER)
                .description("How many support tickets each paying customer opened in the period.")
                .formula("tickets created in the period / customers paying during the period")
                .needs("tickets", "subscriptions")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long tickets = row.count("tickets");
        long customers = row.count("customers");
        // no ticket recorded at all (no helpdesk synced yet) is "no data", not a calm month of 0
        if (row.count("known") == 0) {
            return KpiResult.noData("no tickets recorded for " + query.segment() + " by the end of " + query.period());
        }
        // a ratio with no customers is "no data", never 0 or NaN
        return KpiResult.ratio(tickets, customers, 1, customers,
                "no paying customers in " + query.period() + " for " + query.segment());
    }
}
