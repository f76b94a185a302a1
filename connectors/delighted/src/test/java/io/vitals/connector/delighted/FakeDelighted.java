package io.vitals.connector.delighted;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.FakeApi;

/**
 * Delighted's survey response list on a {@link FakeApi}, as Delighted documents it:
 * {@code GET /v1/survey_responses.json} answers a JSON array (empty past the last page), with
 * {@code per_page} (default 20, at most 100), {@code page}, {@code since}/{@code until} on
 * {@code created_at}, {@code updated_since}/{@code updated_until} on {@code updated_at} (both
 * inclusive), {@code order} ({@code asc}, {@code desc}, {@code asc:updated_at},
 * {@code desc:updated_at}), {@code trend} and {@code expand[]=person} (the person as an object
 * instead of its id); HTTP Basic authentication with the API key as user name; errors as
 * {@code {"status":401,"message":"..."}}.
 */
final class FakeDelighted implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/v1/survey_responses.json";

    final FakeApi api = FakeApi.start();
    private volatile String key;
    /** Responses in creation order, as stored (person as its id). */
    private final List<ObjectNode> responses = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ObjectNode> people = Collections.synchronizedMap(new HashMap<>());
    /** Which trend each response is in. */
    private final Map<String, String> trends = Collections.synchronizedMap(new HashMap<>());
    /** Runs before answering request number n (1-based), e.g. to edit a response while a sync pages. */
    private final Map<Integer, Consumer<FakeDelighted>> before = Collections.synchronizedMap(new HashMap<>());
    /** Request numbers (1-based) that answer a status instead. */
    private final Map<Integer, Integer> failures = Collections.synchronizedMap(new HashMap<>());
    private int served;
    /** When set, a 401 echoes the credentials it was given (as a careless proxy might). */
    volatile boolean echoCredentialsOnAuthFailure;

    FakeDelighted(String key) {
        this.key = key;
        api.route(PATH, this::list);
    }

    String url() {
        return api.url();
    }

    void key(String key) {
        this.key = key;
    }

    FakeDelighted person(String id, String email, String name) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", id);
        if (email != null) {
            p.put("email", email);
        }
        p.put("name", name);
        p.put("created_at", 1_735_689_600L);
        people.put(id, p);
        return this;
    }

    FakeDelighted add(ObjectNode... rs) {
        responses.addAll(List.of(rs));
        return this;
    }

    void inTrend(String responseId, String trend) {
        trends.put(responseId, trend);
    }

    /** Replaces the response with the same id (an edit at Delighted: set its updated_at too). */
    void replace(ObjectNode r) {
        synchronized (responses) {
            for (int i = 0; i < responses.size(); i++) {
                if (responses.get(i).path("id").asText().equals(r.path("id").asText())) {
                    responses.set(i, r);
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no response " + r.path("id").asText());
    }

    ObjectNode get(String id) {
        synchronized (responses) {
            return responses.stream().filter(r -> r.path("id").asText().equals(id)).findFirst().orElseThrow().deepCopy();
        }
    }

    void beforeRequest(int n, Consumer<FakeDelighted> change) {
        before.put(n, change);
    }

    void failRequest(int n, int status) {
        failures.put(n, status);
    }

    List<FakeApi.Request> requests() {
        return api.requests(PATH);
    }

    /** The requests' query strings in a stable order, for assertions. */
    List<String> queries() {
        return requests().stream().map(r -> {
            List<String> parts = new ArrayList<>();
            r.params().forEach((k, v) -> parts.add(k + "=" + v));
            return String.join("&", parts);
        }).toList();
    }

    private FakeApi.Answer list(FakeApi.Request request) {
        int n;
        synchronized (this) {
            n = ++served;
        }
        Consumer<FakeDelighted> change = before.remove(n);
        if (change != null) {
            change.accept(this);
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        String given = request.header("Authorization");
        if (!expected.equals(given)) {
            String shown = echoCredentialsOnAuthFailure && given != null
                    ? new String(Base64.getDecoder().decode(given.replaceFirst("^Basic ", "")), StandardCharsets.UTF_8) : "";
            return error(401, "Unauthorized" + (shown.isEmpty() ? "" : ": invalid API key " + shown));
        }
        Integer failing = failures.remove(n);
        if (failing != null) {
            return error(failing, failing == 503 ? "Service Unavailable" : "Internal Server Error");
        }
        int perPage = integer(request.param("per_page"), 20);
        int page = integer(request.param("page"), 1);
        if (perPage < 1 || perPage > 100 || page < 1) {
            return error(422, "Unprocessable Entity");
        }
        String order = request.param("order") == null ? "asc" : request.param("order");
        String field = order.endsWith(":updated_at") ? "updated_at" : "created_at";
        Comparator<ObjectNode> by = Comparator.comparingLong(r -> r.path(field).asLong());
        if (order.startsWith("desc")) {
            by = by.reversed();
        } else if (!order.startsWith("asc")) {
            return error(422, "Unprocessable Entity");
        }
        List<ObjectNode> all;
        synchronized (responses) {
            all = new ArrayList<>(responses);
        }
        all.removeIf(r -> !within(r, "created_at", request.param("since"), request.param("until"))
                || !within(r, "updated_at", request.param("updated_since"), request.param("updated_until")));
        if (request.param("trend") != null) {
            all.removeIf(r -> !request.param("trend").equals(trends.get(r.path("id").asText())));
        }
        all.sort(by); // stable: ties keep creation order
        int from = Math.min(all.size(), (page - 1) * perPage);
        int to = Math.min(all.size(), from + perPage);
        boolean expandPerson = request.param("expand[]") != null && List.of(request.param("expand[]").split(",")).contains("person");
        ArrayNode out = JSON.createArrayNode();
        for (ObjectNode r : all.subList(from, to)) {
            ObjectNode copy = r.deepCopy();
            if (expandPerson && people.containsKey(r.path("person").asText())) {
                copy.set("person", people.get(r.path("person").asText()).deepCopy());
            }
            out.add(copy);
        }
        return FakeApi.Answer.json(200, out.toString());
    }

    private static boolean within(JsonNode r, String field, String from, String to) {
        long at = r.path(field).asLong();
        return (from == null || at >= Long.parseLong(from)) && (to == null || at <= Long.parseLong(to));
    }

    private static int integer(String v, int otherwise) {
        try {
            return v == null ? otherwise : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static FakeApi.Answer error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        body.put("message", message);
        return FakeApi.Answer.json(status, body.toString());
    }

    /** A survey response as Delighted stores it; {@code props} are person_properties as key, value pairs. */
    static ObjectNode response(String id, String person, String type, Object score, String comment, long created, long updated,
            String... props) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("person", person);
        r.put("survey_type", type);
        if (score == null) {
            r.putNull("score");
        } else if (score instanceof Integer i) {
            r.put("score", i);
        } else if (score instanceof Double d) {
            r.put("score", d);
        } else {
            r.put("score", score.toString());
        }
        if (comment == null) {
            r.putNull("comment");
        } else {
            r.put("comment", comment);
        }
        r.put("permalink", "https://app.delighted.com/r/" + id);
        r.put("created_at", created);
        r.put("updated_at", updated);
        ObjectNode p = r.putObject("person_properties");
        for (int i = 0; i < props.length; i += 2) {
            p.put(props[i], props[i + 1]);
        }
        r.putArray("notes");
        r.putArray("tags");
        r.putArray("additional_answers");
        return r;
    }

    @Override
    public void close() {
        api.close();
    }
}
