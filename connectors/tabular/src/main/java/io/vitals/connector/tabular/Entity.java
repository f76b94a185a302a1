package io.vitals.connector.tabular;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kinds of canonical record a source's rows can be, each with the fields a mapping can fill
 * ({@code map.<field> = <column>}). Field names follow the model records; {@code customer} names
 * the record's customer (by id in {@code customerSource}, or by e-mail address).
 */
public enum Entity {

    CUSTOMERS("customers", CustomerRule.NONE,
            f("externalId", Kind.TEXT, true, null, "the customer's id in this source"),
            f("name", Kind.TEXT, false, null, "the account's name"),
            f("email", Kind.TEXT, false, null, "the account's e-mail address"),
            f("signupAt", Kind.DATE, true, null, "when the customer signed up"),
            f("plan", Kind.TEXT, false, null, "the plan"),
            f("region", Kind.TEXT, false, null, "the region"),
            f("csmOwner", Kind.TEXT, false, null, "the customer-success manager"),
            f("industry", Kind.TEXT, false, null, "the industry")),

    SUBSCRIPTIONS("subscriptions", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, true, null, "the subscription's id"),
            f("customer", Kind.TEXT, true, null, "the customer's id (or e-mail with customerBy = email)"),
            f("plan", Kind.TEXT, false, null, "the plan"),
            f("status", Kind.TEXT, false, null, "the status, as the source says (active, canceled...)"),
            f("interval", Kind.INTERVAL, false, "month", "the billing interval: day, week, month, quarter, year"),
            f("intervalCount", Kind.POSITIVE, false, "1", "how many intervals one bill covers"),
            f("quantity", Kind.COUNT, false, "1", "the number of units (seats)"),
            f("amount", Kind.AMOUNT, true, null, "what one interval charges for one unit, after discounts, without tax"),
            f("currency", Kind.CURRENCY, true, null, "the ISO 4217 currency code"),
            f("startedAt", Kind.DATE, true, null, "when the span started"),
            f("endedAt", Kind.DATE, false, null, "when it ended (empty while it runs)"),
            f("changedAt", Kind.DATE, false, null, "when the state of this row began (a plan change, a new quantity); empty:"
                    + " when the sync sees it differ")),

    INVOICES("invoices", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, true, null, "the invoice's id"),
            f("customer", Kind.TEXT, true, null, "the customer's id (or e-mail with customerBy = email)"),
            f("subscription", Kind.TEXT, false, null, "the id of its subscription in this source"),
            f("issuedAt", Kind.DATE, true, null, "when it was issued"),
            f("dueAt", Kind.DATE, false, null, "when it is due"),
            f("paidAt", Kind.DATE, false, null, "when it was paid"),
            f("amount", Kind.AMOUNT, true, null, "the amount without tax"),
            f("tax", Kind.AMOUNT, false, "0", "the tax"),
            f("currency", Kind.CURRENCY, true, null, "the ISO 4217 currency code"),
            f("status", Kind.INVOICE_STATUS, false, null, "paid, open, void or uncollectible (default: paid when paidAt is set, else open)"),
            f("kind", Kind.INVOICE_KIND, false, "recurring", "recurring, one_off or refund")),

    SURVEY_RESPONSES("survey_responses", CustomerRule.OPTIONAL,
            f("externalId", Kind.TEXT, true, null, "the response's id"),
            f("customer", Kind.TEXT, false, null, "the respondent's customer id (or e-mail with customerBy = email)"),
            f("email", Kind.TEXT, false, null, "the respondent's e-mail address (matches the customer when no customer id is given)"),
            f("type", Kind.SURVEY_TYPE, true, null, "nps, csat or ces"),
            f("score", Kind.INT, true, null, "the score"),
            f("scaleMin", Kind.INT, false, null, "the lowest score of the scale (default by type: nps 0, csat 1, ces 1)"),
            f("scaleMax", Kind.INT, false, null, "the highest score of the scale (default by type: nps 10, csat 5, ces 7)"),
            f("answeredAt", Kind.DATE, true, null, "when it was answered"),
            f("comment", Kind.TEXT, false, null, "the respondent's comment")),

    TICKETS("tickets", CustomerRule.OPTIONAL,
            f("externalId", Kind.TEXT, true, null, "the ticket's id"),
            f("customer", Kind.TEXT, false, null, "the customer's id (or e-mail with customerBy = email)"),
            f("priority", Kind.PRIORITY, false, null, "low, normal, high or urgent"),
            f("channel", Kind.TEXT, false, null, "email, chat, phone, web..."),
            f("status", Kind.TEXT, false, null, "the status (open, pending, solved, closed...)"),
            f("createdAt", Kind.DATE, true, null, "when it was opened"),
            f("firstResponseAt", Kind.DATE, false, null, "the first agent reply"),
            f("resolvedAt", Kind.DATE, false, null, "the (last) resolution"),
            f("reopens", Kind.COUNT, false, "0", "how often it was reopened"),
            f("agentReplies", Kind.COUNT, false, "0", "how many agent replies it took")),

    USERS("users", CustomerRule.REQUIRED,
            f("userId", Kind.TEXT, true, null, "the user's id in the product"),
            f("customer", Kind.TEXT, true, null, "the account the user belongs to"),
            f("createdAt", Kind.DATE, true, null, "when the user was created")),

    USAGE_EVENTS("usage_events", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, false, null, "the event's id (optional: without one the store derives one from the event)"),
            f("customer", Kind.TEXT, true, null, "the account"),
            f("userId", Kind.TEXT, true, null, "the user who did it"),
            f("event", Kind.TEXT, true, null, "the event's name"),
            f("occurredAt", Kind.DATE, true, null, "when it happened"),
            f("count", Kind.COUNT, false, "1", "how many times it happened (a row of daily counts); a row of 0 is left out")),

    DEALS("deals", CustomerRule.OPTIONAL,
            f("externalId", Kind.TEXT, true, null, "the deal's id"),
            f("customer", Kind.TEXT, false, null, "the customer (empty for a prospect)"),
            f("kind", Kind.DEAL_KIND, true, null, "new_business, upsell, cross_sell or renewal"),
            f("stage", Kind.DEAL_STAGE, true, null, "open, won or lost"),
            f("amount", Kind.AMOUNT, false, "0", "the deal's value"),
            f("currency", Kind.CURRENCY, false, null, "the ISO 4217 currency code"),
            f("product", Kind.TEXT, false, null, "the product"),
            f("createdAt", Kind.DATE, true, null, "when it was created"),
            f("closedAt", Kind.DATE, false, null, "when it was won or lost (or, open, its expected close)")),

    ADVOCACY_EVENTS("advocacy_events", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, true, null, "the event's id"),
            f("customer", Kind.TEXT, true, null, "the customer"),
            f("kind", Kind.CODE, true, null, "referral, testimonial, review, case_study..."),
            f("occurredAt", Kind.DATE, true, null, "when it happened")),

    ONBOARDING_MILESTONES("onboarding_milestones", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, true, null, "the milestone's id"),
            f("customer", Kind.TEXT, true, null, "the customer"),
            f("milestone", Kind.TEXT, true, null, "started, completed, or a named step"),
            f("occurredAt", Kind.DATE, true, null, "when it was reached")),

    COSTS("costs", CustomerRule.OPTIONAL,
            f("externalId", Kind.TEXT, true, null, "the cost's id"),
            f("customer", Kind.TEXT, false, null, "the customer (empty for a cost shared by all)"),
            f("category", Kind.CODE, true, null, "support, success, infrastructure, churn..."),
            f("amount", Kind.AMOUNT, true, null, "the amount"),
            f("incurredAt", Kind.DATE, true, null, "when it was incurred")),

    CANCELLATIONS("cancellations", CustomerRule.REQUIRED,
            f("externalId", Kind.TEXT, true, null, "the cancellation's id"),
            f("customer", Kind.TEXT, true, null, "the customer who cancelled"),
            f("subscription", Kind.TEXT, false, null, "the id of the cancelled subscription in the customer source"),
            f("canceledAt", Kind.DATE, true, null, "when it was cancelled"),
            f("reason", Kind.TEXT, false, null, "the reason, as a code or the words of a churn survey's choice"),
            f("feedback", Kind.TEXT, false, null, "what the customer said"));

    /** How a field's text is read. */
    public enum Kind {
        TEXT, CODE, DATE, AMOUNT, INT, COUNT, POSITIVE, INTERVAL, CURRENCY, SURVEY_TYPE, DEAL_KIND, DEAL_STAGE, PRIORITY,
        INVOICE_STATUS, INVOICE_KIND
    }

    /** Whether the entity's records name a customer. */
    enum CustomerRule {
        NONE, REQUIRED, OPTIONAL
    }

    /**
     * A field a mapping can fill.
     *
     * @param required a record cannot be made without it (the id may come from the connector instead)
     * @param builtIn the value when neither a column nor a default gives one, or null
     */
    public record Field(String name, Kind kind, boolean required, String builtIn, String description) {
    }

    private static Field f(String name, Kind kind, boolean required, String builtIn, String description) {
        return new Field(name, kind, required, builtIn, description);
    }

    private final String code;
    private final CustomerRule customer;
    private final List<Field> fields;
    /** By name as the code spells it, and by lower-case name: a mapping reads a field per value of every row. */
    private final java.util.Map<String, Field> byName = new java.util.HashMap<>();
    private final java.util.Map<String, Field> byLowerName = new java.util.HashMap<>();

    Entity(String code, CustomerRule customer, Field... fields) {
        this.code = code;
        this.customer = customer;
        this.fields = List.of(fields);
        for (Field f : fields) {
            byName.putIfAbsent(f.name(), f);
            byLowerName.putIfAbsent(f.name().toLowerCase(java.util.Locale.ROOT), f);
        }
    }

    /** The configuration's name for it: {@code customers}, {@code survey_responses}... */
    public String code() {
        return code;
    }

    public List<Field> fields() {
        return fields;
    }

    CustomerRule customer() {
        return customer;
    }

    /** The field called {@code name} (case does not matter). */
    public Optional<Field> field(String name) {
        Field f = byName.get(name);
        return Optional.ofNullable(f != null ? f : byLowerName.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The field that identifies a row: {@code userId} for users, else {@code externalId}. */
    public Field idField() {
        return fields.get(0);
    }

    public String fieldNames() {
        return fields.stream().map(Field::name).collect(Collectors.joining(", "))
                + (hasAttributes() ? ", attributes" : "");
    }

    /** Whether a mapping may give its records attributes ({@code map.attributes}, {@code attribute.<name>}). */
    public boolean hasAttributes() {
        return this == CUSTOMERS || this == TICKETS;
    }

    /** @throws IllegalArgumentException naming the entities there are */
    public static Entity of(String code) {
        String c = code == null ? "" : code.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(e -> e.code.equals(c)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("entity must be one of " + codes()
                        + (c.isEmpty() ? "" : "; got '" + code.trim() + "'")));
    }

    public static String codes() {
        return Arrays.stream(values()).map(Entity::code).collect(Collectors.joining(", "));
    }
}
