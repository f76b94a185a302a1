package io.vitals.connector.usage;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.Source;
import io.vitals.connector.SourceSettings;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourceIds;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;

/**
 * Product usage from a drop folder of Segment-style JSON Lines files ({@code *.jsonl},
 * {@code *.ndjson}, and the same gzipped): track calls become usage events, and the users they,
 * identify calls and group calls name become product users of their accounts. Configured by
 * {@code etc/vitals.source.usage-<id>.cfg}:
 *
 * <pre>
 * folder = data/usage
 * customerSource = billing
 * interval = 300
 * </pre>
 *
 * <p>Files are read in name order, streamed line by line (never loaded whole), a page of
 * {@code pageSize} lines at a time; each page commits with the cursor, which keeps for every file
 * the byte offset and line number after its last committed line (see {@link UsageCursor}). So a
 * file a collector appends to is read on from where the last sync stopped, files added later are
 * picked up, and a sync that died resumes at the line after the last committed page. A last line
 * without its newline is a line still being written: it is left for a later sync, unless the file
 * has not changed for {@code settleSeconds}. Files are kept where they are, unless
 * {@code archive = true} moves each one, once read to its end and committed, into {@code done/}.
 */
public class UsageSource implements Source {

    static final String PID = "vitals.source.usage";
    static final String KIND = "usage";
    static final int MAX_PAGE = 100_000;
    static final String DEFAULT_ACCOUNT_PATHS = "context.groupId, properties.accountId, properties.groupId";
    /** How much of a file's start tells it from another. */
    static final int HEAD = 1024;

    @ObjectClassDefinition(name = "Source: product usage (Segment JSON Lines)",
            description = "Product usage events and users from a drop folder of Segment-style JSON Lines files (track, identify"
                    + " and group calls, optionally gzipped), streamed in name order; files a collector appends to are read on"
                    + " where the last sync stopped. Feeds DAU, MAU, stickiness, adoption, feature adoption and time to first"
                    + " value. One file etc/vitals.source.usage-<id>.cfg per folder.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.usage-' (vitals.source.usage-product.cfg is the source 'product').")
        String id() default "";

        @AttributeDefinition(name = "Folder", description = "The drop folder, relative to the Vitals home unless absolute. Its"
                + " *.jsonl, *.ndjson, *.jsonl.gz and *.ndjson.gz files are read in name order; hidden and temporary files"
                + " (.tmp, .part) are left alone.")
        String folder() default "data/usage";

        @AttributeDefinition(name = "Page size", description = "Lines per committed page.", min = "1", max = "100000")
        int pageSize() default 5000;

        @AttributeDefinition(name = "Account paths", description = "Where a call names its account, comma-separated, tried in"
                + " order (dot paths into the call). A track call with none of them is rejected; identify calls also look at"
                + " traits.company.id; group calls use their groupId.")
        String accountPath() default DEFAULT_ACCOUNT_PATHS;

        @AttributeDefinition(name = "Customer source", description = "The source whose customer ids the account ids are, usually"
                + " the CRM or billing source (e.g. billing, hubspot-main). Empty: customers of this source itself. Events and"
                + " users of an account with no such customer are rejected with that reason.")
        String customerSource() default "";

        @AttributeDefinition(name = "Event names", description = "asis keeps event names as written (\"Report Built\");"
                + " snake_case stores them as report_built, the style of the KPIs' defaults (time to first value: create_report).")
        String eventNames() default "asis";

        @AttributeDefinition(name = "Archive", description = "true: move each file, once read to its end and committed, into the"
                + " folder's done/ subfolder (so the folder holds only what is still to read); false: leave files where they"
                + " are (nothing is moved or lost; a file that grows is read on).")
        boolean archive() default false;

        @AttributeDefinition(name = "Settle time", description = "Seconds after which a file's last line without a newline is"
                + " taken as complete (the file has not changed for that long); before, it is a line still being written and is"
                + " left for a later sync. -1: only lines ending in a newline are read.", min = "-1")
        long settleSeconds() default 300;

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final String configuredFolder;
    private final Path folder;
    private final int pageSize;
    private final List<String> accountPaths;
    private final String customerSource;
    private final UsageMapping.EventNames eventNames;
    private final boolean archive;
    private final long settleSeconds;
    private final Duration interval;
    private final Map<String, String> settings;
    private volatile Clock clock = Clock.systemUTC();

    /**
     * @param home the Vitals home, against which a relative folder is resolved
     * @throws IllegalArgumentException naming the key that is wrong and what would be right
     */
    UsageSource(Config config, Path home) {
        this(config, home, List.of());
    }

