package io.vitals.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.alert.AlertBook;
import io.vitals.alert.AlertRuleStatus;
import io.vitals.alert.UnknownAlertException;

/** alert:list and alert:ack as a user types them, on a book of two alerts. */
class AlertCommandsTest {

    static final Instant AT = Instant.parse("2026-06-01T06:00:00Z");

    final List<Alert> alerts = new ArrayList<>(List.of(
            new Alert(2, "at-risk", "health-score", "", "c7", null, "red", null, null, "Acme (c7) is now in health-score red", AT, null,
                    List.of(new Delivery("log", Delivery.State.DELIVERED, 1, null, AT))),
            new Alert(1, "nps-pro", "nps", "plan=pro", null, "GREEN", "RED", 12.0, 30.0, "nps (plan=pro) is red", AT, null,
                    List.of(new Delivery("log", Delivery.State.DELIVERED, 1, null, AT),
                            new Delivery("slack", Delivery.State.PENDING, 2, "the webhook answered HTTP 503", AT)))));

    final AlertBook book = new AlertBook() {
        @Override
        public List<Alert> list(boolean all, int limit) {
            return alerts.stream().filter(a -> all || !a.acked()).limit(limit).toList();
        }

        @Override
        public Optional<Alert> find(long id) {
            return alerts.stream().filter(a -> a.id() == id).findFirst();
        }

        @Override
        public Alert ack(long id) {
            Alert a = find(id).orElseThrow(() -> new UnknownAlertException(id));
            Alert acked = new Alert(a.id(), a.rule(), a.kpi(), a.segment(), a.customerId(), a.from(), a.to(), a.value(), a.target(),
                    a.message(), a.raisedAt(), AT.plusSeconds(60), a.deliveries());
            alerts.set(alerts.indexOf(a), acked);
            return acked;
        }

        @Override
        public List<AlertRuleStatus> rules() {
            return List.of();
        }

        @Override
        public void evaluate() {
        }
    };
    final AlertCommands commands = new AlertCommands(book);

    static String printed(Runnable command) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsTheOpenAlertsWithTheirDeliveries() throws Exception {
        String text = printed(commands::list);
        assertTrue(text.contains("green -> red") && text.contains("-> red") && text.contains("log, slack (pending, 2 tried)"), text);
        assertTrue(text.lines().filter(l -> l.contains(" open ")).count() == 2, text);

        JsonNode json = new ObjectMapper().readTree(printed(() -> commands.list("--format", "json")));
        assertEquals(2, json.size());
        assertEquals("pending", json.get(1).get("deliveries").get(1).get("state").asText());
        assertEquals("the webhook answered HTTP 503", json.get(1).get("deliveries").get(1).get("lastError").asText());
    }

    @Test
    void ackTakesIdsAndSaysInOneLineWhatIsWrong() {
        assertEquals("Acknowledged alert 1 (nps-pro): nps (plan=pro) is red\n", printed(() -> commands.ack("1")));
        assertTrue(printed(commands::list).contains("at-risk"));
        assertTrue(!printed(commands::list).contains("nps-pro"));
        assertTrue(printed(() -> commands.list("--all")).contains("acked 2026-06-01 06:01"));

        assertEquals("error: unknown alert 9; alert:list --all shows every alert and its id",
                assertThrows(CommandError.class, () -> commands.ack("2", "9")).toString());
        assertTrue(printed(commands::list).contains("at-risk"), "nothing acknowledged when one id is wrong");
        assertEquals("error: 'x1' is not an alert id; alert:list shows the ids (numbers)",
                assertThrows(CommandError.class, () -> commands.ack("x1")).toString());
        assertTrue(assertThrows(CommandError.class, () -> commands.ack()).getMessage().contains("see alert:ack --help"));
        assertTrue(printed(() -> commands.ack("--help")).startsWith("Usage: alert:ack [-h] <id>..."));
        assertEquals(List.of("2"), commands.ids());
    }
}
