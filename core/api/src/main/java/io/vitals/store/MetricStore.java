package io.vitals.store;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

import org.osgi.annotation.versioning.ProviderType;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiTable;

/**
 * Read-only SQL over the canonical model, for KPIs.
 *
 * <p>The SQL names the canonical tables ({@code customers}, {@code subscriptions},
 * {@code survey_responses}, ...). The store binds {@code :from} and {@code :to} to the query's
 * period as epoch seconds (UTC midnight of each day), {@code :fromDay} and {@code :toDay} to the same
 * days as UTC day numbers (days since 1970-01-01), and applies the query's segment itself: every
 * canonical table the SQL names is restricted to the segment's customers, so KPI SQL never
 * mentions segments. Likewise {@code tickets} and {@code deals} hold, for a query, only the records
 * not deleted at their source before the period's end ({@code deleted_at}): a ticket deleted in
 * December counts in November's figures and not in December's. Timestamps in the store are epoch
 * seconds; money is in cents of the store's one currency.
 *
 * <p>{@code usage_events} is indexed on its UTC day, written exactly {@code occurred_at / 86400}, then
 * customer, user and event: a KPI that counts distinct (user, day) pairs or distinct users filters
 * its period with {@link SqlDialect#usageDays(String, String) dialect().usageDays(":fromDay", ":toDay")}
 * (on SQLite: {@code occurred_at / 86400 >= :fromDay AND occurred_at / 86400 < :toDay}) and reads
 * them in that order. {@code tickets} is indexed on {@code resolved_at}: tickets open at a moment
 * are read fastest as {@code resolved_at IS NULL} and {@code resolved_at >= t}, each on its own.
 * {@code users} is indexed on {@code (customer_id, user_id)}.
 */
@ProviderType
public interface MetricStore {

    SqlDialect dialect();

    /**
     * A number that changes whenever data is committed through a Vitals store on this database (a
     * sync page, a batch, a source deleted; in this process or another), so an answer computed at one
     * version holds for as long as the version does. Writes by other programs do not change it.
     * Negative when the store cannot tell; then nothing may be kept.
     */
    default long dataVersion() {
        return -1;
    }

    /**
     * Runs one read-only query and maps every row.
     *
     * @param params further named parameters ({@code :name} in the SQL), besides {@code :from} and {@code :to}
     * @throws io.vitals.kpi.InvalidQueryException when the segment names a key the store does not know
     */
    <T> List<T> query(String sql, KpiQuery query, Map<String, ?> params, RowMapper<T> mapper);

    /** Runs a query that answers exactly one row (an aggregate). */
    default Row queryRow(String sql, KpiQuery query, Map<String, ?> params) {
        List<Row> rows = query(sql, query, params, Row::copy);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows.size() + " from: " + sql);
        }
        return rows.get(0);
    }

    /**
     * Runs a query whose rows make a table, sorted and limited as the drill-down asks. {@code columns}
     * names the query's columns in order; a sort column must be one of them, and the store, not the
     * caller, writes the ORDER BY and LIMIT.
     *
     * @throws io.vitals.kpi.InvalidQueryException when the drill-down sorts by a column the table lacks
     */
    KpiTable table(String name, String title, String sql, KpiQuery query, Map<String, ?> params,
            List<KpiTable.Column> columns, DrillDown order);

    /**
     * Checks that the SQL is a query the store can run, on a read-only connection and without
     * reading any rows: it names tables and columns that exist and binds the parameters given.
     *
     * @return the labels of the columns it answers
     * @throws io.vitals.kpi.InvalidQueryException with the database's reason when it is not
     */
    List<String> prepare(String sql, Map<String, ?> params);

    /** The keys a segment may use: the customer columns and every customer attribute present. */
    SortedSet<String> segmentKeys();
}
