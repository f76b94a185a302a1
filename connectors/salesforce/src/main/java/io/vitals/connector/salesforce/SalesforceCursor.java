package io.vitals.connector.salesforce;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the incremental queries stand, as the JSON the engine keeps between syncs:
 * {@code {"accounts":{"since":"2025-06-01T08:00:00Z","query":"3f2a..."},"opportunities":{...}}}:
 * per object, the newest SystemModstamp committed (to the second) and the fingerprint of the
 * query it was read with. The next query asks for {@code SystemModstamp >= since}: the records of
 * that last second are read again and land unchanged, and nothing after it can be skipped. No query
 * locator is kept: they expire after about 15 minutes.
 */
final class SalesforceCursor {

    record Mark(String since, String query) {
    }

    private final Map<String, Mark> marks;

    private SalesforceCursor(Map<String, Mark> marks) {
        this.marks = marks;
    }

    /** The stored cursor, or none when there is none or it cannot be read (re-reading is harmless). */
    static SalesforceCursor read(Optional<String> stored, ObjectMapper json) {
        Map<String, Mark> marks = new LinkedHashMap<>();
        if (stored.isPresent() && !stored.get().isBlank()) {
            try {
                JsonNode node = json.readTree(stored.get());
                for (String object : SalesforceSource.OBJECTS) {
                    JsonNode m = node.path(object);
                    String since = m.path("since").asText("");
                    if (m.isObject() && SalesforceMapping.parseInstant(since) != null) {
                        marks.put(object, new Mark(since, m.path("query").asText("")));
                    }
                }
            } catch (Exception e) {
                marks.clear();
            }
        }
        return new SalesforceCursor(marks);
    }

    /** Where the object's query starts: its mark when it was read with this same query, else null (the beginning). */
    String since(String object, String fingerprint) {
        Mark m = marks.get(object);
        return m != null && m.query().equals(fingerprint) ? m.since() : null;
    }

    SalesforceCursor with(String object, String since, String fingerprint) {
        Map<String, Mark> next = new LinkedHashMap<>(marks);
        if (since == null) {
            next.remove(object);
        } else {
            next.put(object, new Mark(since, fingerprint));
        }
        return new SalesforceCursor(next);
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        for (String object : SalesforceSource.OBJECTS) {
            Mark m = marks.get(object);
            if (m != null) {
                node.putObject(object).put("since", m.since()).put("query", m.query());
            }
        }
        return node.toString();
    }
}
