package io.vitals.connector.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON Lines file: one JSON object per line, read through Jackson, flattened with dot paths
 * ({@code {"user":{"id":"u1"}}} has the field {@code user.id}; array elements are
 * {@code tags.0}, {@code tags.1}, and the array itself is {@code tags} as JSON). Rows are
 * numbered by line; blank lines are skipped.
 */
final class JsonLinesRows implements RowReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String name;
    private final Charset charset;
    private final BufferedReader reader;
    private long position;

    JsonLinesRows(Path file, String name, Charset charset) throws IOException {
        this.name = name;
        this.charset = charset;
        this.reader = new BufferedReader(Text.open(file, charset));
    }

    @Override
    public Row next() throws IOException, RowReader.BadFile {
        while (true) {
            String line = line();
            if (line == null) {
                return null;
            }
            position++;
            if (line.isBlank()) {
                continue;
            }
            String id = name + ":" + position;
            String raw = id + ": " + line;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                return new Row(position, id, Map.of(), raw, "line " + position + " is not valid JSON: "
                        + CsvRows.oneLine(e.getOriginalMessage()));
            }
            if (!node.isObject()) {
                return new Row(position, id, Map.of(), raw, "line " + position + " is not a JSON object");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            flatten("", node, fields);
            return new Row(position, id, fields, raw, null);
        }
    }

    private String line() throws IOException, RowReader.BadFile {
        try {
            return reader.readLine();
        } catch (CharacterCodingException e) {
            throw new RowReader.BadFile(name + ": from line " + (position + 1) + " on, the text is not valid " + charset.name()
                    + " (set encoding, e.g. encoding = windows-1252)");
        }
    }

    @Override
    public void skipTo(long target) throws IOException, RowReader.BadFile {
        while (position < target && line() != null) {
            position++;
        }
    }

    /** Fields with dot paths; nulls are left out (an absent field and a null are the same). */
    static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else if (node.isArray()) {
            if (!prefix.isEmpty()) {
                into.put(prefix, node.toString());
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix.isEmpty() ? String.valueOf(i) : prefix + "." + i, node.get(i), into);
            }
        } else if (node.isBigDecimal()) {
            into.put(prefix, node.decimalValue().toPlainString());
        } else if (!node.isNull() && !node.isMissingNode()) {
            into.put(prefix, node.asText());
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
