package io.vitals.connector.typeform;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.FakeApi;

/**
 * Typeform's Create and Responses APIs on a {@link FakeApi}, as Typeform documents them:
 * {@code GET /forms/{id}} answers the form definition; {@code GET /forms/{id}/responses} answers
 * {@code {"total_items":..,"page_count":..,"items":[...]}} with {@code page_size} (default 25, at
 * most 1000), {@code since}/{@code until} on {@code submitted_at} (inclusive), {@code completed},
 * {@code sort} ({@code submitted_at,desc} by default), and {@code after}/{@code before} tokens
 * (exclusive; in the order the responses were processed, oldest first after a token, newest first
 * before one; refused together with {@code sort}); a bearer token on every request; errors as
 * {@code {"code":"...","description":"..."}}.
 */
final class FakeTypeform implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeApi api = FakeApi.start();
    private volatile String token;
    private final Map<String, ObjectNode> forms = Collections.synchronizedMap(new HashMap<>());
    /** Each form's responses in the order Typeform processed them. */
    private final Map<String, List<ObjectNode>> responses = Collections.synchronizedMap(new HashMap<>());
    private final Set<String> partial = Collections.synchronizedSet(new HashSet<>());
    private final Map<Integer, Integer> failures = Collections.synchronizedMap(new HashMap<>());
    private int served;
    /** When set, a 401 echoes the token it was given (as a careless proxy might). */
    volatile boolean echoTokenOnAuthFailure;

    FakeTypeform(String token) {
        this.token = token;
        api.route("/forms/", this::handle);
    }

    String url() {
        return api.url();
    }

    void token(String token) {
        this.token = token;
    }

    FakeTypeform form(ObjectNode form) {
        forms.put(form.path("id").asText(), form);
        responses.putIfAbsent(form.path("id").asText(), Collections.synchronizedList(new ArrayList<>()));
        return this;
    }

    FakeTypeform add(String form, ObjectNode... rs) {
        responses.get(form).addAll(List.of(rs));
        return this;
    }

    /** A response that was started but not submitted (left out with completed=true). */
    FakeTypeform addPartial(String form, ObjectNode r) {
        partial.add(r.path("token").asText());
        return add(form, r);
    }

    void replace(String form, ObjectNode r) {
        List<ObjectNode> l = responses.get(form);
        synchronized (l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).path("token").asText().equals(r.path("token").asText())) {
                    l.set(i, r);
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no response " + r.path("token").asText());
    }

    ObjectNode get(String form, String token) {
        return responses.get(form).stream().filter(r -> r.path("token").asText().equals(token)).findFirst().orElseThrow().deepCopy();
    }

    /** Responses request number n (1-based) answers this status instead. */
    void failResponsesRequest(int n, int status) {
        failures.put(n, status);
    }

    List<FakeApi.Request> requests() {
        return api.requests();
    }

    /** Every request as path?query, in order. */
    List<String> calls() {
        return requests().stream().map(r -> {
            List<String> parts = new ArrayList<>();
            r.params().forEach((k, v) -> parts.add(k + "=" + v));
            return r.path() + (parts.isEmpty() ? "" : "?" + String.join("&", parts));
        }).toList();
    }

    private FakeApi.Answer handle(FakeApi.Request request) {
        String given = request.header("Authorization");
        if (!("Bearer " + token).equals(given)) {
            String shown = echoTokenOnAuthFailure && given != null ? " (got " + given.replaceFirst("^Bearer ", "") + ")" : "";
            return error(401, "AUTHENTICATION_FAILED", "Authentication credentials not found on the Request Headers" + shown);
        }
        String[] parts = request.path().substring("/forms/".length()).split("/");
        String formId = parts[0];
        ObjectNode form = forms.get(formId);
        if (form == null) {
            return error(404, "FORM_NOT_FOUND", "Non-existing form with uid " + formId);
        }
        if (parts.length == 1) {
            return FakeApi.Answer.json(200, form.toString());
        }
        if (parts.length != 2 || !parts[1].equals("responses")) {
            return error(404, "NOT_FOUND", "Endpoint not found");
        }
        int n;
        synchronized (this) {
            n = ++served;
        }
        Integer failing = failures.remove(n);
        if (failing != null) {
            return error(failing, "INTERNAL_ERROR", "Something went wrong on our side");
        }
        return list(formId, request);
    }

    private FakeApi.Answer list(String formId, FakeApi.Request request) {
        int pageSize;
        try {
            pageSize = request.param("page_size") == null ? 25 : Integer.parseInt(request.param("page_size"));
        } catch (NumberFormatException e) {
            pageSize = -1;
        }
        if (pageSize < 1 || pageSize > 1000) {
            return error(400, "VALIDATION_ERROR", "page_size must be between 1 and 1000");
        }
        String after = request.param("after");
        String before = request.param("before");
        String sort = request.param("sort");
        if (sort != null && (after != null || before != null)) {
            return error(400, "VALIDATION_ERROR", "sort cannot be used together with before or after");
        }
        List<ObjectNode> all;
        List<ObjectNode> stored = responses.get(formId);
        synchronized (stored) {
            all = new ArrayList<>(stored);
        }
        if ("true".equals(request.param("completed"))) {
            all.removeIf(r -> partial.contains(r.path("token").asText()));
        }
        Long since = time(request.param("since"));
        Long until = time(request.param("until"));
        if (since != null || until != null) {
            all.removeIf(r -> {
                long at = Instant.parse(r.path("submitted_at").asText()).getEpochSecond();
                return (since != null && at < since) || (until != null && at > until);
            });
        }
        if (after != null || before != null) {
            String t = after != null ? after : before;
            int at = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("token").asText().equals(t)) {
                    at = i;
                }
            }
            if (at < 0) {
                return error(400, "VALIDATION_ERROR", "invalid token " + t);
            }
            if (after != null) {
                all = new ArrayList<>(all.subList(at + 1, all.size())); // processing order, oldest first
            } else {
                all = new ArrayList<>(all.subList(0, at));
                Collections.reverse(all); // newest first
            }
        } else {
            String s = sort == null ? "submitted_at,desc" : sort;
            if (!s.equals("submitted_at,desc") && !s.equals("submitted_at,asc")) {
                return error(400, "VALIDATION_ERROR", "invalid sort " + s);
            }
            all.sort((a, b) -> a.path("submitted_at").asText().compareTo(b.path("submitted_at").asText()));
            if (s.endsWith("desc")) {
                Collections.reverse(all);
            }
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("total_items", all.size());
        page.put("page_count", (all.size() + pageSize - 1) / pageSize);
        ArrayNode items = page.putArray("items");
        all.subList(0, Math.min(pageSize, all.size())).forEach(items::add);
        return FakeApi.Answer.json(200, page.toString());
    }

    private static Long time(String v) {
        if (v == null) {
            return null;
        }
        return v.matches("\\d+") ? Long.parseLong(v) : Instant.parse(v.endsWith("Z") ? v : v + "Z").getEpochSecond();
    }

    private static FakeApi.Answer error(int status, String code, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", code);
        body.put("description", description);
        return FakeApi.Answer.json(status, body.toString());
    }

    @Override
    public void close() {
        api.close();
    }

    // ---- data as Typeform shapes it

    /** The test form: an NPS question, an opinion scale 0..10, a 5-star rating, an e-mail, a why, and a group holding a 1..7 scale. */
    static ObjectNode form(String id) {
        ObjectNode form = JSON.createObjectNode();
        form.put("id", id);
        form.put("title", "How are we doing?");
        ArrayNode fields = form.putArray("fields");
        fields.add(field("NpsQ1", "nps", "nps", null));
        fields.add(field("Auxd6Itc4qgK", "score", "opinion_scale", obj("steps", 11, "start_at_one", false)));
        fields.add(field("Rt5", "stars", "rating", obj("steps", 5, "shape", "star")));
        fields.add(field("Os5", "agree", "opinion_scale", obj("steps", 5, "start_at_one", true)));
        fields.add(field("Em1", "email", "email", null));
        fields.add(field("Why1", "why", "long_text", null));
        ObjectNode group = field("Grp1", "effort_group", "group", null);
        group.putObject("properties").putArray("fields").add(field("Ces7", "effort", "opinion_scale",
                obj("steps", 7, "start_at_one", true)));
        fields.add(group);
        fields.add(field("Nm1", null, "short_text", null));
        ArrayNode hidden = form.putArray("hidden");
        hidden.add("customer_id");
        hidden.add("email");
        return form;
    }

    static ObjectNode field(String id, String ref, String type, ObjectNode properties) {
        ObjectNode f = JSON.createObjectNode();
        f.put("id", id);
        if (ref != null) {
            f.put("ref", ref);
        }
        f.put("title", "Question " + id);
        f.put("type", type);
        if (properties != null) {
            f.set("properties", properties);
        }
        return f;
    }

    static ObjectNode obj(Object... kv) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Integer n) {
                o.put((String) kv[i], n);
            } else if (v instanceof Boolean b) {
                o.put((String) kv[i], b);
            } else {
                o.put((String) kv[i], String.valueOf(v));
            }
        }
        return o;
    }

    /** A completed response; {@code hidden} as name, value pairs. */
    static ObjectNode response(String token, String submittedAt, List<ObjectNode> answers, String... hidden) {
        ObjectNode r = JSON.createObjectNode();
        r.put("landing_id", token);
        r.put("token", token);
        r.put("response_id", token);
        r.put("landed_at", Instant.parse(submittedAt).minusSeconds(120).toString());
        r.put("submitted_at", submittedAt);
        ObjectNode metadata = r.putObject("metadata");
        metadata.put("user_agent", "Mozilla/5.0");
        metadata.put("platform", "other");
        metadata.put("referer", "https://acme.typeform.com/to/abc");
        metadata.put("network_id", "respondent-network");
        metadata.put("browser", "default");
        ObjectNode h = r.putObject("hidden");
        for (int i = 0; i < hidden.length; i += 2) {
            h.put(hidden[i], hidden[i + 1]);
        }
        ArrayNode a = r.putArray("answers");
        answers.forEach(a::add);
        return r;
    }

    static ObjectNode number(String fieldId, String type, String ref, Number n) {
        ObjectNode a = answer(fieldId, type, ref, "number");
        if (n instanceof Integer i) {
            a.put("number", i);
        } else {
            a.put("number", n.doubleValue());
        }
        return a;
    }

    static ObjectNode email(String email) {
        return answer("Em1", "email", "email", "email").put("email", email);
    }

    static ObjectNode why(String text) {
        return answer("Why1", "long_text", "why", "text").put("text", text);
    }

    static ObjectNode answer(String fieldId, String fieldType, String ref, String type) {
        ObjectNode a = JSON.createObjectNode();
        ObjectNode f = a.putObject("field");
        f.put("id", fieldId);
        f.put("type", fieldType);
        if (ref != null) {
            f.put("ref", ref);
        }
        a.put("type", type);
        return a;
    }

    static ObjectNode nps(int n) {
        return number("NpsQ1", "nps", "nps", n);
    }
}
