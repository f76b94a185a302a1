package io.vitals.connector.tabular;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourcePage;
import io.vitals.connector.tabular.Entity.Field;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.BillingInterval;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;

/**
 * Maps one row of named text fields to a canonical record of one source, or to the one-line
 * reason it cannot: {@code "signupAt: '31/02/2026' is not a date in format dd/MM/yyyy"},
 * {@code "missing customer (column account_id)"}. Column names match exactly or, failing that,
 * ignoring case. A row never throws; it maps or it is rejected.
 */
public final class RowMapper {

    /**
     * What a row became: a record with the customer it names (null for none) and, for an
     * invoice, its subscription's id in the same source; or the reason it did not; or nothing, when
     * the mapping leaves the row out ({@code where.*}, a usage count of 0).
     */
    public record Result(Object record, CustomerKey customer, String subscription, String reason) {

        private static final Result SKIPPED = new Result(null, null, null, null);

        static Result rejected(String reason) {
            return new Result(null, null, null, reason);
        }

        public boolean mapped() {
            return reason == null && record != null;
        }

        /** True when the mapping leaves the row out by its own rule: neither a record nor a reject. */
        public boolean skipped() {
            return reason == null && record == null;
        }
    }

    /** A row that cannot be mapped, with the reason. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;

        Reject(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String source;
    private final TabularMapping mapping;
    private final Entity entity;

    /** @param source the source's id: the {@code source} of every record */
    public RowMapper(String source, TabularMapping mapping) {
        this.source = Objects.requireNonNull(source, "source");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.entity = mapping.entity();
    }

    public TabularMapping mapping() {
        return mapping;
    }

