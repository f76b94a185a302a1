package io.vitals.store.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.PageCounts;
import io.vitals.connector.SourcePage;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SubscriptionChange;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.UsageEvent;

/**
 * Writes one {@link SourcePage} in one transaction on the connection it is given: customers
 * first, then every other record with its customer key resolved to the store's id, each by an
 * upsert that only touches a row when something in it changed, so the update counts say what was
 * inserted, updated and left unchanged. Records that cannot be written are kept as rejects.
 */
final class PageWriter {

    /** Tables whose records may stand without a known customer (kept unmatched rather than rejected). */
    private static final Set<Class<?>> CUSTOMER_OPTIONAL = Set.of(SurveyResponse.class, SupportTicket.class, Deal.class);

    /** Keys or ids to a statement when looking many up: one probe of an index each. */
    private static final int AT_ONCE = 500;

    private final Connection connection;
    private final StoreDialect dialect;
    private final String source;
    private final Map<String, Long> customersByKey;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** Ids of the subscriptions this page's records name, by their id at the source. */
    private final Map<String, Long> subscriptionsByKey = new HashMap<>();
    /** Customer keys this page looked up and found in nobody. */
    private final Set<String> notInStore = new HashSet<>();
    private long inserted;
    private long updated;
    private long unchanged;
    private long duplicates;
    private boolean wroteCustomers;
    private final List<String[]> rejects = new ArrayList<>();

    /** @param customersByKey customer ids by key already known (see {@link KnownCustomers}); this page adds to it */
    PageWriter(Connection connection, StoreDialect dialect, String source, Map<String, Long> customersByKey) {
        this.customersByKey = customersByKey;
        this.connection = connection;
        this.dialect = dialect;
        this.source = source;
    }

    /**
     * A row to write: its values in the table's column order, the raw text it came from, whether its id came
     * earlier in the pass, and the attributes a ticket carries.
     */
    private record Row(Object[] values, String key, String raw, boolean duplicate, Map<String, String> attributes) {
        Row(Object[] values, String key, String raw, boolean duplicate) {
            this(values, key, raw, duplicate, Map.of());
        }

        Row(Object[] values, String key, String raw) {
            this(values, key, raw, false);
        }
    }

