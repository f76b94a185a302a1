package io.vitals.connector.usage;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a usage source stands in each file of its folder, as the JSON the engine keeps between syncs:
 *
 * <pre>{"files":{"2026-01-10.jsonl":{"offset":1048576,"line":5000,"size":1048576,"head":"9f2c...","headLength":1024,"whole":false}}}</pre>
 *
 * {@code offset} is the byte just after the last line committed (in the uncompressed stream, for
 * gzip), {@code line} how many lines that is, {@code size} the size of the file as far as it was
 * read (for gzip: the compressed size of the file last read), {@code whole} whether it was read to
 * its very end, and {@code head} a hash of its first {@code headLength} bytes, which tells a file
 * that grew (same head: go on at the offset) from one replaced by another (different head, or
 * smaller than what was read: read from its start). A file no longer in the folder is forgotten.
 */
final class UsageCursor {

    /** What is committed of one file. */
    record State(long offset, long line, long size, String head, int headLength, boolean whole) {
    }

    private final Map<String, State> files = new TreeMap<>();

    static UsageCursor parse(String text, ObjectMapper json) {
        UsageCursor c = new UsageCursor();
        if (text == null || text.isBlank()) {
            return c;
        }
        try {
            JsonNode all = json.readTree(text).path("files");
            for (Map.Entry<String, JsonNode> e : all.properties()) {
                JsonNode f = e.getValue();
                c.files.put(e.getKey(), new State(f.path("offset").asLong(0), f.path("line").asLong(0), f.path("size").asLong(-1),
                        f.path("head").asText(""), f.path("headLength").asInt(0), f.path("whole").asBoolean(false)));
            }
        } catch (Exception e) {
            c.files.clear(); // not ours: read everything again, upserts make that harmless
        }
        return c;
    }

    State get(String file) {
        return files.get(file);
    }

    void put(String file, State state) {
        files.put(file, state);
    }

    void remove(String file) {
        files.remove(file);
    }

    /** Forgets the files that are no longer there; true if it forgot any. */
    boolean retain(Collection<String> present) {
        return files.keySet().retainAll(present);
    }

    String text(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode all = root.putObject("files");
        files.forEach((name, s) -> {
            ObjectNode f = all.putObject(name);
            f.put("offset", s.offset());
            f.put("line", s.line());
            f.put("size", s.size());
            f.put("head", s.head());
            f.put("headLength", s.headLength());
            f.put("whole", s.whole());
        });
        return root.toString();
    }
}
