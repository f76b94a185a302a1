package io.vitals.connector.file;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.connector.Source;
import io.vitals.connector.SourceSettings;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourceIds;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.tabular.RowMapper;
import io.vitals.connector.tabular.TabularMapping;

/**
 * CSV and JSON Lines from one file or a folder, mapped to one kind of canonical record. A folder
 * is read file by file in name order, and every sync picks up the files added since, so a folder
 * with an interval is a watched drop folder. The cursor knows which files are done and how many
 * rows of the current one are committed; a file that was replaced (another size, time or start)
 * is read again from its first row, which upserts make harmless. Configured by
 * {@code etc/vitals.source.file-<id>.cfg}.
 */
public class FileSource implements Source {

    static final String PID = "vitals.source.file";
    static final int MAX_PAGE = 100_000;

    @ObjectClassDefinition(name = "Source: files (CSV, JSON Lines)",
            description = "Reads CSV or JSON Lines files and maps each row to a canonical record. Besides these keys the mapping"
                    + " takes map.<field> = <column>, default.<field> = <value>, value.<field>.<raw> = <value>,"
                    + " dateFormat.<field> and, for customers, map.attributes = <columns> and attribute.<name> = <column>.")
    public @interface Config {
        @AttributeDefinition(description = "The source's id (default: the part of the file name after the first dash).")
        String id() default "";

        @AttributeDefinition(description = "A file, or a folder read file by file in name order; relative to the Vitals home.")
        String path() default "";

        @AttributeDefinition(description = "auto (by extension: .csv, .tsv, .jsonl, .ndjson), csv or jsonl.")
        String format() default "auto";

        @AttributeDefinition(description = "The CSV delimiter: one character, or tab.")
        String delimiter() default ",";

        @AttributeDefinition(description = "The files' encoding when they have no byte-order mark.")
        String encoding() default "UTF-8";

        @AttributeDefinition(description = "Rows per committed page.", min = "1")
        int pageSize() default 1000;

        @AttributeDefinition(description = "Seconds between syncs on its own; 0 for only on demand.", min = "0")
        long interval() default 0;

        @AttributeDefinition(description = "What the rows are: customers, subscriptions, invoices, survey_responses, tickets,"
                + " users, usage_events, deals, advocacy_events, onboarding_milestones or costs.")
        String entity() default "";

        @AttributeDefinition(description = "How times are written: iso, epoch, epoch_ms, a java.time pattern such as MM/dd/yyyy,"
                + " or months_before:<date>.")
        String dateFormat() default "iso";

        @AttributeDefinition(description = "The time zone of dates and local date-times.")
        String timezone() default "UTC";

        @AttributeDefinition(description = "major (\"49.90\" is 49.90) or minor (amounts already in cents).")
        String amountsIn() default "major";

        @AttributeDefinition(description = "The source whose customer ids the customer column holds (default: this source).")
        String customerSource() default "";

        @AttributeDefinition(description = "What the customer column holds: id or email.")
        String customerBy() default "id";

        @AttributeDefinition(description = "Set by FileInstall: the configuration file.")
        String felix_fileinstall_filename() default "";
    }

    enum Format { AUTO, CSV, JSONL }

    private final String id;
    private final String configuredPath;
    private final Path path;
    private final Format format;
    private final char delimiter;
    private final Charset encoding;
    private final int pageSize;
    private final Duration interval;
    private final RowMapper mapper;
    private final Map<String, String> settings;

    /**
     * @param properties the configuration as a map, for the mapping's own keys
     * @param home the Vitals home, against which a relative path is resolved
     * @throws IllegalArgumentException with a one-line message naming the key and what would be right
     */
    public FileSource(Config config, Map<String, ?> properties, Path home) {
        this(config, properties, home, List.of());
    }

