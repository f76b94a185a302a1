package io.vitals.connector.file;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * A CSV file with a header row, through Commons CSV: quoted fields with delimiters, quotes and
 * line breaks inside, CRLF or LF line ends, a byte-order mark, empty lines (skipped). Rows are
 * numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
 */
final class CsvRows implements RowReader {

    private final String name;
    private final Charset charset;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private final CSVFormat rawFormat;
    private final char delimiter;
    private long position;

    private CsvRows(String name, Charset charset, CSVParser parser, List<String> header, char delimiter) {
        this.name = name;
        this.charset = charset;
        this.parser = parser;
        this.records = parser.iterator();
        this.header = header;
        this.rawFormat = rawFormat(delimiter);
        this.delimiter = delimiter;
    }

    static CSVFormat rawFormat(char delimiter) {
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).setRecordSeparator("").get();
    }

    /**
     * @param columns the columns the mapping reads, each with the key that names it: a header without one of them
     *        makes the whole file a reject
     * @return the rows, or null for an empty file
     */
    static CsvRows open(Path file, String name, Charset charset, char delimiter, Map<String, String> columns)
            throws IOException, BadFile {
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_EMPTY)
                .get();
        Reader reader = Text.open(file, charset);
        CSVParser parser;
        try {
            parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw badHeader(name, charset, e);
        }
        List<String> header = parser.getHeaderNames().stream().map(String::trim).toList();
        if (header.isEmpty()) {
            parser.close();
            return null;
        }
        Set<String> present = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        present.addAll(header);
        for (Map.Entry<String, String> c : columns.entrySet()) {
            if (!present.contains(c.getKey())) {
                parser.close();
                throw new BadFile(name + " has no column '" + c.getKey() + "' (" + c.getValue() + "); its columns are "
                        + String.join(", ", header.stream().filter(h -> !h.isEmpty()).toList()));
            }
        }
        return new CsvRows(name, charset, parser, header, delimiter);
    }

    private static IOException badHeader(String name, Charset charset, Exception e) throws BadFile {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof CharacterCodingException) {
            throw new BadFile(name + ": the header is not valid " + charset.name() + " text (set encoding, e.g. encoding = windows-1252)");
        }
        if (cause instanceof CSVException || cause instanceof IllegalArgumentException) {
            throw new BadFile(name + ": the header row cannot be read: " + oneLine(cause.getMessage()));
        }
        return cause instanceof IOException io ? io : new IOException(e);
    }

    @Override
    public Row next() throws IOException, BadFile {
        CSVRecord record;
        try {
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (UncheckedIOException e) {
            long row = position + 2;
            if (e.getCause() instanceof CharacterCodingException) {
                throw new BadFile(name + ": from row " + row + " on, the text is not valid " + charset.name()
                        + " (set encoding, e.g. encoding = windows-1252)");
            }
            if (e.getCause() instanceof CSVException) {
                throw new BadFile(name + ": from row " + row + " on, the CSV cannot be read: " + oneLine(e.getCause().getMessage()));
            }
            throw e.getCause();
        }
        position++;
        String id = name + ":" + (position + 1);
        String[] values = record.values();
        String raw = id + ": " + rawText(rawFormat, delimiter, values);
        if (values.length != header.size()) {
            return new Row(position, id, Map.of(), raw, "row " + (position + 1) + " has " + values.length + " value"
                    + (values.length == 1 ? "" : "s") + " but the header has " + header.size() + " columns");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            String column = header.get(i);
            if (!column.isEmpty()) {
                fields.putIfAbsent(column, values[i]);
            }
        }
        return new Row(position, id, fields, raw, null);
    }

    /**
     * The row as CSV text, exactly as {@code format} (RFC 4180, minimal quoting) writes it, but joined
     * by hand when no value needs quotes: the printer cost a fifth of the parsing thread, for a text
     * that is only ever read when the row is rejected.
     */
    static String rawText(CSVFormat format, char delimiter, String[] values) {
        int length = 0;
        for (int i = 0; i < values.length; i++) {
            if (needsQuotes(values[i], i == 0, delimiter)) {
                return format.format((Object[]) values);
            }
            length += values[i].length() + 1;
        }
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                text.append(delimiter);
            }
            text.append(values[i]);
        }
        return text.toString();
    }

    /** When Commons CSV's minimal quoting quotes a value (its printer says why in comments of its own). */
    private static boolean needsQuotes(String value, boolean first, char delimiter) {
        if (value == null) {
            return true;
        }
        if (value.isEmpty()) {
            return first; // an empty first value alone would read as an empty line
        }
        if (value.charAt(0) <= '#' || value.charAt(value.length() - 1) <= ' ') {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '"' || c == delimiter) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void skipTo(long target) throws IOException, BadFile {
        while (position < target && next() != null) {
            // already committed
        }
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("\\s+", " ").trim();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
