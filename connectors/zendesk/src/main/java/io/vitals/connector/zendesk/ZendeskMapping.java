package io.vitals.connector.zendesk;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.Deletion;
import io.vitals.connector.SourcePage;
import io.vitals.model.Customer;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;

/**
 * Maps Zendesk's organizations, tickets (with their side-loaded metric sets and requesters) and
 * the satisfaction ratings on tickets to canonical records on a page; what it cannot map goes to
 * the page's rejects with the reason.
 *
 * <ul>
 * <li>A ticket's first response is its creation plus the metric set's
 * {@code reply_time_in_minutes.calendar} (none while nobody replied), its resolution the metric
 * set's {@code solved_at} while the ticket is solved or closed (none once it is reopened), its
 * reopens and agent replies the metric set's {@code reopens} and {@code replies}.</li>
 * <li>A deleted ticket (the export gives it once more, status {@code deleted}) is a {@link Deletion}
 * of the ticket from its {@code generated_timestamp} ({@code updated_at} without one): periods that
 * end after that moment no longer count it, earlier ones keep it. No CSAT answer is taken from it.</li>
 * <li>A satisfaction rating {@code good} is a CSAT answer of 5 and {@code bad} one of 1 on the 1-5
 * scale (so the CSAT KPI's satisfied share is Zendesk's satisfaction score); {@code offered} and
 * {@code unoffered} are no answer and are skipped. The rating carries no time of its own on the
 * ticket: it is dated at the ticket's resolution (the survey follows it), or its last update when it
 * has none.</li>
 * </ul>
 */
final class ZendeskMapping {

    /** How tickets find their customers, and which organization fields land on customers. */
    record Options(String customerSource, String organizationField, String planField, String regionField, String csmField,
            String industryField, List<String> attributes, boolean matchRequesterEmail) {

        /** True when the tickets' customers are another source's (a CRM's), named by an organization field. */
        boolean customersFromElsewhere() {
            return customerSource != null;
        }

        /** What the ticket export side-loads: the metrics always, the requesters and organizations when they are needed. */
        String include() {
            return "metric_sets" + (matchRequesterEmail ? ",users" : "") + (customersFromElsewhere() ? ",organizations" : "");
        }
    }

    /** The side-loaded records of one ticket export page, by id (metric sets by their ticket's id). */
    record SideLoads(Map<Long, JsonNode> metricSets, Map<Long, JsonNode> users, Map<Long, JsonNode> organizations) {
        static SideLoads of(JsonNode answer) {
            return new SideLoads(index(answer.path("metric_sets"), "ticket_id"), index(answer.path("users"), "id"),
                    index(answer.path("organizations"), "id"));
        }

        private static Map<Long, JsonNode> index(JsonNode list, String key) {
            Map<Long, JsonNode> byId = new HashMap<>();
            if (list.isArray()) {
                for (JsonNode item : list) {
                    JsonNode k = item.get(key);
                    if (k != null && k.isIntegralNumber()) {
                        byId.put(k.asLong(), item);
                    }
                }
            }
            return byId;
        }
    }

    /** A row that cannot be mapped, with the reason in one line. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    static final List<String> STATUSES = List.of("new", "open", "pending", "hold", "solved", "closed", "deleted");
    static final Set<String> PRIORITIES = Set.of("low", "normal", "high", "urgent");
    static final String DELETED = "deleted";
    /** Satisfaction rating scores that are no answer: a survey sent and not answered, or not sent. */
    static final Set<String> NO_ANSWER = Set.of("offered", "unoffered");
    static final int CSAT_GOOD = 5;
    static final int CSAT_BAD = 1;

    private final String source;
    private final Options options;

    ZendeskMapping(String source, Options options) {
        this.source = source;
        this.options = options;
    }

    // ---- organizations