    UsageSource(Config config, Path home, List<Path> allowedRoots) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        this.configuredFolder = config.folder() == null ? "" : config.folder().trim();
        if (configuredFolder.isEmpty()) {
            throw new IllegalArgumentException("folder is required: the drop folder of the JSON Lines files, relative to the"
                    + " Vitals home (e.g. folder = data/usage)");
        }
        this.folder = SourceSettings.localPath("folder", configuredFolder, home, allowedRoots);
        if (config.pageSize() < 1 || config.pageSize() > MAX_PAGE) {
            throw new IllegalArgumentException("pageSize must be from 1 to " + MAX_PAGE + " lines; got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        this.accountPaths = paths(config.accountPath());
        this.customerSource = config.customerSource() == null || config.customerSource().isBlank() ? id
                : customerSource(config.customerSource().trim());
        String names = config.eventNames() == null ? "" : config.eventNames().trim().toLowerCase(Locale.ROOT);
        this.eventNames = switch (names) {
            case "", "asis", "as-is", "as_is" -> UsageMapping.EventNames.ASIS;
            case "snake_case", "snake", "snake-case" -> UsageMapping.EventNames.SNAKE_CASE;
            default -> throw new IllegalArgumentException("eventNames must be asis (\"Report Built\" stays as it is) or snake_case"
                    + " (report_built); got '" + config.eventNames().trim() + "'");
        };
        this.archive = config.archive();
        if (config.settleSeconds() < -1) {
            throw new IllegalArgumentException("settleSeconds must be -1 (never read a last line without its newline) or a number"
                    + " of seconds; got " + config.settleSeconds());
        }
        this.settleSeconds = config.settleSeconds();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("folder", configuredFolder);
        s.put("pageSize", String.valueOf(pageSize));
        s.put("accountPath", String.join(", ", accountPaths));
        s.put("customerSource", customerSource);
        s.put("eventNames", eventNames.name().toLowerCase(Locale.ROOT));
        s.put("archive", String.valueOf(archive));
        s.put("settleSeconds", String.valueOf(settleSeconds));
        s.put("interval", String.valueOf(config.interval()));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return Path.of(home == null || home.isBlank() ? "." : home);
    }

    private static List<String> paths(String configured) {
        List<String> out = new ArrayList<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (!p.matches("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*")) {
                throw new IllegalArgumentException("accountPath must list dot paths into a call, such as context.groupId or"
                        + " properties.accountId; got '" + p + "'");
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("accountPath must name where calls carry their account, e.g. accountPath = "
                    + DEFAULT_ACCOUNT_PATHS);
        }
        return List.copyOf(out);
    }

    private static String customerSource(String configured) {
        try {
            return SourceIds.of(configured, "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("customerSource must be a source id such as billing or hubspot-main; got '"
                    + configured + "'");
        }
    }

    /** For tests: the clock files settle by. */
    UsageSource clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return KIND;
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
        if (!Files.isDirectory(folder)) {
            throw new SourceException("folder " + configuredFolder + (Files.exists(folder) ? " is not a folder"
                    : " does not exist") + " (a relative folder is under the Vitals home)");
        }
        List<Path> files = list();
        UsageCursor cursor = UsageCursor.parse(context.cursor().orElse(null), JSON);
        if (cursor.retain(files.stream().map(UsageSource::name).toList())) {
            // files gone (moved away, deleted): forget them, so a new file of the same name starts from its first line
            context.commit(new SourcePage().cursor(cursor.text(JSON)));
        }
        UsageMapping mapping = new UsageMapping(id, customerSource, accountPaths, eventNames, JSON.getFactory());
        for (Path file : files) {
            if (context.stopping() || !read(file, cursor, mapping, context)) {
                return;
            }
        }
    }

