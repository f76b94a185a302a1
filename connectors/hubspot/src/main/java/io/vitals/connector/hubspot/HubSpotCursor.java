package io.vitals.connector.hubspot;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a pass over the HubSpot lists stands, as the JSON the engine keeps between syncs:
 * {@code {"list":"companies","after":"NTEz"}} (the next page of companies is the one HubSpot's
 * paging token NTEz names), {@code {"list":"deals"}} (deals from their first page),
 * {@code {"list":"archived-deals"}} (the archived deals from their first page), or
 * {@code {"list":"done"}} (the pass read every list; the next sync starts a new pass).
 * {@code passHighWater} is the newest modification time seen so far in the pass under way,
 * {@code highWater} that of the last complete pass (ISO instants; for what was read, not to
 * filter on: see {@link HubSpotSource}).
 */
record HubSpotCursor(String list, String after, String passHighWater, String highWater) {

    static final String DONE = "done";

    static HubSpotCursor done(String highWater) {
        return new HubSpotCursor(DONE, null, null, highWater);
    }

    /**
     * Where to go on from a stored cursor, for a source that reads {@code lists} in that order: a
     * new pass when there is no cursor, the pass was done, the cursor cannot be read (another
     * version wrote it; re-reading is harmless) or names a list this source no longer reads.
     */
    static HubSpotCursor resume(Optional<String> stored, List<String> lists, ObjectMapper json) {
        if (stored.isEmpty() || stored.get().isBlank()) {
            return new HubSpotCursor(lists.get(0), null, null, null);
        }
        try {
            JsonNode node = json.readTree(stored.get());
            String highWater = text(node, "highWater");
            String list = node.path("list").asText("");
            if (!lists.contains(list)) {
                return new HubSpotCursor(lists.get(0), null, null, highWater);
            }
            return new HubSpotCursor(list, text(node, "after"), text(node, "passHighWater"), highWater);
        } catch (Exception e) {
            return new HubSpotCursor(lists.get(0), null, null, null);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("list", list);
        if (after != null) {
            node.put("after", after);
        }
        if (passHighWater != null) {
            node.put("passHighWater", passHighWater);
        }
        if (highWater != null) {
            node.put("highWater", highWater);
        }
        return node.toString();
    }
}
