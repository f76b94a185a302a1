package io.vitals.store.sql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.vitals.model.AdvocacyEvent;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.UsageEvent;

/**
 * How one record type lands in its table: the columns, the values a record gives them, and the
 * upsert on the record's natural key (source and external id) that makes writing it twice harmless.
 */
final class RecordTable<T> {

    final String table;
    final List<String> columns;
    final Function<T, Object[]> values;
    /** The key column that names a record within its source (external_id, or user_id for users). */
    final String keyColumn;
    private final String conflict;
    private final boolean plainInsert;
    private final List<String> updatable;
    /** A column that keeps the earliest value written (a user's first-seen time), or null. */
    private final String earliest;

    private RecordTable(String table, String conflictKey, List<String> columns, Function<T, Object[]> values) {
        this(table, conflictKey, "", null, columns, values);
    }

    private RecordTable(String table, String conflictKey, String conflictWhere, String earliest, List<String> columns,
            Function<T, Object[]> values) {
        this.table = table;
        this.columns = columns;
        this.values = values;
        this.earliest = earliest;
        List<String> keys = conflictKey == null ? List.of("source", "external_id") : Arrays.asList(conflictKey.split(",\\s*"));
        this.keyColumn = keys.get(1);
        this.updatable = columns.stream().filter(c -> !keys.contains(c) && !c.equals("id")).toList();
        this.conflict = " ON CONFLICT (" + String.join(", ", keys) + ")" + conflictWhere + " DO UPDATE SET "
                + updatable.stream().map(c -> c + " = " + newValue(c)).collect(Collectors.joining(", "));
        this.plainInsert = conflictKey == null;
    }

    private String insert(StoreDialect dialect) {
        String placeholders = columns.stream().map(c -> c.equals("id") ? dialect.idValue(table) : "?")
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ")";
    }

    /** Insert, or overwrite the row with the same natural key (a plain insert for tables without one). */
    String upsert(StoreDialect dialect) {
        return plainInsert ? insert(dialect) : insert(dialect) + conflict;
    }

    /**
     * True when the table has an id column the database assigns: all but users (keyed by customer and
     * user). Usage events have one too, though they never write it.
     */
    boolean hasId() {
        return !table.equals("users");
    }

    /**
     * Insert, or update the row with the same natural key only where a column differs, so the
     * statement's update count tells a changed row (1) from an unchanged one (0).
     */
    String upsertIfChanged(StoreDialect dialect) {
        return insert(dialect) + conflict + " WHERE " + updatable.stream()
                .map(c -> c.equals(earliest) ? "excluded." + c + " < " + table + "." + c
                        : dialect.distinct(table + "." + c, "excluded." + c))
                .collect(Collectors.joining(" OR "));
    }

    private String newValue(String column) {
        return column.equals(earliest)
                ? "CASE WHEN excluded." + column + " < " + table + "." + column + " THEN excluded." + column + " ELSE " + table + "." + column + " END"
                : "excluded." + column;
    }

    /** The position of a column in {@link #values}, or -1. */
    int position(String column) {
        return columns.indexOf(column);
    }

    private static Long epoch(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    /** An id of 0 asks the database to assign one. */
    private static Long id(long id) {
        return id > 0 ? id : null;
    }

    static String cohort(Instant signup) {
        var day = signup.atZone(ZoneOffset.UTC).toLocalDate();
        return String.format("%d-%02d", day.getYear(), day.getMonthValue());
    }

    static final RecordTable<Customer> CUSTOMERS = new RecordTable<>("customers", "source, external_id",
            List.of("id", "source", "external_id", "name", "email", "signup_at", "cohort", "plan", "region", "csm_owner", "industry",
                    "deleted_at"),
            // read again from its source, a customer is there: deleted_at is cleared (restored in the CRM)
            c -> new Object[] {id(c.id()), c.source(), c.externalId(), c.name(), c.email(), epoch(c.signupAt()),
                    cohort(c.signupAt()), c.plan(), c.region(), c.csmOwner(), c.industry(), null});

    static final RecordTable<Subscription> SUBSCRIPTIONS = new RecordTable<>("subscriptions", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "plan", "status", "billing_interval", "interval_count",
                    "quantity", "amount_cents", "currency", "mrr_cents", "started_at", "ended_at", "subscription_key"),
            s -> new Object[] {id(s.id()), s.source(), s.externalId(), s.customerId(), s.plan(), s.status(),
                    s.interval().name().toLowerCase(java.util.Locale.ROOT), s.intervalCount(), s.quantity(), s.amountCents(),
                    s.currency(), s.mrrCents(), epoch(s.startedAt()), epoch(s.endedAt()), s.externalId()});

