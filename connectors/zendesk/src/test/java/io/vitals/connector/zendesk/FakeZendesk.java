package io.vitals.connector.zendesk;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.FakeApi;

/**
 * Zendesk's incremental export API on 127.0.0.1 (on the test kit's {@link FakeApi}), answering in
 * the documented format:
 *
 * <ul>
 * <li>{@code GET /api/v2/incremental/tickets/cursor.json?start_time=|cursor=&include=&per_page=}:
 * the tickets in the order they last changed, {@code per_page} (at most 1000) a page, with the
 * side-loads asked for ({@code metric_sets}, {@code users}, {@code organizations}) and
 * {@code after_cursor}, {@code after_url}, {@code before_cursor}, {@code before_url},
 * {@code end_of_stream}; a ticket changed again (a deleted one too, then with status {@code deleted}
 * and no metric set) moves to the end of the stream, and the last
 * {@code after_cursor} of a stream goes on with what changed since;</li>
 * <li>{@code GET /api/v2/incremental/organizations?start_time=&per_page=}: the time-based export,
 * every organization changed at or after {@code start_time}, with {@code end_time} (the last one's
 * time; the next page starts there, so organizations changed at that second come again),
 * {@code next_page}, {@code count}, {@code end_of_stream};</li>
 * <li>both leave out what changed in the most recent minute and answer 400 to a {@code start_time}
 * less than 60 seconds in the past; both check the Authorization header (401 otherwise); errors are
 * {@code {"error":...,"description":...}}.</li>
 * </ul>
 * Scripted failures (a 500, a 429 with Retry-After) come from {@link FakeApi#failNext}.
 */