    void organization(JsonNode o, SourcePage page) {
        String raw = o.toString();
        try {
            Long id = id(o, "id", "organization");
            if (id == null) {
                throw new Unmappable("organization without an id");
            }
            String what = "organization " + id;
            Instant created = time(o, "created_at", what);
            if (created == null) {
                throw new Unmappable(what + ": created_at is missing");
            }
            JsonNode fields = o.path("organization_fields");
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String key : options.attributes()) {
                String value = fieldText(fields.get(key));
                if (value != null) {
                    attributes.put(key, value);
                }
            }
            Customer customer = new Customer(0, source, String.valueOf(id), text(o, "name"), null, created,
                    field(fields, options.planField()), field(fields, options.regionField()), field(fields, options.csmField()),
                    field(fields, options.industryField()), attributes);
            page.customer(customer, raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "organization " + text(o, "id") + ": " + e.getMessage());
        }
    }

    // ---- tickets and their satisfaction ratings

    void ticket(JsonNode t, SideLoads side, SourcePage page) {
        String raw = t.toString();
        String what = "ticket " + text(t, "id");
        try {
            Long id = id(t, "id", "ticket");
            if (id == null) {
                throw new Unmappable("ticket without an id");
            }
            what = "ticket " + id;
            String status = lower(text(t, "status"));
            if (status == null) {
                throw new Unmappable(what + ": status is missing");
            }
            if (!STATUSES.contains(status)) {
                throw new Unmappable(what + ": status '" + text(t, "status") + "' is none of " + String.join(", ", STATUSES));
            }
            if (status.equals(DELETED)) {
                // only the id and the moment are needed: a deletion is not lost to a field that does not read
                page.deleted(new Deletion("tickets", String.valueOf(id), deletedAt(t, what)), raw);
                return;
            }
            Instant created = time(t, "created_at", what);
            if (created == null) {
                throw new Unmappable(what + ": created_at is missing");
            }
            String priority = lower(text(t, "priority"));
            if (priority != null && !PRIORITIES.contains(priority)) {
                throw new Unmappable(what + ": priority '" + text(t, "priority") + "' is none of low, normal, high, urgent");
            }
            String channel = text(t.path("via"), "channel");
            JsonNode metrics = side.metricSets().get(id);
            if (metrics == null) {
                throw new Unmappable(what + ": no metric set came with it (include=metric_sets), so its first reply,"
                        + " resolution, reopens and replies are unknown");
            }
            Instant firstResponse = null;
            JsonNode replyTime = metrics.path("reply_time_in_minutes").get("calendar");
            if (replyTime != null && !replyTime.isNull()) {
                if (!replyTime.isIntegralNumber() || replyTime.asLong() < 0) {
                    throw new Unmappable(what + ": reply_time_in_minutes.calendar '" + replyTime.asText()
                            + "' is not a number of minutes");
                }
                firstResponse = created.plusSeconds(replyTime.asLong() * 60);
            }
            Instant solvedAt = time(metrics, "solved_at", what + ": metric set");
            Instant resolved = null;
            if (status.equals("solved") || status.equals("closed")) {
                if (solvedAt == null) {
                    throw new Unmappable(what + ": status " + status + " but its metric set has no solved_at");
                }
                if (solvedAt.isBefore(created)) {
                    throw new Unmappable(what + ": solved_at " + solvedAt + " is before created_at " + created);
                }
                resolved = solvedAt;
            }
            int reopens = count(metrics, "reopens", what);
            int replies = count(metrics, "replies", what);
            String email = requesterEmail(t, side);
            CustomerKey customer = customer(t, side, email);
            Instant ratedAt = solvedAt != null ? solvedAt : firstNonNull(updatedAt(t), created);
            SupportTicket ticket = new SupportTicket(0, source, String.valueOf(id), null, priority, channel, status, created,
                    firstResponse, resolved, reopens, replies);
            page.ticket(ticket, customer, raw);
            rating(t, what, ratedAt, email, customer, page, raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, what + ": " + e.getMessage());
        }
    }

    private void rating(JsonNode t, String what, Instant answeredAt, String email, CustomerKey customer, SourcePage page,
            String raw) {
        JsonNode r = t.get("satisfaction_rating");
        if (r == null || r.isNull()) {
            return;
        }
        String score = lower(r.isTextual() ? r.asText() : text(r, "score"));
        if (score == null || NO_ANSWER.contains(score)) {
            return;
        }
        if (!score.equals("good") && !score.equals("bad")) {
            page.reject(raw, what + ": satisfaction_rating score '" + (r.isTextual() ? r.asText() : text(r, "score"))
                    + "' is none of good, bad (offered and unoffered are no answer)");
            return;
        }
        Long ratingId;
        try {
            ratingId = r.isObject() ? id(r, "id", what + ": satisfaction_rating") : null;
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
            return;
        }
        if (ratingId == null) {
            page.reject(raw, what + ": satisfaction_rating " + score + " has no id");
            return;
        }
        String comment = text(r, "comment");
        try {
            SurveyResponse response = new SurveyResponse(0, source, String.valueOf(ratingId), null, email, SurveyType.CSAT,
                    score.equals("good") ? CSAT_GOOD : CSAT_BAD, 1, 5, answeredAt,
                    comment == null || comment.isBlank() ? null : comment);
            page.response(response, customer, raw);
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, what + ": satisfaction_rating " + ratingId + ": " + e.getMessage());
        }
    }

    /** The requester's e-mail address from the side-loaded users, when they are loaded. */
    private String requesterEmail(JsonNode t, SideLoads side) {
        if (!options.matchRequesterEmail()) {
            return null;
        }
        JsonNode requester = t.get("requester_id");
        if (requester == null || !requester.isIntegralNumber()) {
            return null;
        }
        JsonNode user = side.users().get(requester.asLong());
        String email = user == null ? null : text(user, "email");
        return email == null || email.isBlank() ? null : email.trim();
    }

    /**
     * The ticket's customer: its organization (a customer of this source), or with a customer source
     * the customer the organization field names there; without either, its requester's e-mail
     * address when known; else none (the ticket is kept unmatched).
     */
    private CustomerKey customer(JsonNode t, SideLoads side, String email) {
        JsonNode org = t.get("organization_id");
        Long organization = org != null && org.isIntegralNumber() ? org.asLong() : null;
        if (organization != null) {
            if (!options.customersFromElsewhere()) {
                return CustomerKey.of(source, String.valueOf(organization));
            }
            JsonNode o = side.organizations().get(organization);
            String external = o == null ? null : fieldText(o.path("organization_fields").get(options.organizationField()));
            if (external != null) {
                return CustomerKey.of(options.customerSource(), external);
            }
        }
        return email == null ? null : CustomerKey.email(email);
    }

    // ---- values

    /** The ticket's updated_at, or null when it has none that reads (it only dates a rating on an unsolved ticket). */
    private static Instant updatedAt(JsonNode t) {
        try {
            return time(t, "updated_at", "ticket");
        } catch (Unmappable e) {
            return null;
        }
    }

    /**
     * When a deleted ticket went. One mechanism, the ticket export: it carries deleted tickets (status deleted) but
     * no deleted_at (only /api/v2/deleted_tickets has that, until the ticket is scrubbed). Its generated_timestamp is the
     * export's own time, moved by every update; updated_at moves only with ticket events, so it could predate the
     * deletion and take the ticket out of a period that ended before it went.
     */
    private static Instant deletedAt(JsonNode t, String what) throws Unmappable {
        JsonNode generated = t.get("generated_timestamp");
        if (generated != null && generated.isIntegralNumber() && generated.asLong() > 0) {
            return Instant.ofEpochSecond(generated.asLong());
        }
        Instant updated = time(t, "updated_at", what);
        if (updated == null) {
            throw new Unmappable(what + ": status deleted, but neither generated_timestamp nor updated_at says when");
        }
        return updated;
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String lower(String s) {
        return s == null || s.isBlank() ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    /** An id: a whole number, or a text of digits. */
    private static Long id(JsonNode node, String field, String what) throws Unmappable {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().trim().matches("\\d{1,18}")) {
            return Long.parseLong(v.asText().trim());
        }
        throw new Unmappable(what + ": " + field + " '" + v.asText() + "' is not a number");
    }

    private static Instant time(JsonNode node, String field, String what) throws Unmappable {
        String v = text(node, field);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v.trim()).toInstant();
            } catch (DateTimeParseException e) {
                throw new Unmappable(what + ": " + field + " '" + v + "' is not a time");
            }
        }
    }

    private static int count(JsonNode metrics, String field, String what) throws Unmappable {
        JsonNode v = metrics.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE) {
            throw new Unmappable(what + ": " + field + " '" + v.asText() + "' is not a count");
        }
        return v.asInt();
    }

    private static String field(JsonNode fields, String key) {
        return key == null ? null : fieldText(fields.get(key));
    }

    /** An organization field's value as text: null or empty is none, a multi-select is its values joined by commas. */
    static String fieldText(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String s;
        if (v.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode e : v) {
                if (!e.isNull()) {
                    b.append(b.length() == 0 ? "" : ",").append(e.asText());
                }
            }
            s = b.toString();
        } else if (v.isObject()) {
            s = v.toString();
        } else {
            s = v.asText();
        }
        return s.isBlank() ? null : s.trim();
    }
}
