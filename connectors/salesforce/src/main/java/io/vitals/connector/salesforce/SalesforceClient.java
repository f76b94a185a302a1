package io.vitals.connector.salesforce;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * SOQL queries on Salesforce's REST API for one sync, through {@link SourceHttp} (pacing,
 * retries of 429 and 5xx, Retry-After), with the bearer token of {@link SalesforceAuth}; a 401 gets
 * a new token once when the auth can get one. Failures say what Salesforce said
 * ({@code [{"message":...,"errorCode":...}]}), never a token or secret.
 */
final class SalesforceClient {

    /** A failure with Salesforce's error code (MALFORMED_QUERY, INVALID_QUERY_LOCATOR...), or null. */
    static final class SalesforceException extends SourceException {
        private static final long serialVersionUID = 1L;
        private final String errorCode;

        SalesforceException(String message, int status, String errorCode) {
            super(message, status, null);
            this.errorCode = errorCode;
        }

        String errorCode() {
            return errorCode;
        }
    }

    private final SourceHttp http;
    private final String instanceUrl;
    private final String apiVersion;
    private final int batchSize;
    private final SalesforceAuth auth;
    private final ObjectMapper json;

    SalesforceClient(SourceHttp http, String instanceUrl, String apiVersion, int batchSize, SalesforceAuth auth, ObjectMapper json) {
        this.http = http;
        this.instanceUrl = instanceUrl;
        this.apiVersion = apiVersion;
        this.batchSize = batchSize;
        this.auth = auth;
        this.json = json;
    }

    /**
     * The first batch of a query: through queryAll when {@code includesDeleted}, which also answers the
     * records in the recycle bin (IsDeleted = true, SystemModstamp the moment of the deletion), else
     * through query, which leaves them out. A record purged from the recycle bin (after 15 days, sooner
     * when it is emptied or full) is in neither: a deletion older than that before a sync is not seen.
     */
    JsonNode query(String soql, boolean includesDeleted) throws SourceException, InterruptedException {
        return get(URI.create(instanceUrl + "/services/data/v" + apiVersion + (includesDeleted ? "/queryAll/?q=" : "/query?q=")
                + URLEncoder.encode(soql, StandardCharsets.UTF_8).replace("+", "%20")));
    }

    /** The next batch, from the answer's {@code nextRecordsUrl} (a path on the instance; /query/... for queryAll too). */
    JsonNode next(String nextRecordsUrl) throws SourceException, InterruptedException {
        if (!nextRecordsUrl.startsWith("/services/data/") || nextRecordsUrl.contains("..") || nextRecordsUrl.contains("//")) {
            throw new SourceException("Salesforce answered a nextRecordsUrl that is no query locator on " + instanceUrl
                    + ": '" + nextRecordsUrl + "'");
        }
        return get(URI.create(instanceUrl + nextRecordsUrl));
    }

    private JsonNode get(URI uri) throws SourceException, InterruptedException {
        boolean refreshed = false;
        while (true) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + auth.token());
            headers.put("Accept", "application/json");
            headers.put("Sforce-Query-Options", "batchSize=" + batchSize);
            SourceHttp.Answer answer;
            try {
                answer = http.get(uri, headers);
            } catch (SourceException e) {
                if (e.status() == 401 && !refreshed && auth.refresh()) {
                    refreshed = true;
                    continue;
                }
                String[] said = salesforceSays(e.body());
                throw new SalesforceException(scrub(e.getMessage() + said[0]), e.status(), said[1]);
            }
            try {
                JsonNode node = json.readTree(answer.body());
                if (node == null || !node.isObject()) {
                    throw new SourceException("the answer from " + instanceUrl + uri.getPath() + " is not a JSON object");
                }
                return node;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SourceException("the answer from " + instanceUrl + uri.getPath() + " is not JSON (" + e.getOriginalMessage() + ")");
            }
        }
    }

    /** Salesforce's own words, {@code [{"message":...,"errorCode":...}]}: ": CODE: message", and the code. */
    private String[] salesforceSays(String body) {
        if (body == null || body.isBlank()) {
            return new String[] {"", null};
        }
        try {
            JsonNode node = json.readTree(body);
            JsonNode error = node.isArray() ? node.path(0) : node;
            String message = SalesforceMapping.text(error, "message");
            String code = SalesforceMapping.text(error, "errorCode");
            if (message == null && code == null) {
                return new String[] {"", null};
            }
            String line = message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
            return new String[] {": " + (code == null ? line : code + (line.isEmpty() ? "" : ": " + line)), code};
        } catch (Exception e) {
            return new String[] {"", null};
        }
    }

    /** Whatever a server echoes, no token or secret leaves in a message. */
    private String scrub(String message) {
        String m = message;
        for (String s : auth.secrets()) {
            if (!s.isEmpty()) {
                m = m.replace(s, "<secret>");
            }
        }
        return m;
    }
}
