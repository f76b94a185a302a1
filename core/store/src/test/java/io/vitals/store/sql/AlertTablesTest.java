package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.testdb.TestStores;

/** Alerts, their deliveries and the rules' states, kept across a reopen (this class runs on SQLite and PostgreSQL). */
class AlertTablesTest {

    static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

    @TempDir
    Path dir;
    String url;
    SqlStore store;

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "alerts");
        store = SqlStore.open(url, 1);
    }

    @AfterEach
    void close() {
        store.close();
        TestStores.release(url);
    }

    static Alert npsRed() {
        return new Alert(0, "nps-red", "nps", "plan=pro", null, "GREEN", "RED", 12.5, 30.0, "nps is red", T0, null,
                List.of(Delivery.pending("log", T0), Delivery.pending("slack", T0)));
    }

    @Test
    void anAlertIsRecordedWithItsStatesAndPendingDeliveriesAndSurvivesAReopen() {
        Alert recorded = store.recordAlert(npsRed(), "nps-red", Map.of("", "RED"));
        assertTrue(recorded.id() > 0);
        store.close();
        store = SqlStore.open(url, 1);

        Alert read = store.alert(recorded.id()).orElseThrow();
        assertEquals("nps-red", read.rule());
        assertEquals("plan=pro", read.segment());
        assertEquals("GREEN", read.from());
        assertEquals("RED", read.to());
        assertEquals(12.5, read.value());
        assertEquals(30.0, read.target());
        assertNull(read.customerId());
        assertEquals(T0, read.raisedAt());
        assertFalse(read.acked());
        assertEquals(List.of("log", "slack"), read.deliveries().stream().map(Delivery::channel).toList());
        assertEquals(Map.of("", "RED"), store.alertStates("nps-red"));
        assertEquals(List.of(recorded.id()), store.pendingDeliveries().stream().map(Alert::id).toList());
    }

    @Test
    void deliveriesAreUpdatedAndAnAlertWithNothingPendingIsNotRetried() {
        long id = store.recordAlert(npsRed(), "nps-red", Map.of()).id();
        store.saveDelivery(id, new Delivery("log", Delivery.State.DELIVERED, 1, null, T0));
        store.saveDelivery(id, new Delivery("slack", Delivery.State.PENDING, 2, "HTTP 503", T0.plusSeconds(3)));
        assertEquals(1, store.pendingDeliveries().size());
        store.saveDelivery(id, new Delivery("slack", Delivery.State.DELIVERED, 3, null, T0.plusSeconds(9)));
        assertTrue(store.pendingDeliveries().isEmpty());
        Delivery slack = store.alert(id).orElseThrow().deliveries().get(1);
        assertEquals(Delivery.State.DELIVERED, slack.state());
        assertEquals(3, slack.attempts());
        assertEquals(T0.plusSeconds(9), slack.updatedAt());
    }

    @Test
    void ackKeepsTheFirstTimeAndOpenAlertsLeaveTheAckedOnesOut() {
        long first = store.recordAlert(npsRed(), "nps-red", Map.of()).id();
        long second = store.recordAlert(npsRed(), "nps-red", Map.of()).id();
        assertEquals(List.of(second, first), store.alerts(false, 10).stream().map(Alert::id).toList());

        assertTrue(store.ackAlert(first, T0.plusSeconds(60)));
        assertTrue(store.ackAlert(first, T0.plusSeconds(120)));
        assertFalse(store.ackAlert(first + second + 1, T0));
        assertEquals(List.of(second), store.alerts(false, 10).stream().map(Alert::id).toList());
        assertEquals(List.of(second, first), store.alerts(true, 10).stream().map(Alert::id).toList());
        assertEquals(T0.plusSeconds(60), store.alert(first).orElseThrow().ackedAt());
        assertEquals(List.of(second), store.alerts(true, 1).stream().map(Alert::id).toList());
    }

    @Test
    void statesAreUpsertedPerSubjectAndANullForgetsOne() {
        store.saveAlertStates("health", Map.of("", "SEEN", "c-1", "IN", "c-2", "IN"));
        Map<String, String> change = new HashMap<>();
        change.put("c-1", null);
        change.put("c-2", "IN|OUT|1|0");
        store.saveAlertStates("health", change);
        assertEquals(Map.of("", "SEEN", "c-2", "IN|OUT|1|0"), store.alertStates("health"));
        assertTrue(store.alertStates("other").isEmpty());
    }
}
