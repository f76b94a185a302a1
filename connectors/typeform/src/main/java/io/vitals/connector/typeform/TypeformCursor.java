package io.vitals.connector.typeform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a Typeform source stands, as the JSON the engine keeps between syncs:
 * {@code {"form":"u6nXL7","after":"21085286190ffad1248d17c4135ee56f"}}: the next request asks for
 * the responses after that token (the last response committed). No cursor, or one for another
 * form (the configuration now names another): the form's responses from the oldest.
 */
record TypeformCursor(String form, String after) {

    static TypeformCursor parse(String text, String form, ObjectMapper json) {
        TypeformCursor start = new TypeformCursor(form, null);
        if (text == null || text.isBlank()) {
            return start;
        }
        try {
            JsonNode node = json.readTree(text);
            JsonNode after = node.path("after");
            if (!form.equals(node.path("form").asText()) || !after.isTextual() || after.asText().isBlank()) {
                return start;
            }
            return new TypeformCursor(form, after.asText());
        } catch (Exception e) {
            return start; // not ours: read the form again from the start, upserts make that harmless
        }
    }

    String toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("form", form);
        if (after != null) {
            node.put("after", after);
        }
        return node.toString();
    }
}