    /** The folder's files to read, in name order. */
    private List<Path> list() throws SourceException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> readable(name(p)))
                    .sorted((a, b) -> name(a).compareTo(name(b)))
                    .toList();
        } catch (IOException e) {
            throw new SourceException("cannot list " + configuredFolder + ": " + reason(e), 0, e);
        }
    }

    static boolean readable(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith(".") || n.startsWith("~")) {
            return false;
        }
        return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson.gz");
    }

    private static boolean gzip(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    /**
     * Reads one file on from where its cursor stands, committing a page every {@code pageSize}
     * lines and one at the end. @return false when asked to stop
     */
    private boolean read(Path file, UsageCursor cursor, UsageMapping mapping, SyncContext context) throws SourceException {
        String name = name(file);
        boolean gz = gzip(name);
        long size;
        UsageCursor.State state = cursor.get(name);
        long start = 0;
        long line = 0;
        try {
            size = Files.size(file);
            if (state != null && size >= state.size() && state.head().equals(head(file, state.headLength()))) {
                start = state.offset();
                line = state.line();
                if (size == state.size() && state.whole()) {
                    return archive(file, name, cursor, context); // read as far as it goes, and unchanged since
                }
            } else {
                state = null; // new, or replaced by another file: from its first line
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            return !context.stopping(); // moved away since the folder was listed
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + ": " + reason(e), 0, e);
        }
        int headLength = (int) Math.min(HEAD, size);
        String head;
        boolean settled;
        try {
            head = head(file, headLength);
            settled = settleSeconds >= 0 && Files.getLastModifiedTime(file).toMillis() <= clock.millis() - settleSeconds * 1000;
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + ": " + reason(e), 0, e);
        }
        UsageMapping.Page page = mapping.page();
        long committed = start;
        boolean ended = false;
        String cutShort = null;
        try (LineReader lines = new LineReader(open(file, gz, start), start)) {
            while (true) {
                boolean more;
                try {
                    more = lines.next();
                } catch (EOFException | ZipException e) {
                    if (!gz) {
                        throw e;
                    }
                    cutShort = name + ": the gzip stream ends early after line " + line + " (still being written, or cut short):"
                            + " the rest is read once the file is whole";
                    break;
                }
                if (!more) {
                    ended = true;
                    break;
                }
                if (!lines.terminated() && !gz && !settled) {
                    break; // a line still being written: a later sync reads it whole
                }
                line++;
                if (!blank(lines.bytes(), lines.length())) {
                    page.line(name, line, lines.bytes(), lines.length());
                }
                committed = lines.end();
                if (page.lines() >= pageSize) {
                    cursor.put(name, new UsageCursor.State(committed, line, gz ? size : committed, head, headLength, false));
                    context.commit(page.finish(cursor.text(JSON)));
                    page = mapping.page();
                    if (context.stopping()) {
                        return false;
                    }
                }
            }
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + " after line " + line + ": " + reason(e), 0, e);
        }
        if (cutShort != null) {
            page.reject(name, cutShort);
        }
        UsageCursor.State now = new UsageCursor.State(committed, line, gz ? size : committed, head, headLength, ended);
        if (page.lines() > 0 || cutShort != null || !now.equals(state)) {
            cursor.put(name, now);
            context.commit(page.finish(cursor.text(JSON)));
        }
        return archive(file, name, cursor, context);
    }

    /**
     * With {@code archive = true}, moves a file read to its very end and committed into
     * {@code done/} (unless it changed meanwhile) and forgets it. @return false when asked to stop
     */
    private boolean archive(Path file, String name, UsageCursor cursor, SyncContext context) throws SourceException {
        UsageCursor.State state = cursor.get(name);
        if (!archive || context.stopping() || state == null || !state.whole()) {
            return !context.stopping();
        }
        try {
            if (Files.size(file) != (gzip(name) ? state.size() : state.offset())) {
                return true; // it grew since: read on next time
            }
            Path done = folder.resolve("done");
            Files.createDirectories(done);
            Path target = done.resolve(name);
            if (Files.exists(target)) {
                target = done.resolve(name + "." + clock.millis());
            }
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SourceException("cannot move " + name + " into " + configuredFolder + "/done: " + reason(e), 0, e);
        }
        cursor.remove(name);
        context.commit(new SourcePage().cursor(cursor.text(JSON)));
        return !context.stopping();
    }

    private static InputStream open(Path file, boolean gz, long start) throws IOException {
        if (!gz) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            return Channels.newInputStream(channel);
        }
        InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024), 64 * 1024);
        long left = start;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    in.close();
                    throw new EOFException("the file is shorter than what was read of it before");
                }
                n = 1;
            }
            left -= n;
        }
        return in;
    }

    /** A hash of the file's first {@code length} bytes. */
    private static String head(Path file, int length) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[length];
        int read = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (read < length && (n = in.read(buffer, read, length - read)) > 0) {
                read += n;
            }
        }
        sha.update(buffer, 0, read);
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }

    /** True for a line of white space only (or a byte-order mark alone). */
    private static boolean blank(byte[] bytes, int length) {
        int from = length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        for (int i = from; i < length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    @Override
    public String toString() {
        return "usage source " + id + " (" + configuredFolder + ")";
    }
}