final class FakeZendesk implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TICKETS = "/api/v2/incremental/tickets/cursor.json";
    static final String ORGANIZATIONS = "/api/v2/incremental/organizations";

    /** One exported object where the stream has it: when it last changed, and a key that orders equal times. */
    record Entry(long stamp, long key, ObjectNode object) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::stamp).thenComparingLong(Entry::key);

    final FakeApi api = FakeApi.start();
    private volatile String authorization;
    /** When set, a 401 repeats the credentials it was given (as a careless proxy might). */
    volatile boolean echoCredentialsOnFailure;
    private volatile Clock clock;
    private final Map<Long, Entry> tickets = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> metricSets = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> users = new ConcurrentHashMap<>();
    private final Map<Long, Entry> organizations = new ConcurrentHashMap<>();

    FakeZendesk(String authorization, Clock clock) {
        this.authorization = authorization;
        this.clock = clock;
        api.route(TICKETS, this::tickets);
        api.route(ORGANIZATIONS, this::organizations);
    }

    static String basic(String email, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((email + "/token:" + token).getBytes(StandardCharsets.UTF_8));
    }

    String url() {
        return api.url();
    }

    void authorization(String authorization) {
        this.authorization = authorization;
    }

    /** Adds a ticket, or replaces it as changed now: it moves to the end of the stream at its {@code updated_at}. */
    FakeZendesk ticket(ObjectNode ticket, ObjectNode metricSet) {
        long id = ticket.path("id").asLong();
        return ticket(id, ZendeskData.t(ticket.path("updated_at").asText()), ticket, metricSet);
    }

    /**
     * Deletes a ticket the stream has, as Zendesk does: the export gives it once more, as it was but with
     * status {@code deleted}, changed at {@code at} (its updated_at and generated_timestamp), and without a
     * metric set (a deleted ticket's metrics are gone with it).
     */
    FakeZendesk delete(long id, String at) {
        Entry was = tickets.get(id);
        if (was == null) {
            throw new IllegalArgumentException("the fake has no ticket " + id + " to delete");
        }
        ObjectNode deleted = was.object().deepCopy();
        deleted.put("status", "deleted").put("updated_at", at).put("generated_timestamp", ZendeskData.t(at));
        return ticket(id, ZendeskData.t(at), deleted, null);
    }

    /** A ticket as it is, for ones without a usable id: {@code key} places it in the stream. */
    FakeZendesk ticket(long key, long stamp, ObjectNode ticket, ObjectNode metricSet) {
        tickets.put(key, new Entry(stamp, key, ticket));
        if (metricSet == null) {
            metricSets.remove(key);
        } else {
            metricSets.put(key, metricSet);
        }
        return this;
    }

    FakeZendesk user(long id, String name, String email, Long organization) {
        users.put(id, ZendeskData.obj("id", id, "name", name, "email", email, "organization_id", organization, "role", "end-user",
                "url", url() + "/api/v2/users/" + id + ".json"));
        return this;
    }

    FakeZendesk organization(ObjectNode organization) {
        long id = organization.path("id").asLong();
        return organization(id, ZendeskData.t(organization.path("updated_at").asText()), organization);
    }

    FakeZendesk organization(long key, long stamp, ObjectNode organization) {
        organizations.put(key, new Entry(stamp, key, organization));
        return this;
    }

    List<FakeApi.Request> requests(String path) {
        return api.requests(path);
    }

    /** Every request as path?query (decoded, in the order sent). */
    List<String> log() {
        return api.requests().stream().map(r -> {
            StringBuilder b = new StringBuilder(r.path());
            char sep = '?';
            for (Map.Entry<String, String> p : r.params().entrySet()) {
                b.append(sep).append(p.getKey()).append('=').append(p.getValue());
                sep = '&';
            }
            return b.toString();
        }).toList();
    }

    static String cursor(long stamp, long key) {
        return Base64.getEncoder().encodeToString((stamp + ".0||" + key + "|").getBytes(StandardCharsets.UTF_8));
    }

    // ---- the endpoints

    private FakeApi.Answer refuse(FakeApi.Request request) {
        if (!authorization.equals(request.header("Authorization"))) {
            return error(401, "Couldn't authenticate you",
                    echoCredentialsOnFailure ? "no account for " + request.header("Authorization") : null);
        }
        if (!"GET".equals(request.method())) {
            return error(405, "MethodNotAllowed", "GET only");
        }
        return null;
    }

    private static FakeApi.Answer error(int status, String error, String description) {
        ObjectNode body = JSON.createObjectNode().put("error", error);
        if (description != null) {
            body.put("description", description);
        }
        return FakeApi.Answer.json(status, body.toString());
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    /** The per_page asked for, or -1 when it is no number from 1 to 1000. */
    private static int perPage(FakeApi.Request request) {
        String p = request.param("per_page");
        if (p == null) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(p);
            return n >= 1 && n <= 1000 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The start_time asked for, or an error answer. */
    private Object startTime(FakeApi.Request request) {
        String s = request.param("start_time");
        if (s == null) {
            return error(400, "InvalidValue", "start_time is required");
        }
        long start;
        try {
            start = Long.parseLong(s);
        } catch (NumberFormatException e) {
            return error(400, "InvalidValue", "start_time must be a Unix epoch time in seconds");
        }
        if (start > now() - 60) {
            return error(400, "InvalidValue", "start_time is too recent: use a start_time at least one minute in the past");
        }
        return start;
    }

    /** The entries outside the most recent minute, in stream order. */
    private List<Entry> stream(Map<Long, Entry> entries) {
        long visibleUntil = now() - 60;
        List<Entry> all = new ArrayList<>(entries.values());
        all.removeIf(e -> e.stamp() > visibleUntil);
        all.sort(ORDER);
        return all;
    }

    private FakeApi.Answer tickets(FakeApi.Request request) {
        FakeApi.Answer refused = refuse(request);
        if (refused != null) {
            return refused;
        }
        int perPage = perPage(request);
        if (perPage < 0) {
            return error(400, "InvalidPaginationParameter", "per_page must be a number from 1 to 1000");
        }
        long afterStamp;
        long afterKey;
        String cursor = request.param("cursor");
        if (cursor != null) {
            try {
                String decoded = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] parts = decoded.split("\\|\\|");
                afterStamp = Long.parseLong(parts[0].replace(".0", ""));
                afterKey = Long.parseLong(parts[1].replace("|", ""));
            } catch (RuntimeException e) {
                return error(400, "InvalidValue", "cursor is invalid");
            }
        } else {
            Object start = startTime(request);
            if (start instanceof FakeApi.Answer a) {
                return a;
            }
            afterStamp = (Long) start;
            afterKey = Long.MIN_VALUE; // everything changed at or after start_time
        }
        Entry position = new Entry(afterStamp, afterKey, null);
        List<Entry> after = stream(tickets).stream().filter(e -> ORDER.compare(e, position) > 0).toList();
        List<Entry> page = after.subList(0, Math.min(perPage, after.size()));
        Entry last = page.isEmpty() ? position : page.get(page.size() - 1);
        String next = cursor(last.stamp(), last.key() == Long.MIN_VALUE ? 0 : last.key());
        if (page.isEmpty() && cursor != null) {
            next = cursor; // nothing new: the same place
        }

        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("tickets");
        page.forEach(e -> list.add(e.object()));
        List<String> include = request.param("include") == null ? List.of() : List.of(request.param("include").split(","));
        if (include.contains("metric_sets")) {
            ArrayNode sets = body.putArray("metric_sets");
            page.stream().map(e -> metricSets.get(e.key())).filter(m -> m != null).forEach(sets::add);
        }
        if (include.contains("users")) {
            ArrayNode us = body.putArray("users");
            page.stream().map(e -> e.object().path("requester_id")).filter(JsonNode::isIntegralNumber).map(JsonNode::asLong)
                    .distinct().map(users::get).filter(u -> u != null).forEach(us::add);
        }
        if (include.contains("organizations")) {
            ArrayNode os = body.putArray("organizations");
            page.stream().map(e -> e.object().path("organization_id")).filter(JsonNode::isIntegralNumber).map(JsonNode::asLong)
                    .distinct().map(organizations::get).filter(o -> o != null).map(Entry::object).forEach(os::add);
        }
        body.put("after_url", url() + TICKETS + "?cursor=" + next);
        body.put("after_cursor", next);
        body.putNull("before_url");
        body.putNull("before_cursor");
        body.put("end_of_stream", after.size() <= page.size());
        return FakeApi.Answer.json(200, body.toString());
    }

    private FakeApi.Answer organizations(FakeApi.Request request) {
        FakeApi.Answer refused = refuse(request);
        if (refused != null) {
            return refused;
        }
        int perPage = perPage(request);
        if (perPage < 0) {
            return error(400, "InvalidPaginationParameter", "per_page must be a number from 1 to 1000");
        }
        Object start = startTime(request);
        if (start instanceof FakeApi.Answer a) {
            return a;
        }
        long from = (Long) start;
        List<Entry> after = stream(organizations).stream().filter(e -> e.stamp() >= from).toList();
        List<Entry> page = after.subList(0, Math.min(perPage, after.size()));
        boolean end = after.size() <= page.size();

        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("organizations");
        page.forEach(e -> list.add(e.object()));
        if (page.isEmpty()) {
            body.putNull("end_time");
        } else {
            body.put("end_time", page.get(page.size() - 1).stamp());
        }
        long endTime = page.isEmpty() ? from : page.get(page.size() - 1).stamp();
        body.put("next_page", url() + ORGANIZATIONS + "?per_page=" + perPage + "&start_time=" + endTime);
        body.put("count", page.size());
        body.put("end_of_stream", end);
        return FakeApi.Answer.json(200, body.toString());
    }

    @Override
    public void close() {
        api.close();
    }
}
