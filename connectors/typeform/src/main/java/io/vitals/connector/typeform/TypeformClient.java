package io.vitals.connector.typeform;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * GETs on Typeform's Create and Responses APIs for one sync, through {@link SourceHttp} (pacing,
 * retries, Retry-After), with the access token as a bearer token. Failures say what Typeform
 * said, never the token.
 */
final class TypeformClient {

    private final SourceHttp http;
    private final String baseUrl;
    private final String formId;
    private final String token;
    private final int pageSize;
    private final ObjectMapper json;

    TypeformClient(SourceHttp http, String baseUrl, String formId, String token, int pageSize, ObjectMapper json) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.formId = formId;
        this.token = token;
        this.pageSize = pageSize;
        this.json = json;
    }

    /** The form's definition: {@code {"id":...,"fields":[...],"hidden":[...]}}. */
    JsonNode form() throws SourceException, InterruptedException {
        JsonNode form = get("/forms/" + formId, Map.of());
        if (!form.path("fields").isArray()) {
            throw new SourceException("the answer from " + baseUrl + "/forms/" + formId + " is no form definition (no \"fields\")");
        }
        return form;
    }

    /**
     * A page of completed responses, oldest first: from the start ({@code after} null) or after
     * the response with that token. @return the {@code items} array, empty past the last
     */
    JsonNode responses(String after) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("page_size", String.valueOf(pageSize));
        query.put("completed", "true");
        if (after == null) {
            query.put("sort", "submitted_at,asc"); // newest first otherwise
        } else {
            query.put("after", after); // in the order Typeform processed them; no sort with after
        }
        String path = "/forms/" + formId + "/responses";
        JsonNode items = get(path, query).path("items");
        if (!items.isArray()) {
            throw new SourceException("the answer from " + baseUrl + path + " is no list of responses (no \"items\" array)");
        }
        return items;
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
            throw new SourceException(scrub(e.getMessage() + typeformSays(e.body())), e.status(), null);
        }
        try {
            JsonNode node = json.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw new SourceException("the answer from " + baseUrl + path + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SourceException("the answer from " + baseUrl + path + " is not JSON (" + scrub(e.getOriginalMessage()) + ")");
        }
    }

    /** Typeform's own words from an error answer: {@code {"code":"FORM_NOT_FOUND","description":"..."}}. */
    private String typeformSays(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = json.readTree(body);
            String description = error.path("description").asText("").trim();
            String code = error.path("code").asText("").trim();
            if (description.isEmpty()) {
                return "";
            }
            return ": " + description.lines().findFirst().orElse("") + (code.isEmpty() ? "" : " (" + code + ")");
        } catch (Exception e) {
            return "";
        }
    }

    /** Whatever a server echoes, the token never leaves in a message. */
    private String scrub(String message) {
        return message == null || token.isEmpty() ? message : message.replace(token, "<accessToken>");
    }
}
