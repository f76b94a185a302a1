package io.vitals.kpi.advocacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
import io.vitals.store.SqlLists;
import io.vitals.store.SubscriptionSql;

/**
 * Advocacy actions: the referrals, testimonials, reviews and case studies customers gave in the
 * period, per customer paying during the period.
 *
 * <p>Actions are the advocacy events of the configured kinds with {@code occurred_at} in
 * {@code [from, to)}, by any customer, paying or not (a churned customer's review still
 * happened). The denominator is the customers with a paying span ({@code mrr_cents > 0}) that
 * overlaps the period ({@code started_at < to AND (ended_at IS NULL OR ended_at > from)}). A
 * period without paying customers is "no data"; paying customers and no action is 0, unless no
 * event of the configured kinds was ever recorded for the segment before the period's end: then
 * advocacy is not tracked for them and the answer is "no data". Events of other kinds are ignored. The answer also breaks the actions down per configured kind.
 */
@Component(service = Kpi.class, configurationPid = AdvocacyActions.PID, property = Kpi.ID_PROPERTY + "=advocacy-actions")
@Designate(ocd = AdvocacyActions.Config.class)
public class AdvocacyActions implements Kpi {

    static final String PID = "vitals.kpi.advocacy_actions";

    static final String DEFAULT_KINDS = "referral,testimonial,review,case_study";

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]*");

    @ObjectClassDefinition(name = "KPI: Advocacy actions")
    public @interface Config {
        @AttributeDefinition(description = "The advocacy event kinds that count, comma-separated.")
        String kinds() default DEFAULT_KINDS;
    }

    /** The definition in force; the catalogue's defaults unless configured otherwise. */
    public record Settings(List<String> kinds) {
        public static final Settings DEFAULT = parse(DEFAULT_KINDS);

        public Settings {
            if (kinds == null || kinds.isEmpty()) {
                throw new IllegalArgumentException("kinds must name at least one advocacy event kind, e.g. " + DEFAULT_KINDS);
            }
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            for (String kind : kinds) {
                if (kind == null || !KIND.matcher(kind).matches()) {
                    throw new IllegalArgumentException("advocacy kind '" + kind
                            + "' must be a lower-case word (letters, digits, underscores), e.g. case_study");
                }
                if (!seen.add(kind)) {
                    throw new IllegalArgumentException("advocacy kind '" + kind + "' is named twice");
                }
            }
            kinds = List.copyOf(kinds);
        }

        /** "referral, Review,case_study" as typed in a configuration. */
        public static Settings parse(String kinds) {
            List<String> list = new ArrayList<>();
            for (String kind : (kinds == null ? "" : kinds).split(",")) {
                if (!kind.isBlank()) {
                    list.add(kind.trim().toLowerCase(Locale.ROOT));
                }
            }
            return new Settings(list);
        }

        static Settings of(Config c) {
            return parse(c.kinds());
        }

        String text() {
            return String.join(",", kinds);
        }
    }

    private final MetricStore store;
    private final Settings settings;

    @Activate
    public AdvocacyActions(@Reference MetricStore store, Config config) {
        this(store, Settings.of(config));
    }

    public AdvocacyActions(MetricStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** The detail key of a kind: case_study becomes caseStudy. */
    static String detailKey(String kind) {
        StringBuilder key = new StringBuilder();
        boolean upper = false;
        for (char ch : kind.toCharArray()) {
            if (ch == '_') {
                upper = key.length() > 0;
            } else {
                key.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return key.toString();
    }

    @Override
    public KpiDefinition definition() {
        Settings s = settings;
        return KpiDefinition.builder("advocacy-actions")
                .name("Advocacy actions")
                .category(Category.ADVOCACY_HEALTH)
                .unit(Unit.RATIO)
                .direction(Direction.HIGHER_IS_BETTER)
                .description("How often customers advocate for you: referrals, testimonials, reviews and case studies per paying customer.")
                .formula("advocacy events of kind " + String.join(", ", s.kinds()) + " in the period"
                        + " / customers paying during the period (a paying subscription overlapping it)")
                .parameter("kinds", s.text(), Settings.DEFAULT.text(), "the advocacy event kinds that count, comma-separated")
                .needs("advocacy_events", "subscriptions")
                .drillDown("advocates")
                .build();
    }

    @Override
    public KpiResult compute(KpiQuery query) {
        Settings s = settings;
        Map<String, Object> params = new HashMap<>();
        String ofKinds = SqlLists.in("kind", "kind", s.kinds(), params);
        // SqlLists.in binds the kinds as :kind0, :kind1, ... in order
        StringBuilder perKind = new StringBuilder();
        for (int i = 0; i < s.kinds().size(); i++) {
            perKind.append(",\n         count(*) FILTER (WHERE kind = :kind").append(i).append(") AS kind").append(i);
        }
        String sql = "WITH paying AS (\n"
                + "  SELECT count(*) AS paying_customers FROM (" + SubscriptionSql.PAYING_DURING + ") p\n"
                + "),\n"
                + "advocacy AS (\n"
                + "  SELECT count(*) AS actions" + perKind + "\n"
                + "  FROM advocacy_events\n"
                + "  WHERE occurred_at >= :from AND occurred_at < :to AND " + ofKinds + "\n"
                + "),\n"
                + "tracked AS (\n"
                + "  SELECT CASE WHEN EXISTS (SELECT 1 FROM advocacy_events WHERE occurred_at < :to AND " + ofKinds + ")"
                + " THEN 1 ELSE 0 END AS advocacy_recorded\n"
                + ")\n"
                + "SELECT * FROM paying CROSS JOIN advocacy CROSS JOIN tracked";
        Row row = store.queryRow(sql, query, params);
        long customers = row.count("paying_customers");
        long actions = row.count("actions");
        if (customers > 0 && row.count("advocacy_recorded") == 0) {
            return KpiResult.noData("no advocacy events (" + String.join(", ", s.kinds()) + ") recorded for " + query.segment()
                    + " by the end of " + query.period() + ", so advocacy is not known to be tracked for them");
        }
        KpiResult result = KpiResult.ratio(actions, customers, 1, customers,
                        "no paying customers during " + query.period() + " for " + query.segment())
                .with("actions", actions)
                .with("customers", customers);
        for (int i = 0; i < s.kinds().size(); i++) {
            result = result.with(detailKey(s.kinds().get(i)), row.count("kind" + i));
        }
        return result;
    }

    /** The customers who advocated in the period, most actions first. */
    @Override
    public KpiTable customers(KpiQuery query, DrillDown drillDown) {
        Settings s = settings;
        SqlDialect dialect = store.dialect();
        Map<String, Object> params = new HashMap<>();
        String text = "SELECT " + CustomerColumns.SQL + ", count(*) AS actions, " + dialect.isoTime("max(a.occurred_at)") + " AS latest\n"
                + "FROM customers c JOIN advocacy_events a ON a.customer_id = c.id\n"
                + "WHERE a.occurred_at >= :from AND a.occurred_at < :to AND " + SqlLists.in("a.kind", "kind", s.kinds(), params) + "\n"
                + "GROUP BY c.id, c.external_id, c.name, c.plan, c.region, c.csm_owner\n"
                + "ORDER BY actions DESC, max(a.occurred_at) DESC, c.id";
        return store.table("advocates", "Advocates, " + query.period(), text, query, params,
                CustomerColumns.with(KpiTable.Column.number("actions", "ACTIONS", Unit.COUNT),
                        KpiTable.Column.text("latest", "LATEST")),
                drillDown);
    }
}
