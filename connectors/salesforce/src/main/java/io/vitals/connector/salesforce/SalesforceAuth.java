package io.vitals.connector.salesforce;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Secret;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * The bearer token of one sync: a configured access token, or one the OAuth 2.0 client
 * credentials flow gets from {@code {instanceUrl}/services/oauth2/token} (a form POST, which
 * {@link SourceHttp} does not do, so this one request goes through the JDK's client itself, with
 * the same retry policy), fetched again once when Salesforce says the session expired.
 */
abstract class SalesforceAuth {

    /** The token to send now (fetched on first use). */
    abstract String token() throws SourceException, InterruptedException;

    /** Gets a new token after a 401; false when there is no way to (a configured token). */
    abstract boolean refresh() throws SourceException, InterruptedException;

    /** Every secret value this auth has revealed, for scrubbing messages. */
    abstract List<String> secrets();

    static SalesforceAuth token(Secret accessToken) {
        return new SalesforceAuth() {
            private String value;

            @Override
            String token() {
                if (value == null) {
                    value = accessToken.reveal();
                }
                return value;
            }

            @Override
            boolean refresh() {
                return false;
            }

            @Override
            List<String> secrets() {
                return value == null ? List.of() : List.of(value);
            }
        };
    }

    static SalesforceAuth clientCredentials(String instanceUrl, String clientId, Secret clientSecret, Duration timeout,
            RetryPolicy policy, SourceHttp.Sleeper sleeper, BooleanSupplier stopping, ObjectMapper json) {
        return new ClientCredentials(instanceUrl, clientId, clientSecret, timeout, policy, sleeper, stopping, json);
    }

    private static final class ClientCredentials extends SalesforceAuth {
        private final String tokenUrl;
        private final String clientId;
        private final Secret clientSecret;
        private final Duration timeout;
        private final RetryPolicy policy;
        private final SourceHttp.Sleeper sleeper;
        private final BooleanSupplier stopping;
        private final ObjectMapper json;
        private final List<String> revealed = new ArrayList<>();
        private String value;

        ClientCredentials(String instanceUrl, String clientId, Secret clientSecret, Duration timeout, RetryPolicy policy,
                SourceHttp.Sleeper sleeper, BooleanSupplier stopping, ObjectMapper json) {
            this.tokenUrl = instanceUrl + "/services/oauth2/token";
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.timeout = timeout;
            this.policy = policy;
            this.sleeper = sleeper;
            this.stopping = stopping;
            this.json = json;
        }

        @Override
        String token() throws SourceException, InterruptedException {
            if (value == null) {
                value = fetch();
            }
            return value;
        }

        @Override
        boolean refresh() throws SourceException, InterruptedException {
            value = fetch();
            return true;
        }

        @Override
        List<String> secrets() {
            return List.copyOf(revealed);
        }

        private String fetch() throws SourceException, InterruptedException {
            String secret = clientSecret.reveal();
            if (!revealed.contains(secret)) {
                revealed.add(secret);
            }
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            String last = null;
            for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        String token = SalesforceMapping.text(json.readTree(response.body()), "access_token");
                        if (token == null || token.isBlank()) {
                            throw new SourceException("the token answer from " + tokenUrl + " has no access_token");
                        }
                        revealed.add(token);
                        return token;
                    }
                    last = "the token request to " + tokenUrl + " answered HTTP " + status + oauthSays(response.body());
                    if (status != 429 && status < 500) {
                        throw new SourceException(scrub(last), status, null);
                    }
                } catch (IOException e) {
                    last = tokenUrl + " unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
                if (attempt == policy.attempts()) {
                    break;
                }
                if (stopping.getAsBoolean()) {
                    throw new SourceException("stopped while retrying: " + scrub(last));
                }
                sleeper.sleep(policy.backoff(attempt));
            }
            throw new SourceException(scrub(last) + " (after " + policy.attempts() + " attempts)");
        }

        /** The OAuth error: {@code {"error":"invalid_client","error_description":"invalid client credentials"}}. */
        private String oauthSays(String body) {
            try {
                JsonNode node = json.readTree(body);
                String error = SalesforceMapping.text(node, "error");
                String description = SalesforceMapping.text(node, "error_description");
                if (error == null) {
                    return "";
                }
                return ": " + error + (description == null ? "" : " (" + description.lines().findFirst().orElse("") + ")");
            } catch (Exception e) {
                return "";
            }
        }

        private String scrub(String message) {
            String m = message;
            for (String s : revealed) {
                if (!s.isEmpty()) {
                    m = m.replace(s, "<secret>");
                }
            }
            return m;
        }
    }
}
