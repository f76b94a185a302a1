package io.vitals.connector.file;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a file source is: for every file it has seen, the file's fingerprint, how many rows of it
 * are committed and whether it is done.
 *
 * <pre>{"files":{"2026-03-01.csv":{"size":1234,"modified":1767225600000,"head":"9f...","rows":1000,"done":false}}}</pre>
 */
final class FileCursor {

    record State(Fingerprint fingerprint, long rows, boolean done) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, State> files = new LinkedHashMap<>();

    /** The cursor a sync committed, or an empty one for a first sync (or a cursor that does not read: start over). */
    static FileCursor parse(String text) {
        FileCursor c = new FileCursor();
        if (text == null || text.isBlank()) {
            return c;
        }
        try {
            JsonNode files = JSON.readTree(text).path("files");
            for (Map.Entry<String, JsonNode> e : files.properties()) {
                JsonNode f = e.getValue();
                c.files.put(e.getKey(), new State(new Fingerprint(f.path("size").asLong(-1), f.path("modified").asLong(-1),
                        f.path("head").asText("")), f.path("rows").asLong(0), f.path("done").asBoolean(false)));
            }
        } catch (JsonProcessingException e) {
            c.files.clear(); // not ours: read everything again, upserts make that safe
        }
        return c;
    }

    State get(String file) {
        return files.get(file);
    }

    void put(String file, Fingerprint fingerprint, long rows, boolean done) {
        files.put(file, new State(fingerprint, rows, done));
    }

    /** Forgets files that are gone. */
    void retain(Collection<String> present) {
        files.keySet().retainAll(present);
    }

    String text() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode all = root.putObject("files");
        files.forEach((name, s) -> {
            ObjectNode f = all.putObject(name);
            f.put("size", s.fingerprint().size());
            f.put("modified", s.fingerprint().modified());
            f.put("head", s.fingerprint().head());
            f.put("rows", s.rows());
            f.put("done", s.done());
        });
        return root.toString();
    }
}
