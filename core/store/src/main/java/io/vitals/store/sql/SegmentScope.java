package io.vitals.store.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.Segment;

/**
 * Applies a segment to KPI SQL without touching its text: every canonical table the SQL names is
 * shadowed by a CTE of the same name that holds only the segment's rows. The CTEs read the
 * physical, schema-qualified tables, which a CTE name cannot shadow.
 */
final class SegmentScope {

    private static final Pattern LEADING_WITH = Pattern.compile("^\\s*WITH(\\s+RECURSIVE)?\\s+", Pattern.CASE_INSENSITIVE);

    private final StoreDialect dialect;

    SegmentScope(StoreDialect dialect) {
        this.dialect = dialect;
    }

    /** The WHERE condition, over customers aliased {@code c}, that picks the segment's customers. */
    String customerCondition(Segment segment, Map<String, Object> params, Set<String> attributeNames) {
        List<String> terms = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> filter : segment.filters().entrySet()) {
            String param = "vitals_segment_" + i++;
            String column = CanonicalTables.SEGMENT_COLUMNS.get(filter.getKey());
            if (column != null) {
                terms.add("c." + column + " = :" + param);
            } else if (attributeNames.contains(filter.getKey())) {
                terms.add("EXISTS (SELECT 1 FROM " + dialect.physical("customer_attributes")
                        + " a WHERE a.customer_id = c.id AND a.name = :" + param + "_key AND a.value = :" + param + ")");
                params.put(param + "_key", filter.getKey());
            } else {
                throw new InvalidQueryException("unknown segment key '" + filter.getKey() + "'; known keys: "
                        + String.join(", ", knownKeys(attributeNames)));
            }
            params.put(param, filter.getValue());
        }
        return String.join(" AND ", terms);
    }

    static java.util.SortedSet<String> knownKeys(Set<String> attributeNames) {
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(CanonicalTables.SEGMENT_COLUMNS.keySet());
        keys.remove("csm_owner");
        keys.addAll(attributeNames);
        return keys;
    }

    /** In {@code withDeletions}: deals have earlier states, which a query reads as of its period's end. */
    static final String DEAL_HISTORY = "deal_history";

    /**
     * Each deal as it stood at the period's end: the earliest state kept in deal_history that was still valid
     * then (replaced after {@code :to}), else the deal as it is. Its columns are the deals table's.
     */
    private String dealsAsOf() {
        String then = " FROM " + dialect.physical("deal_history") + " x WHERE x.deal_id = d.id AND x.valid_until > :to"
                + " ORDER BY x.valid_until LIMIT 1)";
        return "SELECT d.id, d.source, d.external_id, d.customer_id,"
                + " coalesce((SELECT x.kind" + then + ", d.kind) AS kind,"
                + " coalesce((SELECT x.stage" + then + ", d.stage) AS stage,"
                + " coalesce((SELECT x.amount_cents" + then + ", d.amount_cents) AS amount_cents,"
                + " d.currency, d.product, d.created_at,"
                + " CASE WHEN EXISTS (SELECT 1" + then + " THEN (SELECT x.closed_at" + then + " ELSE d.closed_at END AS closed_at,"
                + " d.deleted_at FROM " + dialect.physical("deals") + " d";
    }

    /** The SQL with the segment applied; {@code params} receives the segment's parameters. */
    String apply(String sql, Segment segment, Map<String, Object> params, Set<String> attributeNames) {
        return apply(sql, segment, params, attributeNames, Set.of());
    }

    /**
     * The SQL with the segment applied and, in each table of {@code withDeletions} (tables holding records
     * deleted at their source), only the records not deleted before the period's end ({@code :to}): a ticket
     * deleted in December still counts in November's figures, not in December's.
     */
    String apply(String sql, Segment segment, Map<String, Object> params, Set<String> attributeNames, Set<String> withDeletions) {
        Set<String> referenced = CanonicalTables.referencedBy(sql);
        boolean asOf = withDeletions.contains(DEAL_HISTORY) && referenced.contains("deals");
        boolean deletions = asOf || referenced.stream().anyMatch(withDeletions::contains);
        if (segment.isAll() && !deletions) {
            return sql;
        }
        String condition = segment.isAll() ? null : customerCondition(segment, params, attributeNames);
        String customersInSegment = "SELECT c.id FROM " + dialect.physical(CanonicalTables.CUSTOMERS) + " c WHERE " + condition;
        List<String> ctes = new ArrayList<>();
        for (String table : referenced) {
            List<String> where = new ArrayList<>();
            if (withDeletions.contains(table)) {
                where.add("(deleted_at IS NULL OR deleted_at >= :to)");
            }
            if (condition != null) {
                where.add(table.equals(CanonicalTables.CUSTOMERS) ? condition : "customer_id IN (" + customersInSegment + ")");
            }
            if (where.isEmpty() && !(table.equals("deals") && asOf)) {
                continue;
            }
            if (table.equals("deals") && asOf) {
                ctes.add("deals AS (" + dealsAsOf() + " WHERE " + (where.isEmpty() ? "1 = 1" : String.join(" AND ", where)) + ")");
                continue;
            }
            String alias = table.equals(CanonicalTables.CUSTOMERS) ? " c" : "";
            ctes.add(table + " AS (SELECT * FROM " + dialect.physical(table) + alias + " WHERE " + String.join(" AND ", where) + ")");
        }
        if (ctes.isEmpty()) {
            return sql;
        }
        String prefix = String.join(",\n     ", ctes);
        Matcher with = LEADING_WITH.matcher(sql);
        if (with.find()) {
            String recursive = with.group(1) == null ? "" : " RECURSIVE";
            return "WITH" + recursive + " " + prefix + ",\n     " + sql.substring(with.end());
        }
        return "WITH " + prefix + "\n" + sql;
    }
}
