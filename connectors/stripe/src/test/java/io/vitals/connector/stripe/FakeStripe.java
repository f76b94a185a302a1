package io.vitals.connector.stripe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Stripe API on 127.0.0.1 as Stripe documents it: list endpoints answering
 * {@code {"object":"list","data":[...],"has_more":...,"url":"/v1/..."}}, honouring {@code limit}
 * and {@code starting_after}, subscriptions without {@code status=all} leaving canceled ones out,
 * a bearer key checked on every request, and errors as {@code {"error":{...}}}. Failures can be
 * scripted per request.
 */
final class FakeStripe implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted failure: requests whose path and query contain {@code match} answer {@code status}, {@code times} times. */
    private static final class Failure {
        final String match;
        final int status;
        final Map<String, String> headers;
        int times;

        Failure(String match, int status, int times, Map<String, String> headers) {
            this.match = match;
            this.status = status;
            this.times = times;
            this.headers = headers;
        }
    }

    private final HttpServer server;
    private volatile String key;
    final Map<String, List<ObjectNode>> lists = new ConcurrentHashMap<>();
    final Map<String, ObjectNode> coupons = new ConcurrentHashMap<>();
    final Map<String, ObjectNode> prices = new ConcurrentHashMap<>();
    /** Items of subscriptions beyond what the subscription object embeds, by subscription id. */
    final Map<String, List<ObjectNode>> subscriptionItems = new ConcurrentHashMap<>();
    /** Every request as "path?query" (decoded), in order. */
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    /** When set, a 401 echoes the key it was given (as a careless server might). */
    volatile boolean echoKeyOnAuthFailure;

    FakeStripe(String key) throws IOException {
        this.key = key;
        for (String list : List.of("customers", "subscriptions", "invoices", "events")) {
            lists.put(list, Collections.synchronizedList(new ArrayList<>()));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void key(String key) {
        this.key = key;
    }

    FakeStripe add(String list, ObjectNode... objects) {
        lists.get(list).addAll(List.of(objects));
        return this;
    }

    /** Replaces the object with the same id. */
    void replace(String list, ObjectNode object) {
        List<ObjectNode> l = lists.get(list);
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).path("id").asText().equals(object.path("id").asText())) {
                l.set(i, object);
                return;
            }
        }
        throw new IllegalArgumentException("no " + object.path("id").asText() + " in " + list);
    }

    /** An event, newest of all: Stripe lists events newest first. */
    FakeStripe event(String id, String type, long created, ObjectNode object, ObjectNode previous) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", id).put("object", "event").put("type", type).put("created", created).put("api_version", "2025-03-31.basil");
        ObjectNode data = e.putObject("data");
        data.set("object", object);
        if (previous != null) {
            data.set("previous_attributes", previous);
        }
        lists.get("events").add(0, e);
        return this;
    }

    void remove(String list, String id) {
        lists.get(list).removeIf(o -> o.path("id").asText().equals(id));
    }

    void fail(String match, int status, int times) {
        fail(match, status, times, Map.of());
    }

    void fail(String match, int status, int times, Map<String, String> headers) {
        failures.add(new Failure(match, status, times, headers));
    }

    List<String> requests(String prefix) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.startsWith(prefix)).toList();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Map<String, String> query = parse(rawQuery);
            String decoded = rawQuery == null ? path : path + "?" + URLDecoder.decode(rawQuery, StandardCharsets.UTF_8);
            requests.add(decoded);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + key).equals(auth)) {
                String given = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
                String shown = echoKeyOnAuthFailure ? given : mask(given);
                error(exchange, 401, "invalid_request_error", null, null, "Invalid API Key provided: " + shown);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "invalid_request_error", null, null, "GET only");
                return;
            }
            synchronized (failures) {
                for (Failure f : failures) {
                    if (f.times > 0 && decoded.contains(f.match)) {
                        f.times--;
                        f.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                        error(exchange, f.status, "api_error", null, null, "scripted failure " + f.status);
                        return;
                    }
                }
            }
            if (path.startsWith("/v1/coupons/")) {
                String id = URLDecoder.decode(path.substring("/v1/coupons/".length()), StandardCharsets.UTF_8);
                ObjectNode coupon = coupons.get(id);
                if (coupon == null) {
                    error(exchange, 404, "invalid_request_error", "resource_missing", "id", "No such coupon: '" + id + "'");
                } else {
                    send(exchange, 200, coupon);
                }
                return;
            }
            if (path.startsWith("/v1/prices/")) {
                String id = URLDecoder.decode(path.substring("/v1/prices/".length()), StandardCharsets.UTF_8);
                ObjectNode price = prices.get(id);
                if (price == null) {
                    error(exchange, 404, "invalid_request_error", "resource_missing", "id", "No such price: '" + id + "'");
                } else {
                    send(exchange, 200, price);
                }
                return;
            }
            if (path.startsWith("/v1/customers/")) {
                String id = URLDecoder.decode(path.substring("/v1/customers/".length()), StandardCharsets.UTF_8);
                ObjectNode customer = lists.get("customers").stream().filter(c -> c.path("id").asText().equals(id)).findFirst().orElse(null);
                if (customer == null) {
                    error(exchange, 404, "invalid_request_error", "resource_missing", "id", "No such customer: '" + id + "'");
                } else {
                    send(exchange, 200, customer);
                }
                return;
            }
            if (path.equals("/v1/subscription_items")) {
                List<ObjectNode> items = subscriptionItems.getOrDefault(query.get("subscription"), List.of());
                list(exchange, path, "subscription item", new ArrayList<>(items), query);
                return;
            }
            String name = path.startsWith("/v1/") ? path.substring(4) : path;
            List<ObjectNode> list = lists.get(name);
            if (list == null) {
                error(exchange, 404, "invalid_request_error", null, null, "Unrecognized request URL (GET: " + path + ")");
                return;
            }
            List<ObjectNode> visible;
            synchronized (list) {
                visible = new ArrayList<>(list);
            }
            if (name.equals("subscriptions") && !"all".equals(query.get("status"))) {
                visible.removeIf(s -> s.path("status").asText().equals("canceled"));
            }
            if (name.equals("invoices") && query.containsKey("subscription")) {
                visible.removeIf(i -> !query.get("subscription").equals(i.path("subscription").asText(
                        i.path("parent").path("subscription_details").path("subscription").asText(""))));
            }
            if (name.equals("subscriptions") && query.containsKey("customer")) {
                visible.removeIf(s -> !s.path("customer").asText().equals(query.get("customer")));
            }
            if (name.equals("events")) {
                // newest first, as Stripe lists them; types[n] filters
                List<String> types = query.entrySet().stream().filter(q -> q.getKey().startsWith("types[")).map(Map.Entry::getValue).toList();
                if (!types.isEmpty()) {
                    visible.removeIf(ev -> !types.contains(ev.path("type").asText()));
                }
            }
            list(exchange, path, name.substring(0, name.length() - 1), visible, query);
        }
    }

    private void list(HttpExchange exchange, String path, String what, List<ObjectNode> all, Map<String, String> query)
            throws IOException {
        int limit = 10;
        if (query.containsKey("limit")) {
            try {
                limit = Integer.parseInt(query.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                error(exchange, 400, "invalid_request_error", "parameter_invalid_integer", "limit",
                        "Invalid limit: must be between 1 and 100");
                return;
            }
        }
        String before = query.get("ending_before");
        if (before != null) {
            // the objects just before this one in the list (newer, for events), still in the list's order
            int at = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(before)) {
                    at = i;
                }
            }
            if (at < 0) {
                error(exchange, 400, "invalid_request_error", "resource_missing", "ending_before", "No such " + what + ": '" + before + "'");
                return;
            }
            int start = Math.max(0, at - limit);
            ObjectNode page = JSON.createObjectNode();
            page.put("object", "list");
            ArrayNode data = page.putArray("data");
            all.subList(start, at).forEach(data::add);
            page.put("has_more", start > 0);
            page.put("url", path);
            send(exchange, 200, page);
            return;
        }
        int from = 0;
        String after = query.get("starting_after");
        if (after != null) {
            int at = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(after)) {
                    at = i;
                }
            }
            if (at < 0) {
                error(exchange, 400, "invalid_request_error", "resource_missing", "starting_after",
                        "No such " + what + ": '" + after + "'");
                return;
            }
            from = at + 1;
        }
        int to = Math.min(all.size(), from + limit);
        ObjectNode page = JSON.createObjectNode();
        page.put("object", "list");
        ArrayNode data = page.putArray("data");
        all.subList(from, to).forEach(data::add);
        page.put("has_more", to < all.size());
        page.put("url", path);
        send(exchange, 200, page);
    }

    private static void error(HttpExchange exchange, int status, String type, String code, String param, String message)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        if (code != null) {
            error.put("code", code);
        }
        if (param != null) {
            error.put("param", param);
        }
        error.put("message", message);
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String mask(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, 8) + "*".repeat(key.length() - 12 > 0 ? key.length() - 12 : 1)
                + key.substring(key.length() - 4);
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
