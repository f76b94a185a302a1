package io.vitals.connector.hubspot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.FakeApi;

/**
 * HubSpot's CRM v3 API on {@link FakeApi}, as HubSpot documents it: {@code GET /crm/v3/objects/companies}
 * and {@code /deals} answering {@code {"results":[{"id":..., "properties":{...}, "createdAt":...,
 * "updatedAt":..., "archived":false}], "paging":{"next":{"after":..., "link":...}}}} in id order,
 * honouring {@code limit} (at most 100), {@code properties} (only those asked for, plus
 * createdate, hs_lastmodifieddate and hs_object_id; every property value a string or null),
 * {@code associations=companies} and {@code after}; with {@code archived=true} the same lists answer only
 * the archived objects, each {@code "archived":true} with its {@code "archivedAt"} (see {@link #archive});
 * {@code GET /crm/v3/owners}; a bearer token checked on every request, and errors as
 * {@code {"status":"error","message":...,"category":...}}.
 */
final class FakeHubSpot implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String COMPANIES = "/crm/v3/objects/companies";
    static final String DEALS = "/crm/v3/objects/deals";
    static final String OWNERS = "/crm/v3/owners";

    /** A scripted failure for the page of {@code path} whose paging token is {@code after} (null: the first page). */
    private static final class Failure {
        final String path;
        final String after;
        final int status;
        final Map<String, String> headers;
        int times;

        Failure(String path, String after, int status, int times, Map<String, String> headers) {
            this.path = path;
            this.after = after;
            this.status = status;
            this.times = times;
            this.headers = headers;
        }
    }

    final FakeApi api = FakeApi.start();
    private volatile String token;
    final List<ObjectNode> companies = Collections.synchronizedList(new ArrayList<>());
    final List<ObjectNode> deals = Collections.synchronizedList(new ArrayList<>());
    final List<ObjectNode> owners = Collections.synchronizedList(new ArrayList<>());
    final List<ObjectNode> archivedCompanies = Collections.synchronizedList(new ArrayList<>());
    final List<ObjectNode> archivedDeals = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    /** When set, a 401 echoes the token it was given (as a careless proxy might). */
    volatile boolean echoTokenOnAuthFailure;

    FakeHubSpot(String token) {
        this.token = token;
        api.route(COMPANIES, r -> "true".equals(r.param("archived")) ? list(r, COMPANIES, archivedCompanies, false)
                : list(r, COMPANIES, companies, false));
        api.route(DEALS, r -> "true".equals(r.param("archived")) ? list(r, DEALS, archivedDeals, true) : list(r, DEALS, deals, true));
        api.route(OWNERS, r -> list(r, OWNERS, owners, false));
    }

    String url() {
        return api.url();
    }

    void acceptToken(String token) {
        this.token = token;
    }

    /** Replaces the object with the same id. */
    void replace(List<ObjectNode> list, ObjectNode object) {
        synchronized (list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).path("id").asText().equals(object.path("id").asText())) {
                    list.set(i, object);
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no " + object.path("id").asText());
    }

    /**
     * Archives the object {@code id} of {@code companies} or {@code deals} as HubSpot does: gone from the
     * list, in the archived one with {@code archived} true, {@code archivedAt} and {@code updatedAt} the moment.
     */
    void archive(List<ObjectNode> list, String id, String archivedAt) {
        List<ObjectNode> archived = list == companies ? archivedCompanies : list == deals ? archivedDeals : null;
        if (archived == null) {
            throw new IllegalArgumentException("only companies and deals are archived here");
        }
        ObjectNode object;
        synchronized (list) {
            object = list.stream().filter(o -> o.path("id").asText().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + id));
            list.remove(object);
        }
        ObjectNode gone = object.deepCopy();
        gone.put("updatedAt", archivedAt);
        gone.put("archived", true);
        gone.put("archivedAt", archivedAt);
        archived.add(gone);
    }

    /**
     * Fails the page of {@code path} (with {@code ?archived=true} for the archived list) whose paging
     * token is {@code after}.
     */
    void failAt(String path, String after, int status, int times, Map<String, String> headers) {
        failures.add(new Failure(path, after, status, times, headers));
    }

    /**
     * The requests to the API as "path?after=token" ("path" for a first page), "path?archived=true" and
     * "path?archived=true&after=token" for the archived list, in order.
     */
    List<String> requests() {
        List<String> out = new ArrayList<>();
        for (FakeApi.Request r : api.requests()) {
            out.add(key(r) + (r.param("after") == null ? "" : (key(r).contains("?") ? "&" : "?") + "after=" + r.param("after")));
        }
        return out;
    }

    private static String key(FakeApi.Request r) {
        return r.param("archived") == null ? r.path() : r.path() + "?archived=" + r.param("archived");
    }

    static String paging(String id) {
        return Base64.getEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    private FakeApi.Answer list(FakeApi.Request r, String path, List<ObjectNode> all, boolean deals) {
        String auth = r.header("Authorization");
        if (!("Bearer " + token).equals(auth)) {
            String given = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
            return error(401, "INVALID_AUTHENTICATION", echoTokenOnAuthFailure ? "The token " + given + " is not valid"
                    : "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
        }
        if (!r.method().equals("GET")) {
            return error(405, "VALIDATION_ERROR", "GET only");
        }
        String archived = r.param("archived");
        if (archived != null && !archived.matches("true|false")) {
            return error(400, "VALIDATION_ERROR", "Invalid input for archived: " + archived);
        }
        synchronized (failures) {
            for (Failure f : failures) {
                if (f.times > 0 && f.path.equals(key(r)) && java.util.Objects.equals(f.after, r.param("after"))) {
                    f.times--;
                    Map<String, String> headers = new LinkedHashMap<>(f.headers);
                    headers.put("Content-Type", "application/json");
                    return new FakeApi.Answer(f.status, headers, errorBody(category(f.status),
                            "scripted failure " + f.status).toString());
                }
            }
        }
        int limit = 10;
        if (r.param("limit") != null) {
            try {
                limit = Integer.parseInt(r.param("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > (path.equals(OWNERS) ? 500 : 100)) {
                return error(400, "VALIDATION_ERROR", "limit must be between 1 and 100");
            }
        }
        List<ObjectNode> sorted;
        synchronized (all) {
            sorted = new ArrayList<>(all);
        }
        sorted.sort(Comparator.comparingLong(o -> Long.parseLong(o.path("id").asText())));
        int from = 0;
        if (r.param("after") != null) {
            long after;
            try {
                after = Long.parseLong(new String(Base64.getDecoder().decode(r.param("after")), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return error(400, "VALIDATION_ERROR", "Invalid input for after: " + r.param("after"));
            }
            while (from < sorted.size() && Long.parseLong(sorted.get(from).path("id").asText()) < after) {
                from++;
            }
        }
        int to = Math.min(sorted.size(), from + limit);
        ObjectNode page = JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        for (ObjectNode o : sorted.subList(from, to)) {
            results.add(path.equals(OWNERS) ? o : shaped(o, r.param("properties"), deals && "companies".equals(r.param("associations"))));
        }
        if (to < sorted.size()) {
            String next = paging(sorted.get(to).path("id").asText());
            ObjectNode n = page.putObject("paging").putObject("next");
            n.put("after", next);
            n.put("link", "https://api.hubapi.com" + path + "?after=" + next);
        }
        return FakeApi.Answer.json(200, page.toString());
    }

    /** The object as the list answers it: the properties asked for, associations when asked for. */
    private static ObjectNode shaped(ObjectNode stored, String properties, boolean associations) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", stored.path("id").asText());
        ObjectNode props = out.putObject("properties");
        JsonNode all = stored.path("properties");
        List<String> wanted = new ArrayList<>(List.of("createdate", "hs_lastmodifieddate", "hs_object_id"));
        if (properties != null) {
            wanted.addAll(List.of(properties.split(",")));
        }
        for (String p : wanted) {
            if (p.equals("hs_object_id")) {
                props.put(p, stored.path("id").asText());
            } else if (all.has(p)) {
                props.set(p, all.get(p));
            } else {
                props.putNull(p);
            }
        }
        for (String f : List.of("createdAt", "updatedAt")) {
            if (stored.has(f)) {
                out.set(f, stored.get(f));
            }
        }
        out.put("archived", stored.path("archived").asBoolean(false));
        if (stored.has("archivedAt")) {
            out.set("archivedAt", stored.get("archivedAt"));
        }
        if (associations && stored.has("associations")) {
            out.set("associations", stored.get("associations"));
        }
        return out;
    }

    private static String category(int status) {
        return switch (status) {
            case 429 -> "RATE_LIMITS";
            case 403 -> "MISSING_SCOPES";
            case 400 -> "VALIDATION_ERROR";
            default -> "INTERNAL_ERROR";
        };
    }

    private static FakeApi.Answer error(int status, String category, String message) {
        return FakeApi.Answer.json(status, errorBody(category, message).toString());
    }

    private static ObjectNode errorBody(String category, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", message);
        body.put("correlationId", "4f6b1a2c-0000-4000-8000-000000000000");
        body.put("category", category);
        return body;
    }

    @Override
    public void close() {
        api.close();
    }
}
