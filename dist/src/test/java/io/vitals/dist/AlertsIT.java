package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.vitals.alert.Alert;
import io.vitals.alert.AlertBook;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/**
 * An alert rule dropped into etc/ of a running distribution, on its demo data: one alert, delivered
 * to a webhook on 127.0.0.1 that refuses the first two attempts, listed by alert:list, acknowledged
 * by alert:ack, and neither repeated by later evaluations nor after a restart.
 */
class AlertsIT {

    static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static HttpServer hook;
    static final AtomicInteger requests = new AtomicInteger();
    static final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hooks/vitals-token-9f2c", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean refuse = requests.incrementAndGet() <= 2;
            if (!refuse) {
                bodies.add(body);
            }
            exchange.sendResponseHeaders(refuse ? 503 : 200, -1);
            exchange.close();
        });
        hook.start();
        home = Distribution.copy(folder, 100);
        vitals = Distribution.start(home);
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
        hook.stop(0);
    }

    static AlertBook alerts() {
        var context = vitals.framework().getBundleContext();
        return context.getService(context.getServiceReference(AlertBook.class));
    }

    static CommandOutcome run(String command) {
        CommandOutcome out = vitals.execute(command);
        assertNull(out.failure(), command + ": " + out.failureMessage());
        return out;
    }

    @Test
    void aRuleDroppedIntoEtcAlertsOnceDeliversToTheWebhookAndIsAcknowledged() throws Exception {
        // an MRR target no demo dataset meets: MRR is red
        Distribution.write(home.resolve("etc/vitals.target-mrr-stretch.cfg"), "kpi = mrr\ntarget = 1000000000\n");
        Distribution.await("the MRR target", WITHIN, () -> vitals.execute("kpi:targets").output().contains("mrr"));
        Distribution.write(home.resolve("etc/secrets.properties"),
                "hook = http://127.0.0.1:" + hook.getAddress().getPort() + "/hooks/vitals-token-9f2c\n");
        Distribution.write(home.resolve("etc/vitals.webhook-team.cfg"),
                "url = file:etc/secrets.properties#hook\nattempts = 5\nretryInitialMillis = 20\nretryMaxMillis = 100\n");
        Distribution.write(home.resolve("etc/vitals.alert-mrr-watch.cfg"), "kpi = mrr\nchannels = log, team\n");

        AlertBook book = alerts();
        Distribution.await("the alert to be delivered to the webhook", WITHIN, () -> book.list(false, 10).stream()
                .anyMatch(a -> a.deliveries().stream().allMatch(d -> d.state() == Alert.Delivery.State.DELIVERED)));
        List<Alert> open = book.list(false, 10);
        assertEquals(1, open.size());
        Alert alert = open.get(0);
        assertEquals("mrr-watch", alert.rule());
        assertEquals("GREEN", alert.from());
        assertEquals("RED", alert.to());
        assertTrue(alert.message().startsWith("mrr is red: "), alert.message());
        Alert.Delivery team = alert.deliveries().stream().filter(d -> d.channel().equals("team")).findFirst().orElseThrow();
        assertEquals(3, team.attempts(), "refused twice, taken the third time");
        assertEquals(1, bodies.size());
        JsonNode body = new ObjectMapper().readTree(bodies.get(0));
        assertEquals(":warning: " + alert.message(), body.get("text").asText());
        assertEquals(alert.id(), body.get("vitals").get("id").asLong());

        String list = run("alert:list").output();
        assertTrue(list.contains("mrr-watch") && list.contains("green -> red") && list.contains("log, team"), list);
        assertFalse(Files.readString(home.resolve("data/log/vitals.log")).contains("vitals-token-9f2c"),
                "the webhook's URL is a secret: never logged");

        book.evaluate();
        book.evaluate();
        assertEquals(1, book.list(true, 10).size(), "still red: no second alert");

        CommandOutcome unknown = vitals.execute("alert:ack " + (alert.id() + 100));
        assertNotNull(unknown.failure());
        assertEquals("error: unknown alert " + (alert.id() + 100) + "; alert:list --all shows every alert and its id", unknown.failureMessage());
        assertTrue(run("alert:ack " + alert.id()).output().startsWith("Acknowledged alert " + alert.id() + " (mrr-watch)"));
        assertTrue(run("alert:list").output().startsWith("No open alerts"));
        JsonNode all = new ObjectMapper().readTree(run("alert:list --all --format json").output());
        assertEquals(1, all.size());
        assertFalse(all.get(0).get("ackedAt").isNull());
        assertTrue(run("alert:rules").output().contains("red"));

        // customers whose health is red, from the health score's own drill-down: on the first look they alert,
        // in one alert when there are more than the limit (the log only: the webhook hears nothing of it)
        Path bands = home.resolve("etc/vitals.kpi.health_score.cfg");
        Distribution.write(bands, Files.readString(bands).replace("redBelow = 40", "redBelow = 60").replace("greenFrom = 70", "greenFrom = 80"));
        Distribution.await("red below 60", WITHIN, () -> vitals.kpis().find("health-score").orElseThrow().definition().parameters()
                .stream().anyMatch(p -> p.name().equals("redBelow") && Double.parseDouble(p.value()) == 60));
        int red = vitals.kpis().customers("health-score", new io.vitals.kpi.KpiQuery(
                new io.vitals.kpi.Period(java.time.LocalDate.parse("2026-05-02"), java.time.LocalDate.parse(Distribution.TODAY)),
                io.vitals.kpi.Segment.ALL), new io.vitals.kpi.DrillDown("red", null, true, 1000)).rows().size();
        assertTrue(red > 10, "more red customers than a rule alerts on one by one: " + red);
        Distribution.write(home.resolve("etc/vitals.alert-at-risk.cfg"), "kpi = health-score\ncustomers = red\n");
        Distribution.await("the at-risk alert", WITHIN, () -> book.list(false, 10).stream().anyMatch(a -> a.rule().equals("at-risk")));
        List<Alert> atRisk = book.list(false, 10);
        assertEquals(1, atRisk.size(), "one alert that names them all, not one each");
        assertEquals((double) red, atRisk.get(0).value());
        assertNull(atRisk.get(0).customerId());
        assertTrue(atRisk.get(0).message().startsWith(red + " customers are now in health-score red: "), atRisk.get(0).message());
        book.evaluate();
        assertEquals(1, book.list(false, 10).size(), "the same customers in red: nothing new");
        Files.delete(home.resolve("etc/vitals.alert-at-risk.cfg"));
        Distribution.await("the rule to go", WITHIN, () -> book.rules().size() == 1);
        book.ack(atRisk.get(0).id());

        // a restart remembers: the rule, still red, raises nothing new and the webhook hears nothing more
        vitals.close();
        vitals = Distribution.start(home);
        AlertBook again = alerts();
        Distribution.await("the rule after the restart", WITHIN, () -> again.rules().stream()
                .anyMatch(r -> r.name().equals("mrr-watch") && "RED".equals(r.status())));
        again.evaluate();
        assertEquals(1, again.list(true, 10).stream().filter(a -> a.rule().equals("mrr-watch")).count());
        assertEquals(1, bodies.size());
        assertEquals(3, requests.get());
    }
}
