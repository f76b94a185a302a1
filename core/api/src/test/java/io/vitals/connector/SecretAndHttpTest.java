package io.vitals.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

class SecretAndHttpTest {

    @TempDir
    Path home;
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void secretsAreReferencesAndNeverShowTheirValue() throws IOException {
        Secret env = Secret.parse("apiKey", "env:STRIPE_KEY", home, name -> name.equals("STRIPE_KEY") ? "sk_live_123" : null);
        assertEquals("sk_live_123", env.reveal());
        assertEquals("env:STRIPE_KEY", env.toString());
        Files.writeString(home.resolve("secrets.properties"), "stripe = sk_file_456\n");
        Secret file = Secret.parse("apiKey", "file:secrets.properties#stripe", home);
        assertEquals("sk_file_456", file.reveal());
        IllegalArgumentException literal = assertThrows(IllegalArgumentException.class, () -> Secret.parse("apiKey", "sk_live_123", home));
        assertFalse(literal.getMessage().contains("sk_live_123"), "the refusal does not repeat the secret");
        IllegalStateException unset = assertThrows(IllegalStateException.class,
                () -> Secret.parse("apiKey", "env:NOT_SET", home, name -> null).reveal());
        assertEquals("the environment variable NOT_SET is not set", unset.getMessage());
    }

    @Test
    void sourceIdsComeFromTheFileName() {
        assertEquals("billing", SourceIds.of("", "file:/opt/vitals/etc/vitals.source.stripe-billing.cfg"));
        assertEquals("eu-crm", SourceIds.of("", "vitals.source.hubspot-eu-crm.cfg"));
        assertEquals("mine", SourceIds.of(" Mine ", "vitals.source.file-tickets.cfg"));
        assertThrows(IllegalArgumentException.class, () -> SourceIds.of("", ""));
        assertThrows(IllegalArgumentException.class, () -> SourceIds.of("no spaces", ""));
    }

    void serve(int... statuses) throws IOException {
        AtomicInteger call = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/things", exchange -> {
            int status = statuses[Math.min(call.getAndIncrement(), statuses.length - 1)];
            byte[] body = (status == 200 ? "{\"ok\":true}" : "{\"error\":{\"message\":\"try later\"}}").getBytes(StandardCharsets.UTF_8);
            if (status == 429) {
                exchange.getResponseHeaders().add("Retry-After", "7");
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/things?limit=2");
    }

    @Test
    void retriesServerErrorsWithBackoffAndHonoursRetryAfter() throws Exception {
        serve(500, 429, 200);
        List<Duration> waits = new ArrayList<>();
        SourceHttp http = new SourceHttp(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(30)), Duration.ofSeconds(5),
                () -> false, waits::add);
        SourceHttp.Answer answer = http.get(uri(), Map.of("Authorization", "Bearer sk_live_secret"));
        assertEquals(200, answer.status());
        assertEquals("{\"ok\":true}", answer.body());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofSeconds(7)), waits, "backoff after the 500, Retry-After after the 429");
    }

    @Test
    void givesUpAfterItsAttemptsWithTheReason() throws Exception {
        serve(503);
        List<Duration> waits = new ArrayList<>();
        SourceHttp http = new SourceHttp(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(150)), Duration.ofSeconds(5),
                () -> false, waits::add);
        SourceException e = assertThrows(SourceException.class, () -> http.get(uri(), Map.of()));
        assertTrue(e.getMessage().startsWith("HTTP 503 from http://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("/v1/things after 3 attempts"), "no query string in messages: " + e.getMessage());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(150)), waits, "doubling, capped");
        assertEquals(503, e.status());
    }

    @Test
    void clientErrorsFailAtOnceWithTheBody() throws Exception {
        serve(401);
        SourceHttp http = new SourceHttp(RetryPolicy.DEFAULT, Duration.ofSeconds(5), () -> false, d -> { throw new AssertionError("no retry"); });
        SourceException e = assertThrows(SourceException.class, () -> http.get(uri(), Map.of()));
        assertEquals(401, e.status());
        assertTrue(e.body().contains("try later"));
    }

    @Test
    void anUnreachableHostFailsAfterRetries() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        List<Duration> waits = new ArrayList<>();
        SourceHttp http = new SourceHttp(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)), Duration.ofSeconds(2),
                () -> false, waits::add);
        SourceException e = assertThrows(SourceException.class,
                () -> http.get(URI.create("http://127.0.0.1:" + closed + "/v1/x"), Map.of()));
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertEquals(1, waits.size());
    }
}
