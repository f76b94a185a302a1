package io.vitals.connector.delighted;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * GETs on Delighted's survey response list for one sync, through {@link SourceHttp} (retries,
 * Retry-After), with the API key as the user name of HTTP Basic authentication and an empty
 * password, as Delighted documents it. Failures say what Delighted said, never the key.
 */
final class DelightedClient {

    private final SourceHttp http;
    private final String baseUrl;
    private final String key;
    private final String authorization;
    private final String trend;
    private final int pageSize;
    private final ObjectMapper json;

    DelightedClient(SourceHttp http, String baseUrl, String key, String trend, int pageSize, ObjectMapper json) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.key = key;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        this.trend = trend;
        this.pageSize = pageSize;
        this.json = json;
    }

    /** The page of responses the cursor asks for next: a JSON array, empty at the end. */
    JsonNode page(DelightedCursor at) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("per_page", String.valueOf(pageSize));
        query.put("page", String.valueOf(at.page(pageSize)));
        query.put("order", "asc:updated_at");
        if (at.updatedSince() != null) {
            query.put("updated_since", String.valueOf(at.updatedSince()));
        }
        if (!trend.isEmpty()) {
            query.put("trend", trend);
        }
        query.put("expand[]", "person");
        StringBuilder uri = new StringBuilder(baseUrl).append(DelightedSource.PATH);
        char sep = '?';
        for (Map.Entry<String, String> q : query.entrySet()) {
            uri.append(sep).append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put("Accept", "application/json");
        SourceHttp.Answer answer;
        try {
            answer = http.get(URI.create(uri.toString()), headers);
        } catch (SourceException e) {
            throw new SourceException(scrub(e.getMessage() + delightedSays(e.body())), e.status(), null);
        }
        JsonNode node;
        try {
            node = json.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw new SourceException("the answer from " + baseUrl + DelightedSource.PATH + " is not JSON ("
                    + scrub(e.getOriginalMessage()) + ")");
        }
        if (node == null || !node.isArray()) {
            throw new SourceException("the answer from " + baseUrl + DelightedSource.PATH + " is not a JSON array of survey responses");
        }
        return node;
    }

    /** Delighted's own words from an error answer: {@code {"status":401,"message":"..."}} (with {@code errors} on a 422). */
    private String delightedSays(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = json.readTree(body);
            JsonNode message = error.path("message");
            if (!message.isTextual() || message.asText().isBlank()) {
                return "";
            }
            JsonNode errors = error.path("errors");
            return ": " + message.asText().lines().findFirst().orElse("")
                    + (errors.isObject() && !errors.isEmpty() ? " " + errors.toString() : "");
        } catch (Exception e) {
            return "";
        }
    }

    /** Whatever a server echoes, the key (plain or as its Basic credentials) never leaves in a message. */
    private String scrub(String message) {
        if (message == null || key.isEmpty()) {
            return message;
        }
        return message.replace(key, "<apiKey>").replace(authorization.substring(6), "<apiKey>");
    }
}
