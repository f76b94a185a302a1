package io.vitals.connector.stripe;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;

/**
 * GETs on Stripe's REST API for one sync, through {@link SourceHttp} (retries, Retry-After),
 * with the key as a bearer token. Failures say what Stripe said, never the key.
 */
final class StripeClient implements StripeMapping.Lookup {

    private final SourceHttp http;
    private final String baseUrl;
    private final String key;
    private final String apiVersion;
    private final ObjectMapper json;
    private final int pageSize;
    private final Map<String, Optional<JsonNode>> coupons = new HashMap<>();

    StripeClient(SourceHttp http, String baseUrl, String key, String apiVersion, ObjectMapper json, int pageSize) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.key = key;
        this.apiVersion = apiVersion;
        this.json = json;
        this.pageSize = pageSize;
    }

    /** One page of a list ({@code customers}, {@code subscriptions}, {@code invoices}) after the object {@code after}. */
    JsonNode page(String list, String after) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", String.valueOf(pageSize));
        if (list.equals("subscriptions")) {
            query.put("status", "all"); // canceled ones too; without it Stripe leaves them out
            // newer API versions list discounts by id unless expanded (indexed, as Stripe's own libraries send arrays)
            query.put("expand[0]", "data.discounts");
            query.put("expand[1]", "data.items.data.discounts");
        }
        if (after != null) {
            query.put("starting_after", after);
        }
        return get("/v1/" + list, query);
    }

    @Override
    public JsonNode coupon(String id) throws SourceException, InterruptedException {
        Optional<JsonNode> known = coupons.get(id);
        if (known == null) {
            try {
                known = Optional.of(get("/v1/coupons/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"), Map.of()));
            } catch (SourceException e) {
                if (e.status() != 404) {
                    throw e;
                }
                known = Optional.empty();
            }
            coupons.put(id, known);
        }
        return known.orElse(null);
    }

    /** The event types a sync follows. */
    static final List<String> EVENT_TYPES = List.of("customer.created", "customer.updated", "customer.deleted",
            "customer.discount.created", "customer.discount.updated", "customer.discount.deleted",
            "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
            "customer.subscription.paused", "customer.subscription.resumed",
            "invoice.created", "invoice.finalized", "invoice.paid", "invoice.updated", "invoice.voided", "invoice.marked_uncollectible");

    /** The id of Stripe's newest event of the followed types, or null when it has none. */
    String newestEvent() throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", "1");
        types(query);
        JsonNode data;
        try {
            data = get("/v1/events", query).path("data");
        } catch (SourceException e) {
            if (e.status() == 403 || e.status() == 404) {
                return null; // a restricted key without access to events: every list again at each sync, as before
            }
            throw e;
        }
        return data.isArray() && !data.isEmpty() ? StripeMapping.text(data.get(0), "id") : null;
    }

    /** The page of events right after {@code after} (newer), newest first, as Stripe lists them. */
    JsonNode eventsAfter(String after) throws SourceException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", String.valueOf(pageSize));
        types(query);
        query.put("ending_before", after);
        return get("/v1/events", query);
    }

    private static void types(Map<String, String> query) {
        for (int i = 0; i < EVENT_TYPES.size(); i++) {
            query.put("types[" + i + "]", EVENT_TYPES.get(i));
        }
    }

    @Override
    public List<JsonNode> subscriptionsOf(String customer) throws SourceException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("customer", customer);
            query.put("limit", "100");
            query.put("status", "all");
            query.put("expand[0]", "data.discounts");
            query.put("expand[1]", "data.items.data.discounts");
            if (after != null) {
                query.put("starting_after", after);
            }
            JsonNode answer = get("/v1/subscriptions", query);
            JsonNode data = answer.path("data");
            data.forEach(out::add);
            if (!answer.path("has_more").asBoolean(false) || data.isEmpty()) {
                return out;
            }
            after = StripeMapping.text(data.get(data.size() - 1), "id");
        }
    }

    private final Map<String, Optional<JsonNode>> prices = new HashMap<>();

    @Override
    public JsonNode price(String id) throws SourceException, InterruptedException {
        Optional<JsonNode> known = prices.get(id);
        if (known == null) {
            try {
                known = Optional.of(get("/v1/prices/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"), Map.of()));
            } catch (SourceException e) {
                if (e.status() != 404) {
                    throw e;
                }
                known = Optional.empty();
            }
            prices.put(id, known);
        }
        return known.orElse(null);
    }

    @Override
    public List<JsonNode> invoicesOf(String subscription) throws SourceException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("subscription", subscription);
            query.put("limit", "100");
            if (after != null) {
                query.put("starting_after", after);
            }
            JsonNode answer = get("/v1/invoices", query);
            JsonNode data = answer.path("data");
            for (JsonNode invoice : data) {
                JsonNode lines = invoice.path("lines");
                if (lines.path("has_more").asBoolean(false) && invoice.isObject()) {
                    // the embedded lines stop after ten: the rest from the invoice's own list
                    List<JsonNode> all = new ArrayList<>();
                    lines.path("data").forEach(all::add);
                    String lastLine = all.isEmpty() ? null : StripeMapping.text(all.get(all.size() - 1), "id");
                    while (lastLine != null) {
                        Map<String, String> q = new LinkedHashMap<>();
                        q.put("limit", "100");
                        q.put("starting_after", lastLine);
                        JsonNode more = get("/v1/invoices/" + StripeMapping.text(invoice, "id") + "/lines", q);
                        more.path("data").forEach(all::add);
                        lastLine = more.path("has_more").asBoolean(false) && more.path("data").size() > 0
                                ? StripeMapping.text(more.path("data").get(more.path("data").size() - 1), "id") : null;
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode whole = ((com.fasterxml.jackson.databind.node.ObjectNode) invoice).deepCopy();
                    com.fasterxml.jackson.databind.node.ObjectNode l = whole.putObject("lines");
                    l.putArray("data").addAll(all);
                    l.put("has_more", false);
                    out.add(whole);
                } else {
                    out.add(invoice);
                }
            }
            if (!answer.path("has_more").asBoolean(false) || data.isEmpty()) {
                break;
            }
            after = StripeMapping.text(data.get(data.size() - 1), "id");
        }
        // Stripe lists the newest first; history is read from the oldest
        out.sort(java.util.Comparator.comparingLong(i -> i.path("created").asLong()));
        return out;
    }

    @Override
    public JsonNode customer(String id) throws SourceException, InterruptedException {
        try {
            return get("/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"), Map.of());
        } catch (SourceException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<JsonNode> itemsAfter(String subscriptionId, String afterItemId) throws SourceException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String after = afterItemId;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("subscription", subscriptionId);
            query.put("limit", "100");
            if (after != null) {
                query.put("starting_after", after);
            }
            JsonNode answer = get("/v1/subscription_items", query);
            JsonNode data = answer.path("data");
            data.forEach(items::add);
            if (!answer.path("has_more").asBoolean(false) || data.isEmpty()) {
                return items;
            }
            after = StripeMapping.text(data.get(data.size() - 1), "id");
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
        headers.put("Authorization", "Bearer " + key);
        headers.put("Accept", "application/json");
        if (!apiVersion.isEmpty()) {
            headers.put("Stripe-Version", apiVersion);
        }
        SourceHttp.Answer answer;
        try {
            answer = http.get(URI.create(uri.toString()), headers);
        } catch (SourceException e) {
            throw new SourceException(scrub(e.getMessage() + stripeSays(e.body())), e.status(), null);
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

    /** Stripe's own words from an error answer: {@code {"error": {"message": ..., "code": ...}}}. */
    private String stripeSays(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = json.readTree(body).path("error");
            String message = StripeMapping.text(error, "message");
            String code = StripeMapping.text(error, "code");
            if (message == null) {
                return "";
            }
            return ": " + message.lines().findFirst().orElse("") + (code == null ? "" : " (" + code + ")");
        } catch (Exception e) {
            return "";
        }
    }

    /** Whatever a server echoes, the key never leaves in a message. */
    private String scrub(String message) {
        return key.isEmpty() ? message : message.replace(key, "<apiKey>");
    }
}
