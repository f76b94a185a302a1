package io.vitals.connector.stripe;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a pass over the Stripe lists stands, as the JSON the engine keeps between syncs:
 * {@code {"list":"subscriptions","after":"sub_123"}} (the next page of subscriptions starts after
 * sub_123), {@code {"list":"invoices"}} (the invoices from their first page), or
 * {@code {"list":"done"}} (the pass read every list; the next sync starts a new pass). {@code "events"} names the
 * newest event Stripe had when the pass began, or the newest one followed since: a sync after a complete
 * pass follows the events from there instead of reading every list again.
 */
record StripeCursor(String list, String after, String events, boolean history) {

    static final String DONE = "done";

    StripeCursor(String list, String after) {
        this(list, after, null, false);
    }

    StripeCursor(String list, String after, String events) {
        this(list, after, events, false);
    }

    /** The same place in a pass that also rebuilds each subscription's past from its invoices (the first pass). */
    StripeCursor withHistory(boolean rebuild) {
        return new StripeCursor(list, after, events, rebuild);
    }

    static StripeCursor start(String list) {
        return new StripeCursor(list, null);
    }

    static StripeCursor done() {
        return new StripeCursor(DONE, null);
    }

    /** The same place, remembering the newest event at the start of its pass (where events are followed from). */
    StripeCursor withEvents(String eventId) {
        return new StripeCursor(list, after, eventId, history);
    }

    boolean isDone() {
        return DONE.equals(list);
    }

    /**
     * Where to go on from a stored cursor, for a source that reads {@code lists} in that order: a
     * new pass when there is no cursor, the pass was done, the cursor cannot be read (another
     * version wrote it; re-reading is harmless) or names a list this source no longer reads.
     */
    static StripeCursor resume(Optional<String> stored, List<String> lists, ObjectMapper json) {
        StripeCursor fresh = start(lists.get(0));
        if (stored.isEmpty() || stored.get().isBlank()) {
            return fresh;
        }
        try {
            JsonNode node = json.readTree(stored.get());
            String list = node.path("list").asText("");
            JsonNode events = node.path("events");
            String marker = events.isTextual() && !events.asText().isBlank() ? events.asText() : null;
            if (DONE.equals(list)) {
                return new StripeCursor(DONE, null, marker);
            }
            if (!lists.contains(list)) {
                return fresh;
            }
            JsonNode after = node.path("after");
            return new StripeCursor(list, after.isTextual() && !after.asText().isBlank() ? after.asText() : null, marker,
                    node.path("history").asBoolean(false));
        } catch (Exception e) {
            return fresh;
        }
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("list", list);
        if (after != null) {
            node.put("after", after);
        }
        if (events != null) {
            node.put("events", events);
        }
        if (history) {
            node.put("history", true);
        }
        return node.toString();
    }
}
