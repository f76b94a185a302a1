package io.vitals.kpi.renewal;

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

/**
 * Renewal rate: of the contracts up for renewal in the period, the share renewed, by count or by
 * contract value.
 *
 * <p>A contract is up for renewal in the period when its CRM deal of kind {@code renewal} has
 * {@code closed_at} (the decision date, or for an open deal the due date) in {@code [from, to)}.
 * Won deals are renewed, lost ones are not; open ones are pending, reported but left out of the
 * denominator until decided. An open renewal without a due date is due in no period. Each deal is
 * one contract, so a customer with two renewals counts twice. With {@code basis = REVENUE} the
 * rate is the amount won / the amount won or lost. Nothing decided is no data, however many are
 * pending; so is REVENUE when every decided renewal has a zero amount.
 */
@Component(service = Kpi.class, configurationPid = RenewalRate.PID, property = Kpi.ID_PROPERTY + "=renewal-rate")
@Designate(ocd = RenewalRate.Config.class)
public class RenewalRate implements Kpi {

    static final String PID = "vitals.kpi.renewal_rate";

    @ObjectClassDefinition(name = "KPI: Renewal rate")
    public @interface Config {
        @AttributeDefinition(description = "Count renewed contracts (COUNT) or weigh them by their amount (REVENUE).")
        Basis basis() default Basis.COUNT;
    }

    public enum Basis {
        COUNT, REVENUE
    }

    /** The definition in force; the catalogue's default unless configured otherwise. */
    public record Settings(Basis basis) {
        public static final Settings DEFAULT = new Settings(Basis.COUNT);

        public Settings {
            if (basis == null) {
                throw new IllegalArgumentException("basis must be COUNT or REVENUE, not null");
            }
        }

        static Settings of(Config c) {
            return new Settings(c.basis());
        }
    }

    /** Renewal deals decided, or due, in the period; {@code d} is the table alias with its dot, or "". */
    private static String dueInPeriod(String d) {
        return d + "kind = 'renewal' AND " + d + "closed_at >= :from AND " + d + "closed_at < :to";
    }

    private static final String SQL = """
            SELECT count(*) FILTER (WHERE stage = 'won') AS renewed,
                   count(*) FILTER (WHERE stage = 'lost') AS lost,
                   count(*) FILTER (WHERE stage = 'open') AS pending,
                   coalesce(sum(amount_cents) FILTER (WHERE stage = 'won'), 0) AS renewed_amount,
                   coalesce(sum(amount_cents) FILTER (WHERE stage = 'lost'), 0) AS lost_amount
            FROM deals
            WHERE\s""" + dueInPeriod("");

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public RenewalRate(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public RenewalRate(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("renewal-rate")
                .name("Renewal rate")
                .category(Category.RETENTION)
                .unit(Unit.PERCENT)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("The share of the contracts up for renewal in the period that were renewed.")
                .formula((s.basis() == Basis.COUNT
                        ? "renewal deals won / renewal deals won or lost"
                        : "amount of renewal deals won / amount of renewal deals won or lost")
                        + " x 100, over renewal deals whose close (or due) date is in the period;"
                        + " open renewals due in the period are pending and not in the denominator")
                .parameter("basis", s.basis(), Settings.DEFAULT.basis(), "COUNT of contracts or REVENUE (their amount)")
                .needs("deals (kind 'renewal')")
                .drillDown("lost", "renewed", "pending")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Row row = store.queryRow(SQL, query, Map.of());
        long renewed = row.count("renewed");
        long lost = row.count("lost");
        long pending = row.count("pending");
        long renewedAmount = row.count("renewed_amount");
        long lostAmount = row.count("lost_amount");
        long decided = renewed + lost;
        String why = "no renewals decided in " + query.period() + " for " + query.segment() + " (" + pending + " pending)";
        KpiResult result = settings.basis() == Basis.COUNT
                ? KpiResult.ratio(renewed, decided, 100, decided, why)
                : KpiResult.ratio(money(renewedAmount), money(renewedAmount + lostAmount), 100, decided,
                        decided == 0 ? why : "the renewals decided in " + query.period() + " for " + query.segment()
                                + " have no amount to weigh them by");
        return result
                .with("renewed", renewed)
                .with("lost", lost)
                .with("pending", pending)
                .with("renewedAmount", money(renewedAmount))
                .with("lostAmount", money(lostAmount));
    }

    /** The renewal deals behind the rate, one row per contract, largest first; deals without a customer too. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        String stage = switch (drillDown.subset()) {
            case "lost" -> "lost";
            case "renewed" -> "won";
            case "pending" -> "open";
            default -> throw new InvalidQueryException("renewal-rate has no subset '" + drillDown.subset()
                    + "'; its subsets: lost, renewed, pending");
        };
        SqlDialect dialect = store.dialect();
        String sql = "SELECT " + CustomerColumns.SQL + ", d.amount_cents / 100.0 AS amount, "
                + dialect.isoDate("d.closed_at") + " AS due, d.stage AS stage\n"
                + "FROM deals d LEFT JOIN customers c ON c.id = d.customer_id\n"
                + "WHERE " + dueInPeriod("d.") + " AND d.stage = :stage\n"
                + "ORDER BY d.amount_cents DESC, d.closed_at, d.id";
        return store.table("renewals", "Renewals " + drillDown.subset() + ", " + query.period(), sql, query,
                Map.of("stage", stage),
                CustomerColumns.with(KpiTable.Column.number("amount", "AMOUNT", Unit.CURRENCY),
                        KpiTable.Column.text("due", "DUE"), KpiTable.Column.text("stage", "STAGE")),
                drillDown);
    }

    /** Cents to currency units. */
    private static double money(long cents) {
        return cents / 100.0;
    }
}