    /**
     * @param row the row's fields by column name (an absent column and an empty value are the same)
     * @param rowId the connector's stable id for the row ("tickets.csv:7"), used as the record's id when the
     *        mapping names no id column; may be null
     */
    public Result map(Map<String, String> row, String rowId) {
        if (!mapping.keeps(row)) {
            return Result.SKIPPED;
        }
        try {
            return switch (entity) {
                case CUSTOMERS -> customer(row, rowId);
                case SUBSCRIPTIONS -> subscription(row, rowId);
                case INVOICES -> invoice(row, rowId);
                case SURVEY_RESPONSES -> response(row, rowId);
                case TICKETS -> ticket(row, rowId);
                case USERS -> user(row);
                case USAGE_EVENTS -> event(row, rowId);
                case DEALS -> deal(row, rowId);
                case ADVOCACY_EVENTS -> advocacy(row, rowId);
                case ONBOARDING_MILESTONES -> milestone(row, rowId);
                case COSTS -> cost(row, rowId);
                case CANCELLATIONS -> cancellation(row, rowId);
            };
        } catch (Reject r) {
            return Result.rejected(r.getMessage());
        } catch (IllegalArgumentException e) { // the model's own checks
            return Result.rejected(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (ArithmeticException e) { // amount x quantity beyond a long
            return Result.rejected("the amounts are too large to add up (" + e.getMessage() + ")");
        }
    }

    /**
     * Maps the row and adds it to the page: the record with its customer, or a reject with the reason.
     *
     * @param raw the row as the source wrote it, kept with a reject
     * @return true when the row became a record
     */
    public boolean addTo(SourcePage page, Map<String, String> row, String rowId, String raw) {
        Result r = map(row, rowId);
        if (r.skipped()) {
            page.skip();
            return false;
        }
        if (!r.mapped()) {
            page.reject(raw, r.reason());
            return false;
        }
        Object record = r.record();
        if (record instanceof Customer c) {
            present.add(c.externalId());
        } else if (record instanceof Subscription sub) {
            present.add(sub.externalId());
        } else if (record instanceof io.vitals.model.SubscriptionChange c) {
            present.add(c.state().externalId());
        }
        String id = idOf(record);
        boolean duplicate = false;
        if (id != null) {
            if (seen.contains(id)) {
                if (mapping.rejectDuplicates()) {
                    page.reject(raw, "a second row with id " + io.vitals.kpi.Texts.clip(id.substring(id.indexOf(':') + 1))
                            + " in this pass: the first is kept (duplicates = reject)");
                    return false;
                }
                duplicate = true;
            } else if (seen.size() < MAX_SEEN) {
                seen.add(id);
            }
        }
        add(page, r, record, raw);
        if (duplicate) {
            page.markDuplicate();
        }
        return true;
    }

    /** Ids read in this pass, to tell a second row with the same id; bounded, as a pass may read millions of rows. */
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    static final int MAX_SEEN = 2_000_000;

    /** A new pass over the rows (a file read again, a query run again): ids seen before are forgotten. */
    public void newPass() {
        seen.clear();
        present.clear();
    }

    /** Customers or subscriptions read in this pass, by id. */
    private final java.util.Set<String> present = new java.util.HashSet<>();

    /**
     * After a whole pass over a complete source ({@code complete = true}): each live record of the store that
     * the pass did not read, as deleted now.
     */
    public void addDeletions(SourcePage page, java.util.Set<String> live, String where) {
        if (!mapping.complete()) {
            return;
        }
        String entity = mapping.entity() == Entity.CUSTOMERS ? "customers" : "subscriptions";
        java.time.Instant now = java.time.Instant.now();
        page.read(page.read()); // a deletion is no row read
        for (String id : new java.util.TreeSet<>(live)) {
            if (!present.contains(id)) {
                page.deleted(new io.vitals.connector.Deletion(entity, id, now), id + " is no longer in " + where);
            }
        }
    }

    /** The record's id at its source, by kind, or null for records without one (usage events without an id). */
    private static String idOf(Object record) {
        String id;
        if (record instanceof Customer c) {
            id = c.externalId();
        } else if (record instanceof Subscription s) {
            id = s.externalId();
        } else if (record instanceof io.vitals.model.SubscriptionChange c) {
            id = null; // one subscription's states over time come as several rows: none is a duplicate
        } else if (record instanceof Invoice i) {
            id = i.externalId();
        } else if (record instanceof SurveyResponse s) {
            id = s.externalId();
        } else if (record instanceof SupportTicket t) {
            id = t.externalId();
        } else if (record instanceof ProductUser u) {
            id = u.userId();
        } else if (record instanceof UsageEvent e) {
            id = e.externalId();
        } else if (record instanceof Deal d) {
            id = d.externalId();
        } else if (record instanceof AdvocacyEvent a) {
            id = a.externalId();
        } else if (record instanceof OnboardingMilestone m) {
            id = m.externalId();
        } else if (record instanceof CostEntry c) {
            id = c.externalId();
        } else if (record instanceof io.vitals.model.Cancellation c) {
            id = c.externalId();
        } else {
            id = null;
        }
        return id == null ? null : record.getClass().getSimpleName() + ":" + id;
    }

    private static void add(SourcePage page, Result r, Object record, String raw) {
        if (record instanceof Customer c) {
            page.customer(c, raw);
        } else if (record instanceof Subscription s) {
            page.subscription(s, r.customer(), raw);
        } else if (record instanceof io.vitals.model.SubscriptionChange c) {
            page.subscriptionChange(c, r.customer(), raw);
        } else if (record instanceof Invoice i) {
            page.invoice(i, r.customer(), r.subscription(), raw);
        } else if (record instanceof SurveyResponse s) {
            page.response(s, r.customer(), raw);
        } else if (record instanceof SupportTicket t) {
            page.ticket(t, r.customer(), raw);
        } else if (record instanceof ProductUser u) {
            page.user(u, r.customer(), raw);
        } else if (record instanceof UsageEvent e) {
            page.event(e, r.customer(), raw);
        } else if (record instanceof Deal d) {
            page.deal(d, r.customer(), raw);
        } else if (record instanceof AdvocacyEvent a) {
            page.advocacy(a, r.customer(), raw);
        } else if (record instanceof OnboardingMilestone m) {
            page.milestone(m, r.customer(), raw);
        } else if (record instanceof CostEntry c) {
            page.cost(c, r.customer(), raw);
        } else if (record instanceof io.vitals.model.Cancellation c) {
            page.cancellation(c, r.customer(), raw);
        }
    }

    // ---- entities

    private Map<String, String> attributes(Map<String, String> row) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : mapping.attributeColumns().entrySet()) {
            String v = cell(row, a.getValue());
            if (v != null && !v.isBlank()) {
                attributes.put(a.getKey(), v.trim());
            }
        }
        return attributes;
    }

    private Result customer(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        Map<String, String> attributes = attributes(row);
        Customer c = new Customer(0, source, id, text(row, "name"), text(row, "email"), date(row, "signupAt"),
                text(row, "plan"), text(row, "region"), text(row, "csmOwner"), text(row, "industry"), attributes);
        return new Result(c, null, null, null);
    }

    private Result subscription(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        BillingInterval interval = (BillingInterval) value(row, "interval");
        int count = (Integer) value(row, "intervalCount");
        int quantity = (Integer) value(row, "quantity");
        long amount = amount(row, "amount");
        Instant started = date(row, "startedAt");
        Instant ended = date(row, "endedAt");
        if (ended != null && ended.isBefore(started)) {
            throw new Reject("endedAt " + ended + " is before startedAt " + started);
        }
        Subscription s = Subscription.priced(0, source, id, 0, text(row, "plan"), text(row, "status"), interval, count,
                quantity, amount, (String) value(row, "currency"), started, ended);
        Instant changed = date(row, "changedAt");
        if (changed != null) {
            // the row says when its state began: history from that moment, not from the sync's
            return new Result(new io.vitals.model.SubscriptionChange(s, changed.isBefore(started) ? started : changed, true), customer,
                    null, null);
        }
        return new Result(s, customer, null, null);
    }

