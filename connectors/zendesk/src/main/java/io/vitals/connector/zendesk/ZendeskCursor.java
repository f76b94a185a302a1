package io.vitals.connector.zendesk;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a Zendesk source stands, as the JSON the engine keeps between syncs:
 * {@code {"organizations":1767225600,"tickets":"MTU3NjYxMzUzOS4wfHw0Njd8"}}, that is the start time
 * of the next organization export page (the last page's {@code end_time}) and the ticket export's
 * last {@code after_cursor}; before the ticket export gave a cursor, {@code "ticketsStart"} holds the
 * start time its first request uses, so a first sync that failed before its first ticket page asks
 * for the same tickets again. Every part is optional: no organizations means from the beginning.
 */
record ZendeskCursor(Long organizations, String tickets, Long ticketsStart) {

    static final ZendeskCursor NONE = new ZendeskCursor(null, null, null);

    /** The stored cursor, or none when there is none or it cannot be read (another version wrote it; re-reading is harmless). */
    static ZendeskCursor read(Optional<String> stored, ObjectMapper json) {
        if (stored.isEmpty() || stored.get().isBlank()) {
            return NONE;
        }
        try {
            JsonNode node = json.readTree(stored.get());
            if (node == null || !node.isObject()) {
                return NONE;
            }
            JsonNode o = node.path("organizations");
            JsonNode t = node.path("tickets");
            JsonNode s = node.path("ticketsStart");
            return new ZendeskCursor(o.canConvertToLong() && o.isIntegralNumber() ? o.asLong() : null,
                    t.isTextual() && !t.asText().isBlank() ? t.asText() : null,
                    s.canConvertToLong() && s.isIntegralNumber() ? s.asLong() : null);
        } catch (Exception e) {
            return NONE;
        }
    }

    ZendeskCursor withOrganizations(long startTime) {
        return new ZendeskCursor(startTime, tickets, ticketsStart);
    }

    ZendeskCursor withTickets(String afterCursor) {
        return new ZendeskCursor(organizations, afterCursor, null);
    }

    ZendeskCursor withTicketsStart(long startTime) {
        return new ZendeskCursor(organizations, null, startTime);
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        if (organizations != null) {
            node.put("organizations", organizations);
        }
        if (tickets != null) {
            node.put("tickets", tickets);
        } else if (ticketsStart != null) {
            node.put("ticketsStart", ticketsStart);
        }
        return node.toString();
    }
}