    static final RecordTable<Invoice> INVOICES = new RecordTable<>("invoices", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "subscription_id", "issued_at", "due_at", "paid_at",
                    "amount_cents", "tax_cents", "currency", "status", "kind"),
            i -> new Object[] {id(i.id()), i.source(), i.externalId(), i.customerId(), i.subscriptionId(),
                    epoch(i.issuedAt()), epoch(i.dueAt()), epoch(i.paidAt()), i.amountCents(), i.taxCents(),
                    i.currency(), i.status(), i.kind()});

    static final RecordTable<SurveyResponse> SURVEY_RESPONSES = new RecordTable<>("survey_responses", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "respondent_email", "survey_type", "score",
                    "scale_min", "scale_max", "answered_at", "comment"),
            r -> new Object[] {id(r.id()), r.source(), r.externalId(), r.customerId(), r.respondentEmail(),
                    r.type().code(), r.score(), r.scaleMin(), r.scaleMax(), epoch(r.answeredAt()), r.comment()});

    static final RecordTable<SupportTicket> TICKETS = new RecordTable<>("tickets", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "priority", "channel", "status", "created_at",
                    "first_response_at", "resolved_at", "reopens", "agent_replies", "deleted_at"),
            // read again from its source, a ticket is there: deleted_at is cleared (a restored ticket)
            t -> new Object[] {id(t.id()), t.source(), t.externalId(), t.customerId(), t.priority(), t.channel(),
                    t.status(), epoch(t.createdAt()), epoch(t.firstResponseAt()), epoch(t.resolvedAt()), t.reopens(),
                    t.agentReplies(), null});

    /** A user seen again keeps the earliest time it was first seen: event streams name users many times. */
    static final RecordTable<ProductUser> USERS = new RecordTable<>("users", "source, user_id", "", "created_at",
            List.of("source", "user_id", "customer_id", "created_at"),
            u -> new Object[] {u.source(), u.userId(), u.customerId(), epoch(u.createdAt())});

    /**
     * Usage events arrive at high rates, often without an id of their own: bulk loads insert them
     * plainly; a sync gives each an id derived from its content (see PageWriter) and upserts.
     */
    static final RecordTable<UsageEvent> USAGE_EVENTS = new RecordTable<>("usage_events", null, " WHERE external_id IS NOT NULL", null,
            List.of("source", "external_id", "customer_id", "user_id", "event", "occurred_at", "event_count"),
            e -> new Object[] {e.source(), e.externalId(), e.customerId(), e.userId(), e.event(), epoch(e.occurredAt()), e.count()});

    static final RecordTable<Deal> DEALS = new RecordTable<>("deals", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "kind", "stage", "amount_cents", "currency", "product",
                    "created_at", "closed_at", "deleted_at"),
            d -> new Object[] {id(d.id()), d.source(), d.externalId(), d.customerId(), d.kind().code(), d.stage().code(),
                    d.amountCents(), d.currency(), d.product(), epoch(d.createdAt()), epoch(d.closedAt()), null});

    static final RecordTable<AdvocacyEvent> ADVOCACY_EVENTS = new RecordTable<>("advocacy_events", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "kind", "occurred_at"),
            a -> new Object[] {id(a.id()), a.source(), a.externalId(), a.customerId(), a.kind(), epoch(a.occurredAt())});

    static final RecordTable<OnboardingMilestone> ONBOARDING_MILESTONES = new RecordTable<>("onboarding_milestones",
            "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "milestone", "occurred_at"),
            m -> new Object[] {id(m.id()), m.source(), m.externalId(), m.customerId(), m.milestone(), epoch(m.occurredAt())});

    static final RecordTable<CostEntry> COSTS = new RecordTable<>("costs", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "category", "amount_cents", "incurred_at"),
            c -> new Object[] {id(c.id()), c.source(), c.externalId(), c.customerId(), c.category(), c.amountCents(),
                    epoch(c.incurredAt())});

    static final RecordTable<io.vitals.model.Cancellation> CANCELLATIONS = new RecordTable<>("cancellations", "source, external_id",
            List.of("id", "source", "external_id", "customer_id", "subscription", "canceled_at", "reason", "feedback"),
            c -> new Object[] {id(c.id()), c.source(), c.externalId(), c.customerId(), c.subscription(), epoch(c.canceledAt()),
                    c.reason(), c.feedback()});

    /** The table of the given name, for a record kept pending with a reject. */
    static RecordTable<?> named(String name) {
        for (RecordTable<?> t : List.of(SUBSCRIPTIONS, INVOICES, SURVEY_RESPONSES, TICKETS, USERS, USAGE_EVENTS, DEALS, ADVOCACY_EVENTS,
                ONBOARDING_MILESTONES, COSTS, CANCELLATIONS)) {
            if (t.table.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no table " + name);
    }
}
