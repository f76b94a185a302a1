package io.vitals.connector.zendesk;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * GETs on Zendesk's incremental export API for one sync, through {@link SourceHttp} (retries,
 * Retry-After, the pace of the export's rate limit), signed in with an API token (Basic
 * {@code <email>/token:<token>}) or an OAuth bearer token. Failures say what Zendesk said,
 * never the token.
 */
final class ZendeskClient {

    static final String TICKETS = "/api/v2/incremental/tickets/cursor.json";
    static final String ORGANIZATIONS = "/api/v2/incremental/organizations";
    /** The exports leave out the most recent minute and refuse a start_time inside it. */
    static final Duration EXCLUDED_RECENT = Duration.ofSeconds(60);
    /** Kept on top of that minute, for a clock a little ahead of Zendesk's and the request's way there. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(10);

    private final SourceHttp http;
    private final String baseUrl;
    private final String authorization;
    private final String[] secrets;
    private final ObjectMapper json;
    private final int pageSize;

    private ZendeskClient(SourceHttp http, String baseUrl, String authorization, String[] secrets, ObjectMapper json, int pageSize) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.authorization = authorization;
        this.secrets = secrets;
        this.json = json;
        this.pageSize = pageSize;
    }

    static ZendeskClient withToken(SourceHttp http, String baseUrl, String email, String token, ObjectMapper json, int pageSize) {
        String basic = Base64.getEncoder().encodeToString((email + "/token:" + token).getBytes(StandardCharsets.UTF_8));
        return new ZendeskClient(http, baseUrl, "Basic " + basic, new String[] {token, basic}, json, pageSize);
    }

    static ZendeskClient withOAuth(SourceHttp http, String baseUrl, String token, ObjectMapper json, int pageSize) {
        return new ZendeskClient(http, baseUrl, "Bearer " + token, new String[] {token}, json, pageSize);
    }

    /** A start time Zendesk accepts: at most now less the excluded minute (and a margin). */
    static long clamp(long startTime, Instant now) {
        return Math.min(startTime, now.minus(EXCLUDED_RECENT).minus(CLOCK_MARGIN).getEpochSecond());
    }

    /** The first page of the organization export (time-based) from {@code startTime}. */
    JsonNode organizations(long startTime) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("start_time", String.valueOf(startTime));
        query.put("per_page", String.valueOf(pageSize));
        return get(ORGANIZATIONS, query);
    }

    /** The first page of the ticket export (cursor-based) from {@code startTime}. */
    JsonNode ticketsSince(long startTime, ZendeskMapping.Options options) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("start_time", String.valueOf(startTime));
        return get(TICKETS, ticketQuery(query, options));
    }

    /** The page of the ticket export after {@code cursor} (an {@code after_cursor} it gave). */
    JsonNode tickets(String cursor, ZendeskMapping.Options options) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("cursor", cursor);
        return get(TICKETS, ticketQuery(query, options));
    }

    private Map<String, String> ticketQuery(Map<String, String> query, ZendeskMapping.Options options) {
        query.put("include", options.include());
        query.put("per_page", String.valueOf(pageSize));
        return query;
    }

    private JsonNode get(String path, Map<String, String> query) throws SourceException, InterruptedException {
        StringBuilder uri = new StringBuilder(baseUrl).append(path);
        char sep = '?';
        for (Map.Entry<String, String> q : query.entrySet()) {
            uri.append(sep).append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8).replace("%2C", ","));
            sep = '&';
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put("Accept", "application/json");
        SourceHttp.Answer answer;
        try {
            answer = http.get(URI.create(uri.toString()), headers);
        } catch (SourceException e) {
            throw new SourceException(scrub(e.getMessage() + zendeskSays(e.body())), e.status(), null);
        }
        try {
            JsonNode node = json.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw new SourceException("the answer from " + baseUrl + path + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SourceException("the answer from " + baseUrl + path + " is not JSON (" + scrub(e.getOriginalMessage()) + ")");
        }
    }

    /**
     * Zendesk's own words from an error answer: {@code {"error":"InvalidValue","description":"..."}},
     * {@code {"error":{"title":...,"message":...}}}, {@code {"errors":[{"title":...,"detail":...}]}} or
     * {@code {"error":"Couldn't authenticate you"}}.
     */
    private String zendeskSays(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                return "";
            }
            JsonNode error = node.path("error");
            String words;
            if (error.isObject()) {
                words = first(text(error, "message"), text(error, "title"));
            } else if (error.isTextual()) {
                String description = text(node, "description");
                words = description == null ? error.asText() : description + " (" + error.asText() + ")";
            } else if (node.path("errors").isArray() && !node.path("errors").isEmpty()) {
                JsonNode e = node.path("errors").get(0);
                words = first(text(e, "detail"), text(e, "title"));
            } else {
                words = text(node, "description");
            }
            return words == null || words.isBlank() ? "" : ": " + words.lines().findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** Whatever a server echoes, the token never leaves in a message. */
    private String scrub(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) {
                m = m.replace(s, "<secret>");
            }
        }
        return m;
    }
}
