package io.vitals.connector.hubspot;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * GETs on HubSpot's CRM v3 API for one sync, through {@link SourceHttp} (pacing, retries,
 * Retry-After), with the private app's token as a bearer token. Failures say what HubSpot said,
 * never the token.
 */
final class HubSpotClient {

    static final String OBJECTS = "/crm/v3/objects/";
    static final String OWNERS = "/crm/v3/owners";

    private final SourceHttp http;
    private final String baseUrl;
    private final String token;
    private final ObjectMapper json;
    private final int pageSize;

    HubSpotClient(SourceHttp http, String baseUrl, String token, ObjectMapper json, int pageSize) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.token = token;
        this.json = json;
        this.pageSize = pageSize;
    }

    /** One page of {@code companies} or {@code deals} (deals with their companies), from the paging token {@code after}. */
    JsonNode page(String list, List<String> properties, String after) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", String.valueOf(pageSize));
        query.put("properties", String.join(",", properties));
        if (list.equals("deals")) {
            query.put("associations", "companies");
        }
        if (after != null) {
            query.put("after", after);
        }
        return get(OBJECTS + list, query);
    }

    /**
     * One page of the archived (deleted, restorable for 90 days) {@code companies} or {@code deals}, each with
     * {@code "archived": true} and {@code "archivedAt"}; they are in neither the normal list nor search.
     */
    JsonNode archived(String list, String after) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", String.valueOf(pageSize));
        query.put("archived", "true");
        if (after != null) {
            query.put("after", after);
        }
        return get(OBJECTS + list, query);
    }

    /** Every owner's id to how it is shown: its name ("First Last", else its e-mail) or its e-mail (else its name). */
    Map<String, String> owners(String display) throws SourceException, InterruptedException {
        Map<String, String> owners = new HashMap<>();
        String after = null;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("limit", "100");
            if (after != null) {
                query.put("after", after);
            }
            JsonNode answer;
            try {
                answer = get(OWNERS, query);
            } catch (SourceException e) {
                if (e.status() == 403) {
                    throw new SourceException(e.getMessage() + " (the private app needs the scope crm.objects.owners.read,"
                            + " or set ownerDisplay = id)", e.status(), null);
                }
                throw e;
            }
            for (JsonNode owner : answer.path("results")) {
                String id = HubSpotMapping.text(owner, "id");
                if (id == null) {
                    continue;
                }
                String first = HubSpotMapping.text(owner, "firstName");
                String last = HubSpotMapping.text(owner, "lastName");
                String name = ((first == null ? "" : first.trim()) + " " + (last == null ? "" : last.trim())).trim();
                String email = HubSpotMapping.text(owner, "email");
                email = email == null || email.isBlank() ? null : email.trim();
                String shown = display.equals("email") ? (email != null ? email : name.isEmpty() ? null : name)
                        : (!name.isEmpty() ? name : email);
                if (shown != null) {
                    owners.put(id, shown);
                }
            }
            after = HubSpotMapping.text(answer.path("paging").path("next"), "after");
            if (after == null || after.isEmpty() || answer.path("results").isEmpty()) {
                return owners;
            }
        }
    }

    private JsonNode get(String path, Map<String, String> query) throws SourceException, InterruptedException {
        StringBuilder uri = new StringBuilder(baseUrl).append(path);
        char sep = '?';
        for (Map.Entry<String, String> q : query.entrySet()) {
            uri.append(sep).append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Accept", "application/json");
        SourceHttp.Answer answer;
        try {
            answer = http.get(URI.create(uri.toString()), headers);
        } catch (SourceException e) {
            throw new SourceException(scrub(e.getMessage() + hubSpotSays(e.body())), e.status(), null);
        }
        try {
            JsonNode node = json.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw new SourceException("the answer from " + baseUrl + path + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SourceException("the answer from " + baseUrl + path + " is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** HubSpot's own words from an error answer: {@code {"status":"error","message":...,"category":...}}. */
    private String hubSpotSays(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = json.readTree(body);
            String message = HubSpotMapping.text(error, "message");
            String category = HubSpotMapping.text(error, "category");
            if (message == null || message.isBlank()) {
                return "";
            }
            return ": " + message.lines().findFirst().orElse("") + (category == null ? "" : " (" + category + ")");
        } catch (Exception e) {
            return "";
        }
    }

    /** Whatever a server echoes, the token never leaves in a message. */
    private String scrub(String message) {
        return token.isEmpty() ? message : message.replace(token, "<accessToken>");
    }
}
