package io.vitals.connector.zendesk;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.Configs;

/** Zendesk objects as the API documents them, and sources configured against the fake. */
final class ZendeskData {

    static final ObjectMapper JSON = FakeZendesk.JSON;
    /** "Now" for the source and the fake alike. */
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String EMAIL = "vitals@acme.com";
    static final String TOKEN = "zd-Api-T0ken-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    static final String START = "2025-06-01";
    static final long START_EPOCH = t("2025-06-01T00:00:00Z");

    private ZendeskData() {
    }

    static long t(String iso) {
        return Instant.parse(iso.length() == 10 ? iso + "T00:00:00Z" : iso).getEpochSecond();
    }

    static ObjectNode obj(Object... kv) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return o;
    }

    /** A ticket as the export gives it (the fields Zendesk documents; those the connector reads are parameters). */
    static ObjectNode ticket(long id, String created, String updated, String status, String priority, String channel,
            Long organization, long requester) {
        return obj("url", "https://acme.zendesk.com/api/v2/tickets/" + id + ".json", "id", id, "external_id", null,
                "via", obj("channel", channel, "source", obj("from", obj(), "to", obj(), "rel", null)),
                "created_at", created, "updated_at", updated, "generated_timestamp", t(updated), "type", "question",
                "subject", "Ticket " + id, "raw_subject", "Ticket " + id, "description", "Help with " + id,
                "priority", priority, "status", status, "recipient", "support@acme.zendesk.com", "requester_id", requester,
                "submitter_id", requester, "assignee_id", 361, "organization_id", organization, "group_id", 98738,
                "collaborator_ids", new long[0], "follower_ids", new long[0], "email_cc_ids", new long[0],
                "forum_topic_id", null, "problem_id", null, "has_incidents", false, "is_public", true, "due_at", null,
                "tags", new String[] {"vitals"}, "custom_fields", new Object[0], "satisfaction_rating", null,
                "sharing_agreement_ids", new long[0], "custom_status_id", 1, "fields", new Object[0],
                "followup_ids", new long[0], "ticket_form_id", 1, "brand_id", 1, "allow_channelback", false,
                "allow_attachments", true, "from_messaging_channel", false);
    }

    static ObjectNode rating(long id, String score, String comment) {
        return obj("id", id, "score", score, "comment", comment);
    }

    /** A ticket metric set as side-loaded: times in minutes as {"calendar":..,"business":..}, null when not yet. */
    static ObjectNode metrics(long ticket, String created, Integer replyMinutes, String solvedAt, int reopens, int replies) {
        return obj("url", "https://acme.zendesk.com/api/v2/ticket_metrics/" + (ticket + 100000) + ".json",
                "id", ticket + 100000, "ticket_id", ticket, "created_at", created, "updated_at", solvedAt == null ? created : solvedAt,
                "group_stations", 1, "assignee_stations", 1, "reopens", reopens, "replies", replies,
                "assignee_updated_at", null, "requester_updated_at", created, "status_updated_at", solvedAt == null ? created : solvedAt,
                "initially_assigned_at", created, "assigned_at", created, "solved_at", solvedAt, "latest_comment_added_at", created,
                "reply_time_in_minutes", minutes(replyMinutes),
                "first_resolution_time_in_minutes", minutes(solvedAt == null ? null : (int) ((t(solvedAt) - t(created)) / 60)),
                "full_resolution_time_in_minutes", minutes(solvedAt == null ? null : (int) ((t(solvedAt) - t(created)) / 60)),
                "agent_wait_time_in_minutes", minutes(null), "requester_wait_time_in_minutes", minutes(null),
                "on_hold_time_in_minutes", minutes(0));
    }

    private static ObjectNode minutes(Integer calendar) {
        return obj("calendar", calendar, "business", calendar == null ? null : calendar * 3 / 4);
    }

    static ObjectNode organization(long id, String name, String created, String updated, Map<String, Object> fields) {
        return obj("url", "https://acme.zendesk.com/api/v2/organizations/" + id + ".json", "id", id, "name", name,
                "shared_tickets", false, "shared_comments", false, "external_id", null, "created_at", created,
                "updated_at", updated, "domain_names", new String[] {name.toLowerCase() + ".com"}, "details", "", "notes", "",
                "group_id", null, "tags", new String[0], "organization_fields", fields, "deleted_at", null);
    }

    static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static ZendeskSource.Config config(Map<String, ?> values) {
        return Configs.of(ZendeskSource.Config.class, values);
    }

    /**
     * The source "support" reading the fake: its token in {@code home/secrets.properties}, the first
     * tickets from {@link #START}, unpaced, "now" being {@link #NOW}; {@code more} adds or overrides keys.
     */
    static ZendeskSource source(FakeZendesk fake, Path home, int pageSize, Object... more) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "support");
        values.put("baseUrl", fake.url());
        values.put("email", EMAIL);
        values.put("apiToken", "file:secrets.properties#zendesk");
        values.put("startTime", START);
        values.put("pageSize", pageSize);
        values.put("exportRequestsPerMinute", 0);
        for (int i = 0; i < more.length; i += 2) {
            values.put((String) more[i], more[i + 1]);
        }
        values.values().removeIf(v -> v == null);
        return new ZendeskSource(config(values), home).clock(CLOCK);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
    // ---- the dataset most tests use

    static final long ACME = 5001;
    static final long GLOBEX = 5002;
    static final long INITECH = 5003;

    /**
     * Three organizations (Acme and Globex with plan, region, seats, tier and crm_id fields;
     * Initech with none), four requesters, five tickets:
     * <pre>
     * 35436 Acme     solved  high    email  reply 42 min, solved 2026-01-08T09:00, 0 reopens, 1 reply,  rated good (77)
     * 35437 Globex   closed  normal  web    reply 90 min, solved 2026-02-04T08:00, 1 reopen,  3 replies, rated bad (78)
     * 35438 Acme     open    urgent  chat   reply 15 min, not solved,              0 reopens, 1 reply,  rating offered
     * 35439 (none)   new     -       api    no reply yet, not solved,              0 reopens, 0 replies, rating unoffered
     * 35440 Initech  pending low     voice  reply 600 min, not solved,             0 reopens, 2 replies, no rating
     * </pre>
     */
    static void clean(FakeZendesk fake) {
        fake.organization(organization(ACME, "Acme", "2024-03-01T09:00:00Z", "2026-01-01T00:00:00Z",
                fields("plan", "pro", "region", "EMEA", "seats", 40, "tier", "gold", "crm_id", "001A")));
        fake.organization(organization(GLOBEX, "Globex", "2024-06-15T00:00:00Z", "2026-01-02T00:00:00Z",
                fields("plan", "basic", "region", "NA", "seats", 5, "tier", null, "crm_id", "001B")));
        fake.organization(organization(INITECH, "Initech", "2025-02-01T00:00:00Z", "2026-01-03T00:00:00Z", fields()));
        fake.user(9001, "Ann", "ann@acme.com", ACME).user(9002, "Bob", "bob@globex.com", GLOBEX)
                .user(9003, "Carol", "carol@nowhere.org", null).user(9004, "Dave", "dave@initech.com", INITECH);

        ObjectNode t36 = ticket(35436, "2026-01-07T10:00:00Z", "2026-01-09T10:00:00Z", "solved", "high", "email", ACME, 9001);
        t36.set("satisfaction_rating", rating(77, "good", "thanks"));
        fake.ticket(t36, metrics(35436, "2026-01-07T10:00:00Z", 42, "2026-01-08T09:00:00Z", 0, 1));
        ObjectNode t37 = ticket(35437, "2026-02-02T08:00:00Z", "2026-02-06T08:00:00Z", "closed", "normal", "web", GLOBEX, 9002);
        t37.set("satisfaction_rating", rating(78, "bad", "slow"));
        fake.ticket(t37, metrics(35437, "2026-02-02T08:00:00Z", 90, "2026-02-04T08:00:00Z", 1, 3));
        ObjectNode t38 = ticket(35438, "2026-03-03T09:30:00Z", "2026-03-03T10:00:00Z", "open", "urgent", "chat", ACME, 9001);
        t38.set("satisfaction_rating", obj("score", "offered"));
        fake.ticket(t38, metrics(35438, "2026-03-03T09:30:00Z", 15, null, 0, 1));
        ObjectNode t39 = ticket(35439, "2026-04-01T12:00:00Z", "2026-04-01T12:00:00Z", "new", null, "api", null, 9003);
        t39.set("satisfaction_rating", obj("score", "unoffered"));
        fake.ticket(t39, metrics(35439, "2026-04-01T12:00:00Z", null, null, 0, 0));
        fake.ticket(ticket(35440, "2026-05-05T00:00:00Z", "2026-05-06T00:00:00Z", "pending", "low", "voice", INITECH, 9004),
                metrics(35440, "2026-05-05T00:00:00Z", 600, null, 0, 2));
    }

    /** The cursor the fake gives after the ticket with this id (its place: when it last changed). */
    static String after(long stamp, long id) {
        return FakeZendesk.cursor(stamp, id);
    }
}