    /** @param allowedRoots folders outside the home the file may be in ({@link SourceSettings#ALLOWED_ROOTS_PROPERTY}) */
    public FileSource(Config config, Map<String, ?> properties, Path home, List<Path> allowedRoots) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        this.configuredPath = config.path() == null ? "" : config.path().trim();
        if (configuredPath.isEmpty()) {
            throw new IllegalArgumentException("path is required: a file or folder, relative to the Vitals home"
                    + " (e.g. path = imports/tickets.csv)");
        }
        this.path = SourceSettings.localPath("path", configuredPath, home, allowedRoots);
        String f = config.format() == null ? "auto" : config.format().trim().toLowerCase(Locale.ROOT);
        this.format = switch (f) {
            case "", "auto" -> Format.AUTO;
            case "csv", "tsv" -> Format.CSV;
            case "jsonl", "ndjson", "json-lines", "jsonlines" -> Format.JSONL;
            default -> throw new IllegalArgumentException("format must be auto, csv or jsonl; got '" + config.format().trim() + "'");
        };
        this.delimiter = delimiter(config.delimiter(), f.equals("tsv"));
        try {
            this.encoding = Charset.forName(config.encoding() == null || config.encoding().isBlank() ? "UTF-8" : config.encoding().trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("encoding = " + config.encoding().trim() + " is not a character set this Java knows"
                    + " (e.g. UTF-8, ISO-8859-1, windows-1252)");
        }
        if (config.pageSize() < 1 || config.pageSize() > MAX_PAGE) {
            throw new IllegalArgumentException("pageSize must be between 1 and " + MAX_PAGE + "; got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        TabularMapping mapping = TabularMapping.of(properties, true);
        this.mapper = new RowMapper(id, mapping);

        Map<String, String> s = new LinkedHashMap<>();
        s.put("path", configuredPath);
        s.put("format", format.name().toLowerCase(Locale.ROOT));
        s.put("delimiter", delimiter == '\t' ? "tab" : String.valueOf(delimiter));
        s.put("encoding", encoding.name());
        s.put("pageSize", String.valueOf(pageSize));
        s.put("interval", String.valueOf(interval.toSeconds()));
        s.putAll(mapping.settings());
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return Path.of(home == null || home.isBlank() ? "." : home);
    }

    private static char delimiter(String text, boolean tsv) {
        String d = text == null ? "" : text;
        if (d.equals("\\t") || d.equalsIgnoreCase("tab") || d.equals("\t") || (tsv && d.equals(","))) {
            return '\t';
        }
        if (d.isEmpty()) {
            return ',';
        }
        if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
            throw new IllegalArgumentException("delimiter must be one character other than a quote (e.g. , or ; or |) or tab; got '"
                    + d + "'");
        }
        return d.charAt(0);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void sync(SyncContext context) throws Exception {
        if (!Files.exists(path)) {
            throw new SourceException(configuredPath + " does not exist (path is relative to the Vitals home)");
        }
        List<Path> files = Files.isDirectory(path) ? list(path) : List.of(path);
        FileCursor cursor = FileCursor.parse(context.cursor().orElse(null));
        cursor.retain(files.stream().map(FileSource::name).toList());
        for (Path file : files) {
            if (context.stopping()) {
                return;
            }
            String name = name(file);
            Fingerprint fingerprint;
            try {
                fingerprint = Fingerprint.of(file);
            } catch (IOException e) {
                throw new SourceException("cannot read " + name + ": " + reason(e), 0, e);
            }
            FileCursor.State state = cursor.get(name);
            long start = 0;
            if (state != null && state.fingerprint().equals(fingerprint)) {
                if (state.done()) {
                    continue;
                }
                start = state.rows();
            }
            if (!read(file, name, fingerprint, start, cursor, context)) {
                return;
            }
        }
    }

    /** The folder's files of the format, in name order; hidden and temporary files are left out. */
    private List<Path> list(Path folder) throws SourceException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> !temporary(name(p)))
                    .filter(p -> formatOf(name(p)) != null)
                    .sorted((a, b) -> name(a).compareTo(name(b)))
                    .toList();
        } catch (IOException e) {
            throw new SourceException("cannot list " + configuredPath + ": " + reason(e), 0, e);
        }
    }

    private static boolean temporary(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith(".") || n.startsWith("~") || n.endsWith("~") || n.endsWith(".tmp") || n.endsWith(".part")
                || n.endsWith(".partial") || n.endsWith(".crdownload");
    }

    /** The format a file is read in, or null when a folder's file is not of the format. */
    private Format formatOf(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean csv = n.endsWith(".csv") || n.endsWith(".tsv");
        boolean jsonl = n.endsWith(".jsonl") || n.endsWith(".ndjson");
        return switch (format) {
            case AUTO -> csv ? Format.CSV : jsonl ? Format.JSONL : null;
            case CSV -> csv || n.endsWith(".txt") ? Format.CSV : null;
            case JSONL -> jsonl || n.endsWith(".json") ? Format.JSONL : null;
        };
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    /** Put after a file's last page: the parser is done (or failed, see its failure). */
    private static final SourcePage PARSED = new SourcePage();

    /**
     * Reads one file from row {@code start}, committing a page every {@code pageSize} rows and the
     * last with the file done. The next page is parsed on a second thread while the store writes
     * this one: parsing, mapping and checking rows take about as long as writing them (profiled on
     * a million usage events), and each page is still committed in file order with its cursor.
     * @return false when asked to stop
     */
    private boolean read(Path file, String name, Fingerprint fingerprint, long start, FileCursor cursor, SyncContext context)
            throws SourceException {
        Format f = Files.isDirectory(path) ? formatOf(name) : format != Format.AUTO ? format : formatOf(name);
        if (f == null) {
            throw new SourceException("cannot tell the format of " + name + " from its extension: set format = csv or jsonl");
        }
        BlockingQueue<SourcePage> pages = new ArrayBlockingQueue<>(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread parser = new Thread(() -> {
            try {
                parse(file, name, f, fingerprint, start, cursor, pages, () -> context.liveIds(
                        mapper.mapping().entity() == io.vitals.connector.tabular.Entity.CUSTOMERS ? "customers" : "subscriptions"));
            } catch (SourceException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                return; // the sync stopped taking pages
            } catch (RuntimeException e) {
                failure.set(new SourceException("cannot read " + name + ": " + e, 0, e));
            } catch (Error e) {
                failure.set(e); // rethrown on the sync thread, as before the parser had a thread of its own
            }
            try {
                pages.put(PARSED);
            } catch (InterruptedException e) {
                // the sync stopped taking pages
            }
        }, "vitals-file-" + id);
        parser.setDaemon(true);
        parser.start();
        try {
            SourcePage page;
            while ((page = pages.take()) != PARSED) {
                context.commit(page);
                if (context.stopping()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            parser.interrupt();
            try {
                parser.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() instanceof SourceException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return true;
    }

    /** Parses the file into pages, each with the cursor after its last row, and puts them in order. */
    private void parse(Path file, String name, Format f, Fingerprint fingerprint, long start, FileCursor cursor,
            BlockingQueue<SourcePage> pages, java.util.function.Supplier<java.util.Set<String>> liveIds)
            throws SourceException, InterruptedException {
        SourcePage page = new SourcePage();
        long position = start;
        mapper.newPass(); // a second row with an id read earlier in this file is a duplicate
        try (RowReader rows = open(file, name, f)) {
            if (rows != null) {
                rows.skipTo(start);
                RowReader.Row row;
                while ((row = rows.next()) != null) {
                    position = row.position();
                    if (row.problem() != null) {
                        page.reject(row.raw(), row.problem());
                    } else {
                        mapper.addTo(page, row.fields(), row.id(), row.raw());
                    }
                    if (page.size() >= pageSize) {
                        cursor.put(name, fingerprint, position, false);
                        pages.put(page.cursor(cursor.text()));
                        page = new SourcePage();
                    }
                }
            }
            if (start == 0 && mapper.mapping().complete() && rows != null && !Files.isDirectory(path)) {
                // the whole file was read: a customer or subscription it no longer holds was deleted at the source
                mapper.addDeletions(page, liveIds.get(), name);
            }
        } catch (RowReader.BadFile bad) {
            page.reject(name, bad.getMessage());
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + ": " + reason(e), 0, e);
        }
        cursor.put(name, fingerprint, position, true);
        pages.put(page.cursor(cursor.text()));
    }

    private RowReader open(Path file, String name, Format f) throws IOException, RowReader.BadFile {
        if (f == Format.JSONL) {
            return new JsonLinesRows(file, name, encoding);
        }
        char d = delimiter == ',' && name.toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : delimiter;
        return CsvRows.open(file, name, encoding, d, mapper.mapping().columns());
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    @Override
    public String toString() {
        return "file source " + id + " (" + configuredPath + ")";
    }
}
