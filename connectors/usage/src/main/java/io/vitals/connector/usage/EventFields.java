package io.vitals.connector.usage;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Pulls the few values a usage call needs (by dot path: {@code userId}, {@code context.groupId},
 * {@code traits.company.id}...) out of one JSON line with Jackson's streaming parser, skipping
 * every object and array no wanted path goes into, so large {@code properties} or
 * {@code context} blocks cost a scan and no objects.
 */
final class EventFields {

    /** A line that is not one JSON object, with the reason. */
    static final class NotAnObject extends Exception {
        private static final long serialVersionUID = 1L;

        NotAnObject(String reason) {
            super(reason, null, false, false);
        }
    }

    private final JsonFactory factory;
    private final Set<String> wanted;
    /** Every object path some wanted path goes through ("" for the top, "context", "traits.company"). */
    private final Set<String> prefixes = new HashSet<>();

    EventFields(JsonFactory factory, Collection<String> wanted) {
        this.factory = factory;
        this.wanted = Set.copyOf(wanted);
        for (String w : wanted) {
            String p = w;
            int dot;
            while ((dot = p.lastIndexOf('.')) > 0) {
                p = p.substring(0, dot);
                prefixes.add(p);
            }
        }
    }

    /** The wanted values the line has (scalars as text; null and structured values left out). */
    Map<String, String> read(byte[] bytes, int length) throws NotAnObject {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = factory.createParser(bytes, 0, length)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new NotAnObject(t == null ? "is empty" : "is not a JSON object");
            }
            object(p, "", out);
            if (p.nextToken() != null) {
                throw new NotAnObject("is not one JSON object: more follows it on the line");
            }
        } catch (JsonParseException e) {
            throw new NotAnObject("is not JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new NotAnObject("is not JSON: " + oneLine(e.getMessage()));
        }
        return out;
    }

    /** Reads the object the parser is at the start of, up to its end. */
    private void object(JsonParser p, String prefix, Map<String, String> out) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String path = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                if (prefixes.contains(path)) {
                    object(p, path, out);
                } else {
                    p.skipChildren();
                }
            } else if (value == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (value != JsonToken.VALUE_NULL && wanted.contains(path)) {
                out.put(path, p.getText());
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "unexpected " + t);
        }
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String first = message.lines().findFirst().orElse("").trim();
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }
}
