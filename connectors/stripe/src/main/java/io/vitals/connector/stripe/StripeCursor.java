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
 * {@code {"list":"done"}} (the pass read every list; the next sync starts a new pass).
 */
record StripeCursor(String list, String after) {

    static final String DONE = "done";

    static StripeCursor start(String list) {
        return new StripeCursor(list, null);
    }

    static StripeCursor done() {
        return new StripeCursor(DONE, null);
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
            if (!lists.contains(list)) {
                return fresh;
            }
            JsonNode after = node.path("after");
            return new StripeCursor(list, after.isTextual() && !after.asText().isBlank() ? after.asText() : null);
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
        return node.toString();
    }
}
