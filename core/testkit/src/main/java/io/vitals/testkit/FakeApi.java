package io.vitals.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 standing in for a SaaS API in connector tests: routes answer what
 * the API's documentation says it answers, scripted failures (a 500, a 429 with Retry-After) come
 * first where asked, and every request is recorded so a test can check paging and headers.
 *
 * <pre>
 * try (FakeApi api = FakeApi.start()) {
 *     api.route("/api/v2/tickets", request -&gt; FakeApi.Answer.json(200, page(request.param("cursor"))));
 *     api.failNext("/api/v2/tickets", 429, 1, Map.of("Retry-After", "2"));
 *     ... new ZendeskSource(..., api.url()) ...
 * }
 * </pre>
 */
public final class FakeApi implements AutoCloseable {

    /** A request as the server saw it. */
    public record Request(String method, String path, Map<String, String> params, Map<String, List<String>> headers, String body) {
        public String param(String name) {
            return params.get(name);
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** What the server answers. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body);
        }
    }

    private record Failure(String path, int status, Map<String, String> headers, String body, int[] left) {
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> routes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    private FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeApi start() {
        try {
            return new FakeApi();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers requests whose path is {@code path} (exactly, or below it when it ends in '/'). */
    public FakeApi route(String path, Function<Request, Answer> handler) {
        routes.put(path, handler);
        return this;
    }

    /** The next {@code times} requests to {@code path} answer {@code status} instead (a JSON error body). */
    public FakeApi failNext(String path, int status, int times, Map<String, String> headers) {
        failures.add(new Failure(path, status, headers, "{\"error\":\"scripted failure " + status + "\"}", new int[] {times}));
        return this;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Request> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.merge(k, v, (a, b) -> a + "," + b);
            }
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), uri.getPath(), params, Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        Answer answer = scriptedFailure(request.path());
        if (answer == null) {
            Function<Request, Answer> handler = handlerFor(request.path());
            answer = handler == null ? Answer.json(404, "{\"error\":\"no route " + request.path() + "\"}") : handler.apply(request);
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Answer scriptedFailure(String path) {
        synchronized (failures) {
            for (Failure f : failures) {
                if (f.path().equals(path) && f.left()[0] > 0) {
                    f.left()[0]--;
                    Map<String, String> headers = new LinkedHashMap<>(f.headers());
                    headers.put("Content-Type", "application/json");
                    return new Answer(f.status(), headers, f.body());
                }
            }
        }
        return null;
    }

    private Function<Request, Answer> handlerFor(String path) {
        synchronized (routes) {
            Function<Request, Answer> exact = routes.get(path);
            if (exact != null) {
                return exact;
            }
            for (Map.Entry<String, Function<Request, Answer>> r : routes.entrySet()) {
                if (r.getKey().endsWith("/") && path.startsWith(r.getKey())) {
                    return r.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
