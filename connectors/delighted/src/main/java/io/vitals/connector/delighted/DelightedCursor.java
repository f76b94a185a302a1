package io.vitals.connector.delighted;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a Delighted source stands, as the JSON the engine keeps between syncs:
 * {@code {"updatedSince":1767225600,"seen":["5435","5436"]}} asks next for the responses updated at
 * or after 1767225600 ({@code updated_since} is inclusive), in {@code updated_at} order, and knows
 * that responses 5435 and 5436, updated in that very second, are committed already.
 *
 * <p>Every request starts from the newest {@code updated_at} committed, so paging is a walk along
 * {@code updated_at} rather than page numbers over a list that changes while it is read: a response
 * edited meanwhile moves to the end of the order and is read there, and nothing unread can slide
 * onto a page already read. The responses of the boundary second come again at the head of the
 * next answer and are recognised by id (and not counted). Only when more than a page of responses
 * share one second does the page number move on within that second: the next request asks for
 * page {@code seen / pageSize + 1}. No cursor: everything from the start.
 */
record DelightedCursor(Long updatedSince, Set<String> seen) {

    static final DelightedCursor START = new DelightedCursor(null, Set.of());

    /** The stored cursor, or the start when there is none or it is not one of ours (reading again is harmless). */
    static DelightedCursor parse(String text, ObjectMapper json) {
        if (text == null || text.isBlank()) {
            return START;
        }
        try {
            JsonNode node = json.readTree(text);
            JsonNode since = node.path("updatedSince");
            Set<String> seen = new LinkedHashSet<>();
            node.path("seen").forEach(id -> seen.add(id.asText()));
            return new DelightedCursor(since.isIntegralNumber() ? since.asLong() : null, Set.copyOf(seen));
        } catch (Exception e) {
            return START;
        }
    }

    /** The page to ask for: past the responses of the boundary second already committed. */
    int page(int pageSize) {
        return seen.size() / pageSize + 1;
    }

    /** The time a response stands at in the {@code updated_at} order: when it last changed, else when it was made; null: neither. */
    static Long position(JsonNode response) {
        JsonNode updated = response.path("updated_at");
        if (updated.isIntegralNumber()) {
            return updated.asLong();
        }
        JsonNode created = response.path("created_at");
        return created.isIntegralNumber() ? created.asLong() : null;
    }

    /** True for a response of the boundary second that an earlier page committed. */
    boolean committed(JsonNode response) {
        Long at = position(response);
        return (at == null || Objects.equals(at, updatedSince)) && seen.contains(response.path("id").asText());
    }

    /** Where to go on after this answer (a page in {@code updated_at} order) is committed. */
    DelightedCursor after(JsonNode answer) {
        Long newest = updatedSince;
        for (JsonNode r : answer) {
            Long at = position(r);
            if (at != null && (newest == null || at > newest)) {
                newest = at;
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        boolean sameSecond = Objects.equals(newest, updatedSince);
        if (sameSecond) {
            ids.addAll(seen); // still in the boundary second: add to what it holds
        }
        for (JsonNode r : answer) {
            Long at = position(r);
            if (Objects.equals(at, newest) || (sameSecond && at == null)) {
                ids.add(r.path("id").asText());
            }
        }
        return new DelightedCursor(newest, Set.copyOf(ids));
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        if (updatedSince != null) {
            node.put("updatedSince", updatedSince);
        }
        var array = node.putArray("seen");
        seen.stream().sorted().forEach(array::add);
        return node.toString();
    }
}