    private Result invoice(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        Instant paid = date(row, "paidAt");
        String status = (String) value(row, "status");
        Invoice i = new Invoice(0, source, id, 0, null, date(row, "issuedAt"), date(row, "dueAt"), paid,
                amount(row, "amount"), amount(row, "tax"), (String) value(row, "currency"),
                status != null ? status : paid != null ? "paid" : "open", (String) value(row, "kind"));
        return new Result(i, customer, text(row, "subscription"), null);
    }

    private Result response(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        String email = text(row, "email");
        CustomerKey customer = customerKey(row, email);
        SurveyType type = (SurveyType) value(row, "type");
        int score = (Integer) value(row, "score");
        Integer min = (Integer) value(row, "scaleMin");
        Integer max = (Integer) value(row, "scaleMax");
        int scaleMin = min != null ? min : type == SurveyType.NPS ? 0 : 1;
        int scaleMax = max != null ? max : switch (type) {
            case NPS -> 10;
            case CSAT -> 5;
            case CES -> 7;
        };
        if (scaleMin >= scaleMax) {
            throw new Reject("scale " + scaleMin + ".." + scaleMax + " is empty (scaleMin must be below scaleMax)");
        }
        if (score < scaleMin || score > scaleMax) {
            throw new Reject("score: '" + shown(raw(row, "score")) + "' is outside the " + type.code() + " scale " + scaleMin + ".." + scaleMax);
        }
        SurveyResponse r = new SurveyResponse(0, source, id, null, email, type, score, scaleMin, scaleMax,
                date(row, "answeredAt"), text(row, "comment"));
        return new Result(r, customer, null, null);
    }

    private Result ticket(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        SupportTicket t = new SupportTicket(0, source, id, null, (String) value(row, "priority"), text(row, "channel"),
                text(row, "status"), date(row, "createdAt"), date(row, "firstResponseAt"), date(row, "resolvedAt"),
                (Integer) value(row, "reopens"), (Integer) value(row, "agentReplies"), attributes(row));
        return new Result(t, customer, null, null);
    }

    private Result user(Map<String, String> row) throws Reject {
        String id = required(row, "userId");
        CustomerKey customer = customerKey(row, null);
        return new Result(new ProductUser(source, id, 0, date(row, "createdAt")), customer, null, null);
    }

    private Result event(Map<String, String> row, String rowId) throws Reject {
        Field idField = entity.idField();
        String id = text(row, idField.name());
        if (id == null && mapping.column(idField) == null) {
            id = rowId;
        }
        CustomerKey customer = customerKey(row, null);
        int count = (Integer) value(row, "count");
        if (count == 0) {
            return Result.SKIPPED; // a day without the event: nothing happened
        }
        UsageEvent e = new UsageEvent(source, id, 0, required(row, "userId"), required(row, "event"), date(row, "occurredAt"), count);
        return new Result(e, customer, null, null);
    }

    private Result deal(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        Deal d = new Deal(0, source, id, null, (DealKind) value(row, "kind"), (DealStage) value(row, "stage"),
                amount(row, "amount"), (String) value(row, "currency"), text(row, "product"), date(row, "createdAt"),
                date(row, "closedAt"));
        return new Result(d, customer, null, null);
    }

    private Result advocacy(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        AdvocacyEvent a = new AdvocacyEvent(0, source, id, 0, (String) value(row, "kind"), date(row, "occurredAt"));
        return new Result(a, customer, null, null);
    }

    private Result milestone(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        OnboardingMilestone m = new OnboardingMilestone(0, source, id, 0, required(row, "milestone"), date(row, "occurredAt"));
        return new Result(m, customer, null, null);
    }

    private Result cost(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        CostEntry c = new CostEntry(0, source, id, null, (String) value(row, "category"), amount(row, "amount"),
                date(row, "incurredAt"));
        return new Result(c, customer, null, null);
    }

    private Result cancellation(Map<String, String> row, String rowId) throws Reject {
        String id = id(row, rowId);
        CustomerKey customer = customerKey(row, null);
        io.vitals.model.Cancellation c = new io.vitals.model.Cancellation(0, source, id, null, text(row, "subscription"),
                date(row, "canceledAt"), text(row, "reason"), text(row, "feedback"));
        return new Result(c, customer, null, null);
    }

    // ---- fields

    /** The record's id: its column, else the connector's row id when no column is mapped. */
    private String id(Map<String, String> row, String rowId) throws Reject {
        Field f = entity.idField();
        String id = text(row, f.name());
        if (id != null) {
            return id;
        }
        if (mapping.column(f) == null && rowId != null) {
            return rowId;
        }
        throw missing(f);
    }

