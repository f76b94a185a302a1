package io.vitals.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitals.connector.SourceStatus;

class SyncOrderTest {

    static SourceStatus source(String id, Map<String, String> settings) {
        return new SourceStatus(id, "file", settings, Duration.ZERO, false, null, 0, null, null);
    }

    static final List<SourceStatus> KNOWN = List.of(
            source("tickets", Map.of("entity", "tickets", "customerSource", "crm")),
            source("usage", Map.of("entity", "usage_events", "customerSource", "billing")),
            source("billing", Map.of()),
            source("crm", Map.of("entity", "customers", "customerSource", "(this source)")),
            source("a-loop", Map.of("entity", "deals", "customerSource", "b-loop")),
            source("b-loop", Map.of("entity", "deals", "customerSource", "a-loop")));

    @Test
    void customersFirstAndEachSourceAfterTheOneWhoseCustomersItNames() {
        assertEquals(List.of("crm", "billing", "tickets", "usage"),
                ConnectorCommands.syncOrder(List.of("usage", "tickets", "billing", "crm"), KNOWN));
        assertEquals(List.of("tickets", "usage"), ConnectorCommands.syncOrder(List.of("usage", "tickets"), KNOWN),
                "a source named alone needs nothing before it");
    }

    @Test
    void aCycleIsBrokenByIdRatherThanLeftOut() {
        assertEquals(List.of("a-loop", "b-loop"), ConnectorCommands.syncOrder(List.of("b-loop", "a-loop"), KNOWN));
    }
}
