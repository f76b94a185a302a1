package io.vitals.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Secret;

/** Alerts posted to a real HTTP server on 127.0.0.1 that fails the first attempts. */
class WebhookDeliveryTest {

    static final Instant AT = Instant.parse("2026-06-01T06:00:00Z");

    @TempDir
    Path home;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final List<String> accepted = new CopyOnWriteArrayList<>();
    volatile int failFirst;
    final MemoryAlertStore store = new MemoryAlertStore();
    final List<String> log = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/services/T000/B000/secret-token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = requests.incrementAndGet() <= failFirst;
            if (!fail) {
                accepted.add(exchange.getRequestHeaders().getFirst("Content-Type") + "\n" + body);
            }
            byte[] answer = (fail ? "service unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        Files.writeString(home.resolve("secrets.properties"),
                "slack = http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/secret-token\n");
    }

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        server.stop(0);
    }

    Dispatcher dispatcher(int attempts) {
        Webhook slack = new Webhook("slack", Secret.parse("url", "file:secrets.properties#slack", home),
                new RetryPolicy(attempts, Duration.ofMillis(5), Duration.ofMillis(20)));
        return new Dispatcher(store, name -> name.equals("slack") ? slack : null, scheduler, java.time.Clock.systemUTC(), new Dispatcher.Log() {
            @Override
            public void delivered(Alert alert, String channel, int n) {
                log.add("delivered " + alert.id() + " to " + channel + " at " + n);
            }

            @Override
            public void failed(Alert alert, String channel, int n, String reason, boolean last) {
                log.add("attempt " + n + " of " + alert.id() + " to " + channel + (last ? " failed for good: " : " failed: ") + reason);
            }
        });
    }

    Alert recorded() {
        return store.recordAlert(new Alert(0, "nps-watch", "nps", "plan=pro", null, "GREEN", "RED", 15.0, 30.0,
                "nps (plan=pro) is red: 15 against a target of 30 (warning 20), was green", AT, null,
                List.of(Delivery.pending("slack", AT))), "nps-watch", java.util.Map.of());
    }

    Delivery delivery(long id) {
        return store.alert(id).orElseThrow().deliveries().get(0);
    }

    /** Waits for the delivery to settle (no timing is asserted; the bound only keeps a broken test from hanging). */
    Delivery settled(long id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (delivery(id).state() == Delivery.State.PENDING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return delivery(id);
    }

    @Test
    void aWebhookFailingTheFirstTwoAttemptsGetsTheAlertExactlyOnce() throws Exception {
        failFirst = 2;
        Alert alert = recorded();
        dispatcher(5).dispatch(alert);
        Delivery d = settled(alert.id());

        assertEquals(Delivery.State.DELIVERED, d.state());
        assertEquals(3, d.attempts());
        assertEquals(3, requests.get(), "two refused, the third taken, none after");
        assertEquals(1, accepted.size());
        String[] request = accepted.get(0).split("\n", 2);
        assertEquals("application/json; charset=utf-8", request[0]);
        JsonNode body = new ObjectMapper().readTree(request[1]);
        assertEquals(":warning: nps (plan=pro) is red: 15 against a target of 30 (warning 20), was green", body.get("text").asText());
        assertEquals("MessageCard", body.get("@type").asText());
        assertEquals("E01E5A", body.get("themeColor").asText());
        assertEquals("Vitals alert: nps (plan=pro) red", body.get("summary").asText());
        assertEquals(alert.id(), body.get("vitals").get("id").asLong());
        assertEquals("RED", body.get("vitals").get("to").asText());
        assertEquals(15.0, body.get("vitals").get("value").asDouble());
        assertEquals(List.of("attempt 1 of 1 to slack failed: the webhook answered HTTP 503: service unavailable",
                "attempt 2 of 1 to slack failed: the webhook answered HTTP 503: service unavailable",
                "delivered 1 to slack at 3"), log);
        assertFalse(String.join("\n", log).contains("secret-token"), "the URL is a secret: never in a message");
        assertTrue(store.pendingDeliveries().isEmpty());
    }

    @Test
    void aWebhookThatNeverAcceptsFailsTheDeliveryAfterItsAttemptsWithTheReason() throws Exception {
        failFirst = Integer.MAX_VALUE;
        Alert alert = recorded();
        dispatcher(3).dispatch(alert);
        Delivery d = settled(alert.id());
        assertEquals(Delivery.State.FAILED, d.state());
        assertEquals(3, d.attempts());
        assertEquals("the webhook answered HTTP 503: service unavailable", d.lastError());
        assertEquals(3, requests.get());
        assertTrue(accepted.isEmpty());
    }

    @Test
    void aDeliveryPendingAtARestartIsResumedFromTheStore() throws Exception {
        Alert alert = recorded();
        store.saveDelivery(alert.id(), new Delivery("slack", Delivery.State.PENDING, 2, "HTTP 503", AT));
        dispatcher(5).resume();
        Delivery d = settled(alert.id());
        assertEquals(Delivery.State.DELIVERED, d.state());
        assertEquals(3, d.attempts(), "two attempts before the restart, the third after it");
        assertEquals(1, accepted.size());
    }

    @Test
    void aServerThatIsNotThereIsAFailedAttemptWhoseReasonHidesTheUrl() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        Alert alert = recorded();
        dispatcher(2).dispatch(alert);
        Delivery d = settled(alert.id());
        assertEquals(Delivery.State.FAILED, d.state());
        assertEquals("cannot reach the webhook (file:secrets.properties#slack): ConnectException", d.lastError());
        assertFalse(d.lastError().contains(String.valueOf(port)));
    }
}
