package io.vitals.kpi.fcr;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
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

/**
 * First contact resolution rate: of the tickets resolved in the period, the share resolved in
 * the first interaction, as a percentage.
 *
 * <p>A ticket belongs to the period it was resolved in ({@code resolved_at} in {@code [from, to)});
 * open tickets are in no period's denominator. It was resolved at first contact when it took at
 * most one agent reply and was never reopened: {@code agent_replies <= 1 AND reopens = 0} (a
 * ticket closed without any agent reply counts as first contact). Tickets not matched to a
 * customer count for all customers and for no segment. A period in which no ticket was resolved
 * is "no data", and so is one in which no resolved ticket records an agent reply: a helpdesk that
 * does not report replies leaves {@code agent_replies} at 0 everywhere, which would read as 100 %.
 */
@Component(service = Kpi.class, property = Kpi.ID_PROPERTY + "=first-contact-resolution")
public class FirstContactResolution implements Kpi {

    private static final String SQL = """
            SELECT count(*) AS resolved,
                   count(*) FILTER (WHERE agent_replies <= 1 AND reopens = 0) AS first_contact,
                   count(*) FILTER (WHERE agent_replies > 0) AS with_replies
            FROM tickets
            WHERE resolved_at >= :from AND resolved_at < :to""";

    private final MetricStore store;

    @Activate
    public FirstContactResolution(@Reference MetricStore store) {
        this.store = store;
    }

    @Override
    public KpiDefinition definition() {
        return KpiDefinition.builder("first-contact-resolution")
                .name("First contact resolution rate")
                .category(Category.SUPPORT)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of resolved tickets that support resolved in the first interaction.")
                .formula("tickets resolved in the period with at most one agent reply and no reopen"
                        + " / tickets resolved in the period x 100")
                .needs("tickets")
                .drillDown("not-first-contact")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long resolved = row.count("resolved");
        long firstContact = row.count("first_contact");
        if (resolved > 0 && row.count("with_replies") == 0) {
            return KpiResult.noData("none of the " + resolved + " tickets resolved in " + query.period() + " for "
                    + query.segment() + " records an agent reply (agent_replies is 0 on every one), so first contact"
                    + " cannot be told from a count the helpdesk did not give");
        }
        return KpiResult.ratio(firstContact, resolved, 100, resolved,
                        "no ticket resolved in " + query.period() + " for " + query.segment())
                .with("resolved", resolved)
                .with("firstContact", firstContact);
    }

    /** The tickets resolved in the period that took more than one contact, most reopened first; tickets without a customer too. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        SqlDialect dialect = store.dialect();
        String text = "SELECT " + CustomerColumns.SQL + ", t.external_id AS ticket, t.priority AS priority,"
                + " t.agent_replies AS replies, t.reopens AS reopens, " + dialect.isoTime("t.resolved_at") + " AS resolved\n"
                + "FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id\n"
                + "WHERE t.resolved_at >= :from AND t.resolved_at < :to AND NOT (t.agent_replies <= 1 AND t.reopens = 0)\n"
                + "ORDER BY t.reopens DESC, t.agent_replies DESC, t.resolved_at, t.id";
        return store.table("tickets", "Tickets not resolved at first contact, " + query.period(), text, query, Map.of(),
                CustomerColumns.with(KpiTable.Column.text("ticket", "TICKET"), KpiTable.Column.text("priority", "PRIORITY"),
                        KpiTable.Column.number("replies", "REPLIES", Unit.COUNT),
                        KpiTable.Column.number("reopens", "REOPENS", Unit.COUNT),
                        KpiTable.Column.text("resolved", "RESOLVED")),
                drillDown);
    }
}
