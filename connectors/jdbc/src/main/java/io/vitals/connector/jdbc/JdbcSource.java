package io.vitals.connector.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.connector.Secret;
import io.vitals.connector.Source;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourceIds;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.tabular.RowMapper;
import io.vitals.connector.tabular.TabularMapping;

/**
 * One kind of canonical record pulled from an existing database by a SELECT in the
 * configuration, incrementally: the query reads the rows after {@code :cursor}, ordered by the
 * cursor column, and each committed page carries the cursor column's value in its last row. It
 * only reads: the query must be one SELECT, and the connection is opened read-only where the
 * driver allows. The driver is loaded by class name through this bundle (a driver bundle in
 * {@code deploy/} is found by dynamic import), never through DriverManager. Configured by
 * {@code etc/vitals.source.jdbc-<id>.cfg}.
 */
public class JdbcSource implements Source {

    static final String PID = "vitals.source.jdbc";
    static final int MAX_PAGE = 100_000;

    /** Drivers known by their URL's sub-protocol. */
    static final Map<String, String> DRIVERS = Map.of(
            "sqlite", "org.sqlite.JDBC",
            "postgresql", "org.postgresql.Driver",
            "mariadb", "org.mariadb.jdbc.Driver",
            "mysql", "com.mysql.cj.jdbc.Driver",
            "sqlserver", "com.microsoft.sqlserver.jdbc.SQLServerDriver",
            "h2", "org.h2.Driver");

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)((?:password|pwd)=)[^&;]*");

    @ObjectClassDefinition(name = "Source: database (JDBC)",
            description = "Pulls one kind of record from an existing database with a SELECT, incrementally on a column. Besides"
                    + " these keys the mapping takes map.<field> = <column>, default.<field> = <value>,"
                    + " value.<field>.<raw> = <value> and dateFormat.<field>.")
    public @interface Config {
        @AttributeDefinition(description = "The source's id (default: the part of the file name after the first dash).")
        String id() default "";

        @AttributeDefinition(description = "The JDBC URL, e.g. jdbc:postgresql://db:5432/app or jdbc:sqlite:data/product.db"
                + " (a relative SQLite path is under the Vitals home).")
        String url() default "";

        @AttributeDefinition(description = "The database user.")
        String user() default "";

        @AttributeDefinition(description = "Where the password is: env:VARIABLE or file:path/to/secrets.properties#key; never the"
                + " password itself.")
        String password() default "";

        @AttributeDefinition(description = "The driver's class name (default: from the URL: org.sqlite.JDBC,"
                + " org.postgresql.Driver...).")
        String driver() default "";

        @AttributeDefinition(description = "One SELECT; :cursor stands for the last value of cursorColumn read, e.g."
                + " SELECT id, account_id, user_id, name, ts FROM events WHERE id > :cursor ORDER BY id")
        String query() default "";

        @AttributeDefinition(description = "The column whose value in a page's last row becomes the cursor; the query must"
                + " ORDER BY it.")
        String cursorColumn() default "";

        @AttributeDefinition(description = "The cursor of the first sync.")
        String cursorStart() default "0";

        @AttributeDefinition(description = "Rows per committed page.", min = "1")
        int pageSize() default 1000;

        @AttributeDefinition(description = "Seconds between syncs on its own; 0 for only on demand.", min = "0")
        long interval() default 0;

        @AttributeDefinition(description = "What the rows are: customers, subscriptions, invoices, survey_responses, tickets,"
                + " users, usage_events, deals, advocacy_events, onboarding_milestones or costs.")
        String entity() default "";

        @AttributeDefinition(description = "How times are written: iso, epoch, epoch_ms or a java.time pattern.")
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

    private final String id;
    private final String configuredUrl;
    private final String url;
    private final String user;
    private final Secret password;
    private final String driverClass;
    private final SqlText.Prepared query;
    private final String cursorColumn;
    private final CursorValue cursorStart;
    private final int pageSize;
    private final Duration interval;
    private final RowMapper mapper;
    private final Map<String, String> settings;
    private volatile Driver driver;

    /**
     * @param properties the configuration as a map, for the mapping's own keys
     * @param home the Vitals home: a relative SQLite path and a {@code file:} secret are under it
     * @throws IllegalArgumentException with a one-line message naming the key and what would be right
     */
    public JdbcSource(Config config, Map<String, ?> properties, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        this.configuredUrl = config.url() == null ? "" : config.url().trim();
        if (!configuredUrl.startsWith("jdbc:") || configuredUrl.indexOf(':', 5) < 0) {
            throw new IllegalArgumentException("url must be a JDBC URL, e.g. url = jdbc:postgresql://db:5432/app or"
                    + " url = jdbc:sqlite:data/product.db" + (configuredUrl.isEmpty() ? "" : "; got '" + masked(configuredUrl) + "'"));
        }
        this.url = resolveSqlite(configuredUrl, home);
        String protocol = configuredUrl.substring(5, configuredUrl.indexOf(':', 5)).toLowerCase(Locale.ROOT);
        String d = config.driver() == null ? "" : config.driver().trim();
        if (d.isEmpty()) {
            d = DRIVERS.get(protocol);
            if (d == null) {
                throw new IllegalArgumentException("driver is needed for jdbc:" + protocol + ": URLs: driver = <the driver's class name>");
            }
        }
        this.driverClass = d;
        this.user = config.user() == null ? "" : config.user().trim();
        String p = config.password() == null ? "" : config.password().trim();
        this.password = p.isEmpty() ? null : Secret.parse("password", p, home);
        this.query = SqlText.prepare(config.query());
        this.cursorColumn = config.cursorColumn() == null ? "" : config.cursorColumn().trim();
        if (query.cursorParameters() > 0 && cursorColumn.isEmpty()) {
            throw new IllegalArgumentException("cursorColumn is required when the query uses :cursor: the column whose last value"
                    + " the next sync starts after (e.g. cursorColumn = id)");
        }
        if (query.cursorParameters() == 0 && !cursorColumn.isEmpty()) {
            throw new IllegalArgumentException("the query has no :cursor for cursorColumn = " + cursorColumn + ": add e.g. WHERE "
                    + cursorColumn + " > :cursor ORDER BY " + cursorColumn + ", or leave cursorColumn out to read every row each sync");
        }
        this.cursorStart = CursorValue.start(config.cursorStart());
        if (config.pageSize() < 1 || config.pageSize() > MAX_PAGE) {
            throw new IllegalArgumentException("pageSize must be between 1 and " + MAX_PAGE + "; got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        TabularMapping mapping = TabularMapping.of(properties, false);
        if (mapping.complete() && !cursorColumn.isEmpty()) {
            throw new IllegalArgumentException("complete = true needs a query that reads every row at each sync; with cursorColumn = "
                    + cursorColumn + " it reads only the rows after the cursor, so a row it did not read may still be there");
        }
        this.mapper = new RowMapper(id, mapping);

        Map<String, String> s = new LinkedHashMap<>();
        s.put("url", masked(configuredUrl));
        if (!user.isEmpty()) {
            s.put("user", user);
        }
        if (password != null) {
            s.put("password", password.reference());
        }
        s.put("driver", driverClass);
        s.put("query", config.query().trim());
        if (!cursorColumn.isEmpty()) {
            s.put("cursorColumn", cursorColumn);
            s.put("cursorStart", cursorStart.value());
        }
        s.put("pageSize", String.valueOf(pageSize));
        s.put("interval", String.valueOf(interval.toSeconds()));
        s.putAll(mapping.settings());
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return Path.of(home == null || home.isBlank() ? "." : home);
    }

    /** A relative SQLite file is under the Vitals home. */
    static String resolveSqlite(String url, Path home) {
        String prefix = "jdbc:sqlite:";
        if (!url.regionMatches(true, 0, prefix, 0, prefix.length()) || home == null) {
            return url;
        }
        String rest = url.substring(prefix.length());
        String file = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:") || Path.of(file).isAbsolute()) {
            return url;
        }
        return prefix + home.resolve(file).toAbsolutePath().normalize() + rest.substring(file.length());
    }

    /** The URL with any password parameter hidden. */
    static String masked(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1***");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return "jdbc";
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
        String secret = null;
        try {
            if (password != null) {
                try {
                    secret = password.reveal();
                } catch (IllegalStateException e) {
                    throw new SourceException("password (" + password.reference() + "): " + e.getMessage());
                }
            }
            try (Connection c = connect(secret)) {
                mapper.newPass(); // a second row with an id read earlier in this run is a duplicate
                read(c, context);
            }
        } catch (SQLException e) {
            throw new SourceException(scrub(describe(e), secret)); // no cause: a driver's messages down the chain could hold anything
        } catch (RuntimeException e) {
            if (secret != null && !secret.isEmpty() && String.valueOf(e.getMessage()).contains(secret)) {
                throw new SourceException(scrub(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), secret));
            }
            throw e;
        }
    }

    /** Opens the database read-only where the driver allows. */
    Connection connect(String secret) throws SQLException, SourceException {
        Properties props = new Properties();
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (secret != null) {
            props.setProperty("password", secret);
        }
        if (driverClass.equals("org.sqlite.JDBC")) {
            props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: no writes, and no empty database made at a wrong path
        }
        Connection c = driver().connect(url, props);
        if (c == null) {
            throw new SourceException("the driver " + driverClass + " does not take the url " + masked(configuredUrl));
        }
        try {
            c.setReadOnly(true);
        } catch (SQLException e) {
            // the driver cannot say so; the query check still holds
        }
        try {
            c.setAutoCommit(false); // lets drivers such as PostgreSQL stream rows by the fetch size
        } catch (SQLException e) {
            // reads in autocommit then
        }
        return c;
    }

    private Driver driver() throws SourceException {
        Driver d = driver;
        if (d == null) {
            try {
                Class<?> type = Class.forName(driverClass, true, JdbcSource.class.getClassLoader());
                d = (Driver) type.getDeclaredConstructor().newInstance();
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                throw new SourceException("the JDBC driver " + driverClass + " is not installed: put its jar in deploy/");
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new SourceException("cannot load the JDBC driver " + driverClass + ": " + e);
            }
            driver = d;
        }
        return d;
    }

    /**
     * Runs the query after the cursor and commits the rows in pages. A page ends at a change of
     * the cursor column's value, so the committed cursor means every row up to it is in: a page
     * that fills up inside a run of equal values is committed with the value before the run.
     */
    private void read(Connection c, SyncContext context) throws SQLException, SourceException {
        CursorValue committed = context.cursor().map(CursorValue::parse).orElse(null);
        CursorValue from = committed != null ? committed : cursorStart;
        try (PreparedStatement ps = c.prepareStatement(query.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(pageSize);
            for (int i = 1; i <= query.cursorParameters(); i++) {
                from.bind(ps, i);
            }
            try (ResultSet rs = ps.executeQuery()) {
                Columns columns = new Columns(rs.getMetaData());
                int cursorIndex = -1;
                if (!cursorColumn.isEmpty()) {
                    cursorIndex = columns.indexOf(cursorColumn);
                    if (cursorIndex < 0) {
                        throw new SourceException("the query returns no column " + cursorColumn + " (cursorColumn); it returns "
                                + String.join(", ", columns.names()));
                    }
                }
                SourcePage page = new SourcePage();
                CursorValue last = null;
                CursorValue beforeRun = from;
                while (rs.next()) {
                    Object[] values = columns.values(rs);
                    CursorValue value = cursorIndex < 0 ? null : CursorValue.of(values[cursorIndex]);
                    if (value != null && last != null && value.compareTo(last) < 0) {
                        throw new SourceException("the query must return its rows in order of " + cursorColumn + " (ORDER BY "
                                + cursorColumn + "): " + value + " came after " + last);
                    }
                    boolean newRun = value != null && (last == null || value.compareTo(last) != 0);
                    if (page.size() >= pageSize) {
                        CursorValue at = cursorIndex < 0 ? null : newRun ? (last != null ? last : beforeRun) : beforeRun;
                        context.commit(page.cursor(at == null ? null : at.text()));
                        page = new SourcePage();
                        if (context.stopping()) {
                            return;
                        }
                    }
                    if (newRun) {
                        if (last != null) {
                            beforeRun = last;
                        }
                        last = value;
                    }
                    Map<String, String> row = columns.fields(values);
                    mapper.addTo(page, row, null, RowMapper.describe(row));
                }
                if (mapper.mapping().complete()) {
                    // every row was read: a customer or subscription the query no longer returns was deleted at the source
                    String entity = mapper.mapping().entity() == io.vitals.connector.tabular.Entity.CUSTOMERS ? "customers" : "subscriptions";
                    mapper.addDeletions(page, context.liveIds(entity), "the query's rows");
                }
                if (!page.isEmpty()) {
                    CursorValue at = last != null ? last : cursorIndex < 0 ? null : from;
                    context.commit(page.cursor(at == null ? null : at.text()));
                }
            }
        } finally {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback(); // nothing was written: end the read transaction
                }
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String line = m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m).trim();
        return "database error: " + line;
    }

    /** A message with the password taken out, should a driver ever repeat it. */
    static String scrub(String message, String secret) {
        if (message == null || secret == null || secret.isEmpty()) {
            return message;
        }
        return message.replace(secret, "***");
    }

    @Override
    public String toString() {
        return "jdbc source " + id + " (" + masked(configuredUrl) + ")";
    }
}