    /** A row whose id was read earlier in the pass is counted as a duplicate, not as the update or no-change it also is. */
    private void countDuplicates(List<Row> rows, List<Integer> outcome) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).duplicate()) {
                if (outcome.get(i) > 0) {
                    updated--;
                } else {
                    unchanged--;
                }
                duplicates++;
            }
        }
    }

    PageCounts write(SourcePage page) throws SQLException {
        for (SourcePage.Rejection r : page.rejections()) {
            rejects.add(new String[] {r.raw(), r.reason()});
        }
        Map<RecordTable<?>, List<Row>> byTable = new LinkedHashMap<>();
        List<SourcePage.Entry> customers = page.entries().stream().filter(e -> e.record() instanceof Customer).toList();
        writeCustomers(customers);
        findCustomers(page.entries());
        writeSubscriptions(page.entries().stream().filter(e -> e.record() instanceof Subscription
                || e.record() instanceof SubscriptionChange).toList());
        writeDeletions(page.entries().stream().filter(e -> e.record() instanceof io.vitals.connector.Deletion d
                && (d.entity().equals("customers") || d.entity().equals("subscriptions"))).toList());
        findSubscriptions(page.entries());
        for (SourcePage.Entry entry : page.entries()) {
            if (entry.record() instanceof Customer || entry.record() instanceof Subscription || entry.record() instanceof SubscriptionChange
                    || entry.record() instanceof io.vitals.connector.Deletion) {
                continue;
            }
            Row row = row(entry);
            if (row != null) {
                byTable.computeIfAbsent(table(entry.record()), t -> new ArrayList<>()).add(row);
            }
        }
        for (Map.Entry<RecordTable<?>, List<Row>> e : byTable.entrySet()) {
            if (e.getKey() == RecordTable.DEALS) {
                keepDealHistory(e.getValue());
            }
            List<Integer> outcome = upsert(e.getKey(), e.getValue());
            if (e.getKey() == RecordTable.TICKETS) {
                writeTicketAttributes(e.getValue(), outcome);
            }
            countDuplicates(e.getValue(), outcome);
        }
        // after the page's tickets and deals: one read in the page and deleted after stays deleted
        writeDeletions(page.entries().stream().filter(e -> e.record() instanceof io.vitals.connector.Deletion d
                && (d.entity().equals("tickets") || d.entity().equals("deals"))).toList());
        writeRejects();
        if (page.cursor() != null) {
            saveCursor(page.cursor());
        }
        return new PageCounts(page.read(), inserted, updated, unchanged, rejects.size(), duplicates, 0, page.skipped());
    }

    /** True once the page had customers: an e-mail address may have moved from one to another. */
    boolean wroteCustomers() {
        return wroteCustomers;
    }

    // ---- customers

    /**
     * Upserts the page's customers, then finds their ids and replaces the attributes that differ, each
     * step a few statements for the whole page: one question per customer had made a PostgreSQL sync
     * of 100,000 customers take 26 s (a round trip each to find the id, read, delete and insert attributes).
     */
    private void writeCustomers(List<SourcePage.Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        wroteCustomers = true;
        List<Row> rows = new ArrayList<>();
        for (SourcePage.Entry entry : entries) {
            Customer c = (Customer) entry.record();
            Object[] values = RecordTable.CUSTOMERS.values.apply(c);
            values[RecordTable.CUSTOMERS.position("id")] = null; // the store assigns ids to synced customers
            values[RecordTable.CUSTOMERS.position("source")] = source;
            rows.add(new Row(values, c.externalId(), entry.raw(), entry.duplicate()));
        }
        List<Integer> outcome = upsert(RecordTable.CUSTOMERS, rows);
        findCustomerIds(source, new LinkedHashSet<>(rows.stream().map(Row::key).toList()));
        List<Long> ids = new ArrayList<>();
        for (Row row : rows) {
            Long id = customersByKey.get(byId(source, row.key()));
            if (id == null) {
                throw new SQLException("customer " + row.key() + " of " + source + " was written but cannot be found");
            }
            ids.add(id);
        }
        Map<Long, Map<String, String>> attributes = attributesOf(new LinkedHashSet<>(ids));
        Set<Long> changed = new LinkedHashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> wanted = ((Customer) entries.get(i).record()).attributes();
            long id = ids.get(i);
            if (!attributes.getOrDefault(id, Map.of()).equals(wanted)) {
                attributes.put(id, wanted); // a customer twice in the page is compared with its earlier row
                changed.add(id);
                if (outcome.get(i) == 0) {
                    unchanged--; // the row was the same but its attributes were not
                    updated++;
                }
            }
        }
        replaceAttributes(changed, attributes);
        List<Integer> changedAfterAll = new ArrayList<>(outcome);
        for (int i = 0; i < rows.size(); i++) {
            if (changed.contains(ids.get(i))) {
                changedAfterAll.set(i, 1);
            }
        }
        countDuplicates(rows, changedAfterAll);
    }

    /**
     * Replaces the attributes of the page's tickets that differ from what the store holds; a ticket whose
     * row was the same but whose attributes were not is counted as updated.
     */
    private void writeTicketAttributes(List<Row> rows, List<Integer> outcome) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        findIds("SELECT t.id FROM tickets t WHERE t.source = ? AND t.external_id = w.wanted", source,
                new LinkedHashSet<>(rows.stream().map(Row::key).toList()), key -> key, ids);
        Map<Long, Map<String, String>> held = new HashMap<>();
        for (List<Long> chunk : slices(new LinkedHashSet<>(ids.values()))) {
            PreparedStatement ps = statement("WITH wanted(ticket_id) AS (VALUES " + valueRows(chunk.size()) + ")"
                    + " SELECT a.ticket_id, a.name, a.value FROM wanted w JOIN ticket_attributes a ON a.ticket_id = w.ticket_id");
            for (int i = 0; i < chunk.size(); i++) {
                ps.setLong(i + 1, chunk.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.computeIfAbsent(rs.getLong(1), id -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        PreparedStatement delete = statement("DELETE FROM ticket_attributes WHERE ticket_id = ?");
        PreparedStatement insert = statement("INSERT INTO ticket_attributes (ticket_id, name, value) VALUES (?, ?, ?)");
        boolean deletes = false;
        boolean inserts = false;
        for (int i = 0; i < rows.size(); i++) {
            Long id = ids.get(rows.get(i).key());
            Map<String, String> wanted = rows.get(i).attributes();
            if (id == null || held.getOrDefault(id, Map.of()).equals(wanted)) {
                continue;
            }
            held.put(id, wanted); // a ticket twice in the page is compared with its earlier row
            delete.setLong(1, id);
            delete.addBatch();
            deletes = true;
            for (Map.Entry<String, String> a : wanted.entrySet()) {
                insert.setLong(1, id);
                insert.setString(2, a.getKey());
                insert.setString(3, a.getValue());
                insert.addBatch();
                inserts = true;
            }
            if (outcome.get(i) == 0) {
                outcome.set(i, 1);
                unchanged--;
                updated++;
            }
        }
        if (deletes) {
            delete.executeBatch();
        }
        if (inserts) {
            insert.executeBatch();
        }
    }

    /** What a deal's history keeps of each state: the fields its KPIs read as of a period's end. */
    private static final List<String> DEAL_STATE = List.of("kind", "stage", "amount_cents", "closed_at");

    /**
     * Before the page's deals are written: each deal whose kind, stage, amount or close date is about to change
     * keeps the state it had in deal_history, valid until now (the sync sees the change; sources give no moment
     * for a deal's edit), so periods that ended before read it as it stood.
     */
    private void keepDealHistory(List<Row> rows) throws SQLException {
        Map<String, Object[]> held = new HashMap<>();
        Map<String, Long> ids = new HashMap<>();
        for (List<String> chunk : slices(new LinkedHashSet<>(rows.stream().map(Row::key).toList()))) {
            PreparedStatement ps = statement("WITH w(wanted) AS (VALUES " + valueRows(chunk.size()) + ")"
                    + " SELECT d.external_id, d.id, d.kind, d.stage, d.amount_cents, d.closed_at FROM w JOIN deals d"
                    + " ON d.external_id = w.wanted AND d.source = ?");
            for (int i = 0; i < chunk.size(); i++) {
                ps.setString(i + 1, chunk.get(i));
            }
            ps.setString(chunk.size() + 1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(1), rs.getLong(2));
                    long closed = rs.getLong(6);
                    held.put(rs.getString(1), new Object[] {rs.getString(3), rs.getString(4), rs.getLong(5), rs.wasNull() ? null : closed});
                }
            }
        }
        long now = java.time.Instant.now().getEpochSecond();
        PreparedStatement keep = null;
        for (Row row : rows) {
            Object[] before = held.get(row.key());
            if (before == null) {
                continue; // new to the store: it has no earlier state
            }
            Object[] after = new Object[DEAL_STATE.size()];
            for (int i = 0; i < after.length; i++) {
                Object v = row.values()[RecordTable.DEALS.position(DEAL_STATE.get(i))];
                after[i] = v instanceof Number n ? (Object) n.longValue() : v;
            }
            if (java.util.Arrays.equals(before, after)) {
                continue;
            }
            if (keep == null) {
                keep = statement("INSERT INTO deal_history (deal_id, valid_until, kind, stage, amount_cents, closed_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (deal_id, valid_until) DO NOTHING");
            }
            keep.setLong(1, ids.get(row.key()));
            keep.setLong(2, now);
            keep.setString(3, (String) before[0]);
            keep.setString(4, (String) before[1]);
            keep.setLong(5, (Long) before[2]);
            keep.setObject(6, before[3]);
            keep.addBatch();
            held.put(row.key(), after); // the same deal again in the page is compared with this row
        }
        if (keep != null) {
            keep.executeBatch();
        }
    }

    /** The attributes the store holds for these customers (none for a customer without any). */
    private Map<Long, Map<String, String>> attributesOf(Set<Long> customerIds) throws SQLException {
        Map<Long, Map<String, String>> out = new HashMap<>();
        for (List<Long> chunk : slices(customerIds)) {
            PreparedStatement ps = statement("WITH wanted(customer_id) AS (VALUES " + valueRows(chunk.size()) + ")"
                    + " SELECT a.customer_id, a.name, a.value FROM wanted w JOIN customer_attributes a ON a.customer_id = w.customer_id");
            for (int i = 0; i < chunk.size(); i++) {
                ps.setLong(i + 1, chunk.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), id -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return out;
    }

    private void replaceAttributes(Set<Long> customerIds, Map<Long, Map<String, String>> attributes) throws SQLException {
        if (customerIds.isEmpty()) {
            return;
        }
        PreparedStatement delete = statement("DELETE FROM customer_attributes WHERE customer_id = ?");
        PreparedStatement insert = statement("INSERT INTO customer_attributes (customer_id, name, value) VALUES (?, ?, ?)");
        boolean inserts = false;
        for (long id : customerIds) {
            delete.setLong(1, id);
            delete.addBatch();
            for (Map.Entry<String, String> a : attributes.get(id).entrySet()) {
                insert.setLong(1, id);
                insert.setString(2, a.getKey());
                insert.setString(3, a.getValue());
                insert.addBatch();
                inserts = true;
            }
        }
        delete.executeBatch();
        if (inserts) {
            insert.executeBatch();
        }
    }

    /** A VALUES list of {@code n} one-parameter rows, {@code (?), (?), ...}: the keys a lookup probes for. */
    private static String valueRows(int n) {
        return String.join(", ", Collections.nCopies(n, "(?)"));
    }

    /** The keys in slices of {@link #AT_ONCE}, a statement each. */
    private static <T> List<List<T>> slices(Collection<T> keys) {
        List<T> all = new ArrayList<>(keys);
        List<List<T>> out = new ArrayList<>();
        for (int start = 0; start < all.size(); start += AT_ONCE) {
            out.add(all.subList(start, Math.min(all.size(), start + AT_ONCE)));
        }
        return out;
    }

    // ---- subscriptions, kept as history

    /** One state of a subscription from a moment on, as its source reported it. */
    private record State(long at, long customerId, String plan, String status, String interval, int intervalCount, int quantity,
            long amount, String currency, long mrr, Long endedAt, String changedBy) {

        static State of(long at, long customerId, Subscription s, String changedBy) {
            return new State(at, customerId, s.plan(), s.status(), s.interval().name().toLowerCase(java.util.Locale.ROOT),
                    s.intervalCount(), s.quantity(), s.amountCents(), s.currency(), s.mrrCents(),
                    s.endedAt() == null ? null : s.endedAt().getEpochSecond(), changedBy);
        }

        boolean sameRevenue(State o) {
            return customerId == o.customerId && java.util.Objects.equals(plan, o.plan) && interval.equals(o.interval)
                    && intervalCount == o.intervalCount && quantity == o.quantity && amount == o.amount
                    && java.util.Objects.equals(currency, o.currency) && mrr == o.mrr;
        }

        /** The same in everything a span shows: revenue, status and end. */
        boolean sameAs(State o) {
            return sameRevenue(o) && java.util.Objects.equals(status, o.status) && java.util.Objects.equals(endedAt, o.endedAt);
        }

        State at(long moment) {
            return new State(moment, customerId, plan, status, interval, intervalCount, quantity, amount, currency, mrr, endedAt, changedBy);
        }
    }

    /** A span as the store keeps it: a run of equal revenue from {@code start} to {@code end}. */
    private record Span(String externalId, State state, long start, Long end) {
    }

    /**
     * Writes the page's subscriptions as history. Each record adds a state to its subscription's log
     * ({@code subscription_changes}) at its moment: the source's for a {@link SubscriptionChange}; for a
     * record as the source has it now, its own start when it began after everything recorded (the first
     * state, the paying state after a trial), else this sync's moment, and only when it differs from the
     * state in force. The subscription's spans are then its log laid out in
     * time, and only the spans that differ are written. So a past figure changes only when a state dated
     * before it arrives, states may come in any order, and the same history sent again changes nothing.
     */
    private void writeSubscriptions(List<SourcePage.Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        for (SourcePage.Entry e : entries) {
            keys.add(state(e).externalId());
        }
        Map<String, List<Span>> spans = spansOf(keys);
        Map<String, java.util.TreeMap<Long, State>> logs = logsOf(keys);
        long now = java.time.Instant.now().getEpochSecond();
        // the states one row of the source gave (a trial and what followed it) count once, as that row
        Outcome row = null;
        SourcePage.Entry rowEntry = null;
        for (SourcePage.Entry e : entries) {
            if (rowEntry == null || e.raw() != rowEntry.raw() || !state(e).externalId().equals(state(rowEntry).externalId())) {
                count(row, rowEntry);
                row = null;
                rowEntry = e;
            }
            row = Outcome.worst(row, writeSubscription(e, spans, logs, now));
        }
        count(row, rowEntry);
    }

    /** What writing one record did, the strongest first. */
    private enum Outcome {
        INSERTED, UPDATED, UNCHANGED, REJECTED;

        static Outcome worst(Outcome a, Outcome b) {
            return a == null ? b : b == null ? a : a.ordinal() <= b.ordinal() ? a : b;
        }
    }

    private void count(Outcome o, SourcePage.Entry entry) {
        if (entry != null && entry.duplicate() && o != null && o != Outcome.REJECTED) {
            duplicates++;
        } else if (o == Outcome.INSERTED) {
            inserted++;
        } else if (o == Outcome.UPDATED) {
            updated++;
        } else if (o == Outcome.UNCHANGED) {
            unchanged++;
        }
    }

    private Outcome writeSubscription(SourcePage.Entry e, Map<String, List<Span>> spans, Map<String, java.util.TreeMap<Long, State>> logs,
            long now) throws SQLException {
        {
            Subscription s = state(e);
            SubscriptionChange change = e.record() instanceof SubscriptionChange c ? c : null;
            Long customerId = e.customer() == null ? null : resolve(e.customer());
            if (customerId == null) {
                if (e.customer() == null) {
                    rejects.add(new String[] {e.raw(), "no customer given"});
                } else {
                    rejects.add(new String[] {e.raw(), "no customer " + e.customer() + " in the store",
                            new PendingRow("subscriptions", RecordTable.SUBSCRIPTIONS.values.apply(s), e.customer(),
                                    change == null ? null : change.at().getEpochSecond()).encode(), PendingRow.key(e.customer())});
                }
                return Outcome.REJECTED;
            }
            String key = s.externalId();
            List<Span> before = spans.getOrDefault(key, List.of());
            java.util.TreeMap<Long, State> log = logs.computeIfAbsent(key, k -> new java.util.TreeMap<>());
            if (log.isEmpty() && !before.isEmpty()) {
                seed(key, before, log); // spans written before there was a log (an older store, a bulk load)
            }
            if (change != null) {
                State state = State.of(change.at().getEpochSecond(), customerId, s, change.atSource() ? "source" : "sync");
                State there = log.get(state.at());
                if (there != null && there.sameAs(state)) {
                    return Outcome.UNCHANGED;
                }
                putChange(key, state, log);
            } else if (log.isEmpty() || log.ceilingKey(s.startedAt().getEpochSecond()) == null) {
                // a state that began after everything recorded (or the first): kept from its own start
                long start = s.startedAt().getEpochSecond();
                Map.Entry<Long, State> prior = log.floorEntry(start);
                if (prior != null && prior.getValue().sameRevenue(State.of(start, customerId, s, null))
                        && java.util.Objects.equals(prior.getValue().endedAt(), s.endedAt() == null ? null : s.endedAt().getEpochSecond())
                        && java.util.Objects.equals(prior.getValue().status(), s.status())) {
                    return Outcome.UNCHANGED;
                }
                putChange(key, State.of(start, customerId, s, log.isEmpty() ? null : "source"), log);
            } else {
                Map.Entry<Long, State> inForce = log.floorEntry(now);
                State current = inForce == null ? log.lastEntry().getValue() : inForce.getValue();
                State seen = State.of(now, customerId, s, "sync");
                if (log.size() == 1 && current.sameAs(seen.at(current.at())) && s.startedAt().getEpochSecond() != current.at()) {
                    // its only state, seen again with another start: the start is corrected
                    removeChange(key, current.at(), log);
                    putChange(key, current.at(s.startedAt().getEpochSecond()), log);
                } else if (current.sameAs(seen.at(current.at()))) {
                    return Outcome.UNCHANGED;
                } else if (current.sameRevenue(seen)) {
                    // the same revenue with another status or end: the state in force says so, from its own moment
                    putChange(key, new State(current.at(), customerId, s.plan(), s.status(), current.interval(), s.intervalCount(),
                            s.quantity(), s.amountCents(), s.currency(), s.mrrCents(), seen.endedAt(), current.changedBy()), log);
                } else {
                    putChange(key, seen.at(Math.max(now, current.at() + 1)), log);
                }
            }
            List<Span> after = layOut(key, log);
            if (after.equals(before)) {
                return Outcome.UNCHANGED;
            }
            writeSpans(key, before, after);
            spans.put(key, after);
            return before.isEmpty() ? Outcome.INSERTED : Outcome.UPDATED;
        }
    }

    // ---- deletions

    /**
     * Records deleted at the source: a subscription's log gets its end at the moment it went; a customer is
     * marked deleted from then (the earliest moment wins) and each of its subscriptions of this source ends
     * there. What they counted before stays.
     */
    private void writeDeletions(List<SourcePage.Entry> entries) throws SQLException {
        for (SourcePage.Entry e : entries) {
            io.vitals.connector.Deletion d = (io.vitals.connector.Deletion) e.record();
            long at = d.at().getEpochSecond();
            List<String> subscriptions = new ArrayList<>();
            if (d.entity().equals("customers")) {
                PreparedStatement ps = statement("UPDATE customers SET deleted_at = ? WHERE source = ? AND external_id = ?"
                        + " AND (deleted_at IS NULL OR deleted_at > ?)");
                ps.setLong(1, at);
                ps.setString(2, source);
                ps.setString(3, d.externalId());
                ps.setLong(4, at);
                boolean marked = ps.executeUpdate() > 0;
                PreparedStatement subs = statement("SELECT DISTINCT s.subscription_key FROM subscriptions s JOIN customers c ON c.id = s.customer_id"
                        + " WHERE s.source = ? AND c.source = ? AND c.external_id = ?");
                subs.setString(1, source);
                subs.setString(2, source);
                subs.setString(3, d.externalId());
                try (ResultSet rs = subs.executeQuery()) {
                    while (rs.next()) {
                        subscriptions.add(rs.getString(1));
                    }
                }
                long ended = endAll(subscriptions, at);
                if (marked || ended > 0) {
                    updated++;
                } else {
                    unchanged++;
                }
            } else if (d.entity().equals("tickets") || d.entity().equals("deals")) {
                PreparedStatement ps = statement("UPDATE " + d.entity() + " SET deleted_at = ? WHERE source = ? AND external_id = ?"
                        + " AND (deleted_at IS NULL OR deleted_at > ?)");
                ps.setLong(1, at);
                ps.setString(2, source);
                ps.setString(3, d.externalId());
                ps.setLong(4, at);
                if (ps.executeUpdate() > 0) {
                    updated++;
                } else {
                    unchanged++;
                }
            } else {
                subscriptions.add(d.externalId());
                if (endAll(subscriptions, at) > 0) {
                    updated++;
                } else {
                    unchanged++;
                }
            }
        }
    }

    /** Ends each subscription at the moment, unless it ended before: its state in force then, with that end. */
    private long endAll(List<String> keys, long at) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        Set<String> set = new LinkedHashSet<>(keys);
        Map<String, List<Span>> spans = spansOf(set);
        Map<String, java.util.TreeMap<Long, State>> logs = logsOf(set);
        long ended = 0;
        for (String key : set) {
            List<Span> before = spans.getOrDefault(key, List.of());
            java.util.TreeMap<Long, State> log = logs.computeIfAbsent(key, k -> new java.util.TreeMap<>());
            if (log.isEmpty() && !before.isEmpty()) {
                seed(key, before, log);
            }
            Map.Entry<Long, State> inForce = log.floorEntry(at);
            if (inForce == null) {
                continue; // deleted before it began: nothing of it counted
            }
            State s = inForce.getValue();
            if (s.endedAt() != null && s.endedAt() <= at) {
                continue;
            }
            // the end is the state in force's own, from its moment; later states (there should be none) go
            for (Long later : new ArrayList<>(log.tailMap(at, false).keySet())) {
                removeChange(key, later, log);
            }
            putChange(key, new State(s.at(), s.customerId(), s.plan(), "deleted", s.interval(), s.intervalCount(), s.quantity(), s.amount(),
                    s.currency(), s.mrr(), at, s.changedBy()), log);
            List<Span> after = layOut(key, log);
            if (!after.equals(before)) {
                writeSpans(key, before, after);
                ended++;
            }
        }
        return ended;
    }

    private static Subscription state(SourcePage.Entry e) {
        return e.record() instanceof SubscriptionChange c ? c.state() : (Subscription) e.record();
    }

    /**
     * A subscription's log laid out in time: a state of the same revenue as the span it falls in continues
     * that span (taking its status and end); any other state ends it and starts a span of its own.
     */
    private static List<Span> layOut(String key, java.util.TreeMap<Long, State> log) {
        List<Span> out = new ArrayList<>();
        State runState = null;
        long runStart = 0;
        Long runEnd = null;
        for (State state : log.values()) {
            boolean open = runState != null && (runEnd == null || runEnd >= state.at());
            if (open && runState.sameRevenue(state)) {
                runState = new State(runState.at(), state.customerId(), state.plan(), state.status(), state.interval(), state.intervalCount(),
                        state.quantity(), state.amount(), state.currency(), state.mrr(), state.endedAt(), runState.changedBy());
                runEnd = state.endedAt();
                continue;
            }
            if (runState != null) {
                out.add(span(key, out.isEmpty(), runState, runStart, runEnd == null || runEnd > state.at() ? Long.valueOf(state.at()) : runEnd));
            }
            runState = state;
            runStart = state.at();
            runEnd = state.endedAt();
        }
        if (runState != null) {
            out.add(span(key, out.isEmpty(), runState, runStart, runEnd));
        }
        return out;
    }

    private static Span span(String key, boolean first, State state, long start, Long end) {
        Long e = end != null && end < start ? Long.valueOf(start) : end;
        State shown = new State(start, state.customerId(), state.plan(), state.status(), state.interval(), state.intervalCount(),
                state.quantity(), state.amount(), state.currency(), state.mrr(), e, state.changedBy());
        return new Span(first ? key : key + "@" + start, shown, start, e);
    }

    /** The log of spans that were written without one: a state from each span's start, its end where nothing follows. */
    private void seed(String key, List<Span> spans, java.util.TreeMap<Long, State> log) throws SQLException {
        for (int i = 0; i < spans.size(); i++) {
            Span span = spans.get(i);
            boolean followed = i + 1 < spans.size() && span.end() != null && span.end() == spans.get(i + 1).start();
            State s = span.state();
            putChange(key, new State(span.start(), s.customerId(), s.plan(), s.status(), s.interval(), s.intervalCount(), s.quantity(),
                    s.amount(), s.currency(), s.mrr(), followed ? null : span.end(), s.changedBy()), log);
        }
    }

    private void putChange(String key, State s, java.util.TreeMap<Long, State> log) throws SQLException {
        PreparedStatement ps = statement("INSERT INTO subscription_changes (source, subscription_key, at, customer_id, plan, status,"
                + " billing_interval, interval_count, quantity, amount_cents, currency, mrr_cents, ended_at, changed_by, received_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, subscription_key, at) DO UPDATE SET"
                + " customer_id = excluded.customer_id, plan = excluded.plan, status = excluded.status,"
                + " billing_interval = excluded.billing_interval, interval_count = excluded.interval_count, quantity = excluded.quantity,"
                + " amount_cents = excluded.amount_cents, currency = excluded.currency, mrr_cents = excluded.mrr_cents,"
                + " ended_at = excluded.ended_at, changed_by = excluded.changed_by, received_ms = excluded.received_ms");
        ps.setString(1, source);
        ps.setString(2, key);
        ps.setLong(3, s.at());
        ps.setLong(4, s.customerId());
        ps.setString(5, s.plan());
        ps.setString(6, s.status());
        ps.setString(7, s.interval());
        ps.setInt(8, s.intervalCount());
        ps.setInt(9, s.quantity());
        ps.setLong(10, s.amount());
        ps.setString(11, s.currency());
        ps.setLong(12, s.mrr());
        ps.setObject(13, s.endedAt());
        ps.setString(14, s.changedBy());
        ps.setLong(15, System.currentTimeMillis());
        ps.executeUpdate();
        log.put(s.at(), s);
    }

    private void removeChange(String key, long at, java.util.TreeMap<Long, State> log) throws SQLException {
        PreparedStatement ps = statement("DELETE FROM subscription_changes WHERE source = ? AND subscription_key = ? AND at = ?");
        ps.setString(1, source);
        ps.setString(2, key);
        ps.setLong(3, at);
        ps.executeUpdate();
        log.remove(at);
    }

    /** Writes the spans that differ and deletes those no longer laid out; a span keeps its row (and invoices their link). */
    private void writeSpans(String key, List<Span> before, List<Span> after) throws SQLException {
        Set<String> kept = new HashSet<>();
        for (Span span : after) {
            kept.add(span.externalId());
            if (before.contains(span)) {
                continue;
            }
            State s = span.state();
            PreparedStatement ps = statement("INSERT INTO subscriptions (source, external_id, customer_id, plan, status, billing_interval,"
                    + " interval_count, quantity, amount_cents, currency, mrr_cents, started_at, ended_at, subscription_key, changed_by)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, external_id) DO UPDATE SET"
                    + " customer_id = excluded.customer_id, plan = excluded.plan, status = excluded.status,"
                    + " billing_interval = excluded.billing_interval, interval_count = excluded.interval_count, quantity = excluded.quantity,"
                    + " amount_cents = excluded.amount_cents, currency = excluded.currency, mrr_cents = excluded.mrr_cents,"
                    + " started_at = excluded.started_at, ended_at = excluded.ended_at, subscription_key = excluded.subscription_key,"
                    + " changed_by = excluded.changed_by");
            ps.setString(1, source);
            ps.setString(2, span.externalId());
            ps.setLong(3, s.customerId());
            ps.setString(4, s.plan());
            ps.setString(5, s.status());
            ps.setString(6, s.interval());
            ps.setInt(7, s.intervalCount());
            ps.setInt(8, s.quantity());
            ps.setLong(9, s.amount());
            ps.setString(10, s.currency());
            ps.setLong(11, s.mrr());
            ps.setLong(12, span.start());
            ps.setObject(13, span.end());
            ps.setString(14, key);
            ps.setString(15, s.changedBy());
            ps.executeUpdate();
        }
        for (Span span : before) {
            if (!kept.contains(span.externalId())) {
                PreparedStatement ps = statement("DELETE FROM subscriptions WHERE source = ? AND external_id = ?");
                ps.setString(1, source);
                ps.setString(2, span.externalId());
                ps.executeUpdate();
            }
        }
    }

    private static final String SPAN_COLUMNS = "external_id, customer_id, plan, status, billing_interval, interval_count, quantity,"
            + " amount_cents, currency, mrr_cents, started_at, ended_at, subscription_key, changed_by";

    /** Every span of each subscription, by its id at the source, in the order they began. */
    private Map<String, List<Span>> spansOf(Set<String> keys) throws SQLException {
        Map<String, List<Span>> out = new HashMap<>();
        for (List<String> chunk : slices(keys)) {
            PreparedStatement ps = statement("SELECT " + SPAN_COLUMNS + " FROM subscriptions WHERE source = ? AND subscription_key IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ") ORDER BY subscription_key, started_at, id");
            ps.setString(1, source);
            for (int i = 0; i < chunk.size(); i++) {
                ps.setString(i + 2, chunk.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long start = rs.getLong("started_at");
                    long end = rs.getLong("ended_at");
                    Long ended = rs.wasNull() ? null : end;
                    State state = new State(start, rs.getLong("customer_id"), rs.getString("plan"), rs.getString("status"),
                            rs.getString("billing_interval"), rs.getInt("interval_count"), rs.getInt("quantity"), rs.getLong("amount_cents"),
                            rs.getString("currency"), rs.getLong("mrr_cents"), ended, rs.getString("changed_by"));
                    out.computeIfAbsent(rs.getString("subscription_key"), k -> new ArrayList<>())
                            .add(new Span(rs.getString("external_id"), state, start, ended));
                }
            }
        }
        return out;
    }

    /** Each subscription's log of states, by its id at the source, by moment. */
    private Map<String, java.util.TreeMap<Long, State>> logsOf(Set<String> keys) throws SQLException {
        Map<String, java.util.TreeMap<Long, State>> out = new HashMap<>();
        for (List<String> chunk : slices(keys)) {
            PreparedStatement ps = statement("SELECT subscription_key, at, customer_id, plan, status, billing_interval, interval_count,"
                    + " quantity, amount_cents, currency, mrr_cents, ended_at, changed_by FROM subscription_changes WHERE source = ?"
                    + " AND subscription_key IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")");
            ps.setString(1, source);
            for (int i = 0; i < chunk.size(); i++) {
                ps.setString(i + 2, chunk.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long end = rs.getLong("ended_at");
                    Long ended = rs.wasNull() ? null : end;
                    State state = new State(rs.getLong("at"), rs.getLong("customer_id"), rs.getString("plan"), rs.getString("status"),
                            rs.getString("billing_interval"), rs.getInt("interval_count"), rs.getInt("quantity"), rs.getLong("amount_cents"),
                            rs.getString("currency"), rs.getLong("mrr_cents"), ended, rs.getString("changed_by"));
                    out.computeIfAbsent(rs.getString("subscription_key"), k -> new java.util.TreeMap<>()).put(state.at(), state);
                }
            }
        }
        return out;
    }

    // ---- other records

    private static RecordTable<?> table(Object record) {
        if (record instanceof Subscription) return RecordTable.SUBSCRIPTIONS;
        if (record instanceof Invoice) return RecordTable.INVOICES;
        if (record instanceof SurveyResponse) return RecordTable.SURVEY_RESPONSES;
        if (record instanceof SupportTicket) return RecordTable.TICKETS;
        if (record instanceof ProductUser) return RecordTable.USERS;
        if (record instanceof UsageEvent) return RecordTable.USAGE_EVENTS;
        if (record instanceof Deal) return RecordTable.DEALS;
        if (record instanceof AdvocacyEvent) return RecordTable.ADVOCACY_EVENTS;
        if (record instanceof OnboardingMilestone) return RecordTable.ONBOARDING_MILESTONES;
        if (record instanceof CostEntry) return RecordTable.COSTS;
        if (record instanceof io.vitals.model.Cancellation) return RecordTable.CANCELLATIONS;
        throw new IllegalArgumentException("not a canonical record: " + record.getClass().getName());
    }

    @SuppressWarnings("unchecked")
    private static <T> Object[] values(RecordTable<T> table, Object record) {
        return table.values.apply((T) record);
    }

    /** The record's column values with its source, customer and subscription resolved; null when rejected. */
    private Row row(SourcePage.Entry entry) throws SQLException {
        RecordTable<?> table = table(entry.record());
        Object[] values = values(table, entry.record());
        values[table.position("source")] = source;
        int id = table.position("id");
        if (id >= 0) {
            values[id] = null;
        }
        int customer = table.position("customer_id");
        Long customerId = entry.customer() == null ? null : resolve(entry.customer());
        if (customerId == null && !CUSTOMER_OPTIONAL.contains(entry.record().getClass())) {
            if (entry.customer() == null) {
                rejects.add(new String[] {entry.raw(), "no customer given"});
            } else {
                // kept with the record it would be, so that it lands once its customer has arrived
                Object[] pending = values.clone();
                pending[table.position("customer_id")] = null;
                rejects.add(new String[] {entry.raw(), "no customer " + entry.customer() + " in the store",
                        new PendingRow(table.table, pending, entry.customer(), null).encode(), PendingRow.key(entry.customer())});
            }
            return null;
        }
        values[customer] = customerId;
        if (entry.subscription() != null) {
            values[table.position("subscription_id")] = subscriptionsByKey.get(entry.subscription());
        }
        int key = table.position(table.keyColumn);
        if (values[key] == null && entry.record() instanceof UsageEvent) {
            values[key] = contentId(values); // the same event read twice gets the same id
        }
        return new Row(values, String.valueOf(values[key]), entry.raw(), entry.duplicate(),
                entry.record() instanceof SupportTicket t ? t.attributes() : Map.of());
    }

    /**
     * Looks up, 500 to a statement, the customers the page's records name by external id that are not
     * known yet; one question each had cost a round trip per customer per page on a server database
     * (200,000 usage events over 10,000 customers on PostgreSQL: 14.6 s). Each key is its own index
     * probe (a correlated lookup on the unique key), so no planner estimate can turn it into a scan.
     */
    private void findCustomers(List<SourcePage.Entry> entries) throws SQLException {
        Map<String, Set<String>> wanted = new LinkedHashMap<>();
        Map<String, Set<String>> throughSubscriptions = new LinkedHashMap<>();
        for (SourcePage.Entry entry : entries) {
            CustomerKey key = entry.customer();
            if (key != null && key.through() != null) {
                if (!customersByKey.containsKey(bySubscription(key.source(), key.externalId()))) {
                    throughSubscriptions.computeIfAbsent(key.source(), s -> new LinkedHashSet<>()).add(key.externalId());
                }
            } else if (key != null && key.externalId() != null && !(entry.record() instanceof Customer)
                    && !customersByKey.containsKey(byId(key.source(), key.externalId()))) {
                wanted.computeIfAbsent(key.source(), s -> new LinkedHashSet<>()).add(key.externalId());
            }
        }
        for (Map.Entry<String, Set<String>> bySource : wanted.entrySet()) {
            findCustomerIds(bySource.getKey(), bySource.getValue());
        }
        for (Map.Entry<String, Set<String>> bySource : throughSubscriptions.entrySet()) {
            String subscriptionSource = bySource.getKey();
            findIds("SELECT t.customer_id FROM subscriptions t WHERE t.source = ? AND t.external_id = w.wanted", subscriptionSource,
                    bySource.getValue(), key -> bySubscription(subscriptionSource, key), customersByKey);
        }
        // then by e-mail address, for the records whose id at the source matched nobody or that have none
        Set<String> emails = new LinkedHashSet<>();
        for (SourcePage.Entry entry : entries) {
            CustomerKey key = entry.customer();
            if (key != null && key.email() != null && !(entry.record() instanceof Customer)
                    && (key.externalId() == null || !customersByKey.containsKey(byId(key.source(), key.externalId())))
                    && !customersByKey.containsKey(byEmail(key.email()))) {
                emails.add(key.email());
            }
        }
        findIds("SELECT min(t.id) FROM customers t WHERE lower(t.email) = lower(w.wanted)", null, emails, PageWriter::byEmail,
                customersByKey);
    }

    /** How a customer is known by its id at a source, among the ids {@link KnownCustomers} keeps. */
    private static String byId(String customerSource, String externalId) {
        return customerSource + "\u0000" + externalId;
    }

    /** How a customer is known through one of its subscriptions. */
    private static String bySubscription(String subscriptionSource, String subscriptionId) {
        return "subscription\u0000" + subscriptionSource + "\u0000" + subscriptionId;
    }

    /** The customer of a subscription (its first span keeps the subscription's id): source, then id. */
    private static final String CUSTOMER_OF_SUBSCRIPTION = "SELECT t.customer_id FROM subscriptions t WHERE t.source = ? AND t.external_id = ?";

    /** How a customer is known by its e-mail address. */
    private static String byEmail(String email) {
        return "@" + email.toLowerCase(java.util.Locale.ROOT);
    }

    /** Adds the ids of these customers of {@code customerSource} that the store holds to the known ones. */
    private void findCustomerIds(String customerSource, Set<String> externalIds) throws SQLException {
        findIds("SELECT t.id FROM customers t WHERE t.source = ? AND t.external_id = w.wanted", customerSource, externalIds,
                key -> byId(customerSource, key), customersByKey);
    }

    /** The subscriptions of this source the page's records name (invoices), by their id at the source. */
    private void findSubscriptions(List<SourcePage.Entry> entries) throws SQLException {
        Set<String> wanted = new LinkedHashSet<>();
        for (SourcePage.Entry entry : entries) {
            if (entry.subscription() != null) {
                wanted.add(entry.subscription());
            }
        }
        findIds("SELECT t.id FROM subscriptions t WHERE t.source = ? AND t.external_id = w.wanted", source, wanted, key -> key,
                subscriptionsByKey);
    }

    /**
     * Ids of many keys, 500 to a statement: {@code idOf} answers one key ({@code w.wanted}), an index probe
     * each, so no planner estimate can turn the lookup into a scan. Each found id is known under
     * {@code cacheKey(key)}; a customer key found in nobody is noted so that the page does not ask again.
     */
    private void findIds(String idOf, String fromSource, Set<String> keys, Function<String, String> cacheKey, Map<String, Long> into)
            throws SQLException {
        for (List<String> chunk : slices(keys)) {
            PreparedStatement ps = statement("WITH w(wanted) AS (VALUES " + valueRows(chunk.size()) + ") SELECT w.wanted, ("
                    + idOf + ") FROM w");
            for (int i = 0; i < chunk.size(); i++) {
                ps.setString(i + 1, chunk.get(i));
            }
            if (fromSource != null) {
                ps.setString(chunk.size() + 1, fromSource);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(2);
                    if (rs.wasNull()) {
                        if (into == customersByKey) {
                            notInStore.add(cacheKey.apply(rs.getString(1)));
                        }
                    } else {
                        into.put(cacheKey.apply(rs.getString(1)), id);
                    }
                }
            }
        }
    }

    private Long resolve(CustomerKey key) throws SQLException {
        if (key.through() != null) {
            return known(bySubscription(key.source(), key.externalId()), CUSTOMER_OF_SUBSCRIPTION, key.source(), key.externalId());
        }
        if (key.externalId() != null) {
            Long id = known(byId(key.source(), key.externalId()),
                    "SELECT id FROM customers WHERE source = ? AND external_id = ?", key.source(), key.externalId());
            if (id != null || key.email() == null) {
                return id;
            }
        }
        return known(byEmail(key.email()), "SELECT min(id) FROM customers WHERE lower(email) = lower(?)", key.email());
    }

    /**
     * The id known under {@code cacheKey}, else asked of the store (and kept) unless the page found it in
     * nobody. The page looked its keys up beforehand; one is asked here only when the known ids forgot it
     * meanwhile (a page naming more customers than {@link KnownCustomers} keeps).
     */
    private Long known(String cacheKey, String sql, String... args) throws SQLException {
        Long id = customersByKey.get(cacheKey);
        if (id == null && !notInStore.contains(cacheKey)) {
            id = lookup(sql, args);
            if (id != null) {
                customersByKey.put(cacheKey, id);
            }
        }
        return id;
    }

    private Long lookup(String sql, String... args) throws SQLException {
        PreparedStatement ps = statement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setString(i + 1, args[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }

    /**
     * A usage event's id from what it is: source, customer, user, event and time. Its count is left out, so a
     * row whose count was corrected updates the event (and ids from before counts were kept stay the same).
     */
    private static String contentId(Object[] values) {
        int count = RecordTable.USAGE_EVENTS.position("event_count");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < values.length; i++) {
                if (i == count) {
                    continue;
                }
                Object v = values[i];
                sha.update(String.valueOf(v).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- upserts with counts

    /** Upserts the rows and counts them; returns each row's update count (0 = unchanged). */
    private List<Integer> upsert(RecordTable<?> table, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new ArrayList<>();
        }
        // Inserts are told from updates by the ids the batch added where the database allows it (one
        // range count), or by what each upsert returns, else by looking up every key first (a tenth of
        // the sync thread's CPU on SQLite).
        Long largestId = dialect.newIdsAboveExisting() && table.hasId() ? largestId(table) : null;
        Optional<String> insertedMark = dialect.insertedNotUpdated();
        if (largestId == null && insertedMark.isPresent()) {
            return upsertReturning(table, rows, insertedMark.get());
        }
        Set<String> present = largestId == null ? existingKeys(table, rows) : Set.of();
        List<Integer> outcome = writeBatch(statement(table.upsertIfChanged(dialect)), rows);
        long changedRows = changed(outcome);
        if (largestId != null) {
            long added = idsAbove(table, largestId);
            inserted += added;
            updated += changedRows - added;
            unchanged += rows.size() - changedRows;
            return outcome;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            // a key written earlier in this page makes this row an update of it, not a second insert
            boolean wasThere = present.contains(rows.get(i).key()) | !seen.add(rows.get(i).key());
            if (!wasThere) {
                inserted++;
            } else if (outcome.get(i) > 0) {
                updated++;
            } else {
                unchanged++;
            }
        }
        return outcome;
    }

    /**
     * Upserts with {@code RETURNING insertedMark}: a row comes back for each row inserted or updated
     * (none for one left unchanged), saying which. A key twice in one page is an insert, then an update.
     */
    private List<Integer> upsertReturning(RecordTable<?> table, List<Row> rows, String insertedMark) throws SQLException {
        String sql = table.upsertIfChanged(dialect) + " RETURNING " + insertedMark;
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
            statements.put(sql, ps);
        }
        List<Integer> outcome = writeBatch(ps, rows);
        long changedRows = changed(outcome);
        long added = 0;
        long returned = 0;
        try (ResultSet marks = ps.getGeneratedKeys()) {
            while (marks.next()) {
                returned++;
                added += marks.getBoolean(1) ? 1 : 0;
            }
        }
        if (returned != changedRows) {
            throw new SQLException("the upsert into " + table.table + " returned " + returned + " rows for " + changedRows + " written");
        }
        inserted += added;
        updated += changedRows - added;
        unchanged += rows.size() - changedRows;
        return outcome;
    }

    /** Runs the statement once per row in one batch; each row's outcome is 1 when it wrote, 0 when it left the row as it was. */
    private static List<Integer> writeBatch(PreparedStatement ps, List<Row> rows) throws SQLException {
        for (Row row : rows) {
            for (int i = 0; i < row.values().length; i++) {
                ps.setObject(i + 1, row.values()[i]);
            }
            ps.addBatch();
        }
        List<Integer> outcome = new ArrayList<>(rows.size());
        for (int count : ps.executeBatch()) {
            outcome.add(count > 0 ? 1 : 0);
        }
        return outcome;
    }

    private static long changed(List<Integer> outcome) {
        return outcome.stream().filter(o -> o > 0).count();
    }

    /** The table's largest id (0 when empty), or null when new ids may not come above it. */
    private Long largestId(RecordTable<?> table) throws SQLException {
        PreparedStatement ps = statement("SELECT coalesce(max(id), 0) FROM " + table.table);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long largest = rs.getLong(1);
            return largest == Long.MAX_VALUE ? null : largest;
        }
    }

    private long idsAbove(RecordTable<?> table, long id) throws SQLException {
        PreparedStatement ps = statement("SELECT count(*) FROM " + table.table + " WHERE id > ?");
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The keys of the rows that are already in the table. */
    private Set<String> existingKeys(RecordTable<?> table, List<Row> rows) throws SQLException {
        Set<String> existing = new HashSet<>();
        for (List<String> chunk : slices(new LinkedHashSet<>(rows.stream().map(Row::key).toList()))) {
            String in = String.join(", ", chunk.stream().map(k -> "?").toList());
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + table.keyColumn + " FROM " + table.table
                    + " WHERE source = ? AND " + table.keyColumn + " IN (" + in + ")")) {
                ps.setString(1, source);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getString(1));
                    }
                }
            }
        }
        return existing;
    }

    // ---- rejects and cursor

    private void writeRejects() throws SQLException {
        if (rejects.isEmpty()) {
            return;
        }
        // The same row rejected for the same reason on an earlier pass is kept once, with its first time;
        // found by the row's beginning in the index of migration 010, then compared whole.
        PreparedStatement ps = statement("INSERT INTO sync_rejects (source, rejected_ms, raw, reason, pending, customer_key)"
                + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM sync_rejects WHERE source = ? AND reason = ?"
                + " AND substr(coalesce(raw, ''), 1, 200) = substr(coalesce(?, ''), 1, 200) AND NOT (" + dialect.distinct("raw", "?") + ")"
                + " AND resolved_ms IS NULL)");
        long now = System.currentTimeMillis();
        for (String[] r : rejects) {
            ps.setString(1, source);
            ps.setLong(2, now);
            ps.setString(3, r[0]);
            ps.setString(4, r[1]);
            ps.setString(5, r.length > 2 ? r[2] : null);
            ps.setString(6, r.length > 3 ? r[3] : null);
            ps.setString(7, source);
            ps.setString(8, r[1]);
            ps.setString(9, r[0]);
            ps.setString(10, r[0]);
            ps.addBatch();
        }
        ps.executeBatch();
    }

    /**
     * The source's rejects that wait for a customer, landed where that customer has arrived since: each
     * written as the record it would have been (a subscription through its history), its reject marked
     * resolved. A thousand at a time; how many landed.
     */
    long landRejects() throws SQLException {
        List<long[]> ids = new ArrayList<>();
        List<PendingRow> pending = new ArrayList<>();
        List<String> raws = new ArrayList<>();
        PreparedStatement find = statement("SELECT id, pending, customer_key, raw FROM sync_rejects WHERE source = ? AND pending IS NOT NULL"
                + " AND resolved_ms IS NULL ORDER BY id LIMIT 1000");
        find.setString(1, source);
        try (ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
                ids.add(new long[] {rs.getLong(1)});
                pending.add(PendingRow.decode(rs.getString(2), PendingRow.customer(rs.getString(3))));
                raws.add(rs.getString(4));
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        List<SourcePage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            entries.add(new SourcePage.Entry(new Object(), pending.get(i).customer(), null, raws.get(i)));
        }
        findCustomers(entries);
        long landed = 0;
        PreparedStatement resolved = statement("UPDATE sync_rejects SET resolved_ms = ? WHERE id = ?");
        long now = System.currentTimeMillis();
        for (int i = 0; i < pending.size(); i++) {
            PendingRow p = pending.get(i);
            Long customerId = resolve(p.customer());
            if (customerId == null) {
                continue; // still waiting
            }
            if (p.table().equals("subscriptions")) {
                Subscription s = subscriptionOf(p.values());
                Object record = p.at() == null ? s : new SubscriptionChange(s, java.time.Instant.ofEpochSecond(p.at()), true);
                writeSubscriptions(List.of(new SourcePage.Entry(record, p.customer(), null, raws.get(i))));
            } else {
                RecordTable<?> table = RecordTable.named(p.table());
                Object[] values = p.values().clone();
                values[table.position("customer_id")] = customerId;
                int key = table.position(table.keyColumn);
                if (values[key] == null && table == RecordTable.USAGE_EVENTS) {
                    values[key] = contentId(values); // as a sync that found its customer would have named it
                }
                writeBatch(statement(table.upsert(dialect)), List.of(new Row(values, String.valueOf(values[table.position(table.keyColumn)]),
                        raws.get(i))));
            }
            resolved.setLong(1, now);
            resolved.setLong(2, ids.get(i)[0]);
            resolved.addBatch();
            landed++;
        }
        resolved.executeBatch();
        return landed;
    }

    /** A subscription from the values {@link RecordTable#SUBSCRIPTIONS} gives it. */
    private static Subscription subscriptionOf(Object[] v) {
        RecordTable<Subscription> t = RecordTable.SUBSCRIPTIONS;
        Object ended = v[t.position("ended_at")];
        return new Subscription(0, (String) v[t.position("source")], (String) v[t.position("external_id")], 0,
                (String) v[t.position("plan")], (String) v[t.position("status")],
                io.vitals.model.BillingInterval.valueOf(((String) v[t.position("billing_interval")]).toUpperCase(java.util.Locale.ROOT)),
                ((Number) v[t.position("interval_count")]).intValue(), ((Number) v[t.position("quantity")]).intValue(),
                ((Number) v[t.position("amount_cents")]).longValue(), (String) v[t.position("currency")],
                ((Number) v[t.position("mrr_cents")]).longValue(), java.time.Instant.ofEpochSecond(((Number) v[t.position("started_at")]).longValue()),
                ended == null ? null : java.time.Instant.ofEpochSecond(((Number) ended).longValue()));
    }

    private void saveCursor(String cursor) throws SQLException {
        PreparedStatement ps = statement("INSERT INTO sync_cursors (source, cursor, updated_ms) VALUES (?, ?, ?)"
                + " ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_ms = excluded.updated_ms");
        ps.setString(1, source);
        ps.setString(2, cursor);
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