    /**
     * The record's customer: by id in the customer source, or by e-mail address; for a survey
     * response without a customer column value, by the respondent's e-mail.
     */
    private CustomerKey customerKey(Map<String, String> row, String respondentEmail) throws Reject {
        Field f = entity.field("customer").orElseThrow();
        String value = text(row, f.name());
        if (value != null) {
            if (mapping.customerByEmail()) {
                return CustomerKey.email(value);
            }
            if (mapping.customerThroughSubscriptions()) {
                return CustomerKey.ofSubscription(mapping.customerSource(source), value);
            }
            return new CustomerKey(mapping.customerSource(source), value, respondentEmail);
        }
        if (respondentEmail != null) {
            return CustomerKey.email(respondentEmail);
        }
        if (f.required()) {
            throw missing(f);
        }
        return null;
    }

    private String required(Map<String, String> row, String field) throws Reject {
        String v = text(row, field);
        if (v == null) {
            throw missing(entity.field(field).orElseThrow());
        }
        return v;
    }

    private Reject missing(Field f) {
        String column = mapping.column(f);
        return new Reject("missing " + f.name() + (column != null ? " (column " + column + ")" : " (no column mapped)"));
    }

    private String text(Map<String, String> row, String field) throws Reject {
        return (String) value(row, field);
    }

    private Instant date(Map<String, String> row, String field) throws Reject {
        return (Instant) value(row, field);
    }

    private long amount(Map<String, String> row, String field) throws Reject {
        return (Long) value(row, field);
    }

    /** The row's raw text for the field, before translation, or null. */
    private String raw(Map<String, String> row, String field) {
        return cell(row, entity.field(field).orElseThrow());
    }

    /** The field's cell, or its columns' cells joined by "|" when several give it (null when all are empty). */
    private String cell(Map<String, String> row, Field f) {
        java.util.List<String> columns = mapping.joinedColumns(f);
        if (columns == null) {
            String column = mapping.column(f);
            return column == null ? null : cell(row, column);
        }
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (String column : columns) {
            String v = cell(row, column);
            any |= v != null && !v.isBlank();
            b.append(v == null ? "" : v.trim()).append('|');
        }
        return any ? b.substring(0, b.length() - 1) : null;
    }

    /**
     * The field's value read as its kind: its column's text (translated when the mapping says so),
     * else its default; null when there is none. Required fields throw "missing".
     */
    private Object value(Map<String, String> row, String name) throws Reject {
        Field f = entity.field(name).orElseThrow();
        String raw = cell(row, f);
        String text = raw == null ? null : raw.trim();
        String translated = null;
        if (text != null && !text.isEmpty()) {
            translated = mapping.translate(f, text);
            if (translated != null) {
                text = translated;
            }
        }
        boolean fromRow = text != null && !text.isEmpty();
        if (!fromRow) {
            text = mapping.defaultText(f);
            if (text == null) {
                if (f.required() && f != entity.idField() && !f.name().equals("customer")) {
                    throw missing(f);
                }
                return null;
            }
        }
        try {
            if (f.kind() == Entity.Kind.DATE && mapping.dateFormat(f).base() != null) {
                String base = mapping.dateFormat(f).base();
                Instant from = date(row, base);
                if (from == null) {
                    throw new Reject(f.name() + ": '" + shown(fromRow ? raw : text) + "' counts from " + base + ", which is missing");
                }
                return mapping.dateFormat(f).parse(text, from);
            }
            return mapping.read(f, text);
        } catch (BadValue e) {
            if (!fromRow) {
                throw new Reject(f.name() + ": default '" + text + "' " + e.getMessage());
            }
            throw new Reject(f.name() + ": '" + shown(raw) + "'" + (translated != null ? " (translated to '" + translated + "')" : "")
                    + " " + e.getMessage());
        }
    }

    /** A raw value as a reason shows it: on one line, and not too long. */
    private static String shown(String raw) {
        if (raw == null) {
            return "";
        }
        String t = raw.trim().replaceAll("\\s+", " ");
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }

    /**
     * A row as text for a reject, when the source has no text of its own (a database row): a
     * JSON object of its fields in order, e.g. <code>{"id":"7","name":"Acme"}</code>.
     */
    public static String describe(Map<String, String> row) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : row.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            json(b, e.getKey());
            b.append(':');
            if (e.getValue() == null) {
                b.append("null");
            } else {
                json(b, e.getValue());
            }
        }
        return b.append('}').toString();
    }

    private static void json(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** The row's value for a column: by exact name, else ignoring case. */
    static String cell(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v != null || row.containsKey(column)) {
            return v;
        }
        for (Map.Entry<String, String> e : row.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return null;
    }
}
