package io.vitals.testdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.opentest4j.TestAbortedException;

/**
 * A real PostgreSQL server for tests, from the machine's own PostgreSQL binaries (Debian's
 * {@code postgresql} package): one throwaway cluster per test JVM, copied from a cluster
 * initialised once per machine, listening on 127.0.0.1 at a free port, stopped when the JVM ends.
 * Every {@link #newSchema()} is an empty schema, so tests never see each other's rows. Connections
 * sign in with {@link #USER} and {@link #PASSWORD} (SCRAM), as they would to a real server.
 * <p>
 * {@code VITALS_TEST_POSTGRES_URL} (a JDBC URL with user and password) points the tests at a
 * server of your own instead. Without either, PostgreSQL tests are skipped, except under
 * {@code CI=true}, where a missing server is a failure.
 */
public final class TestPostgres {

    /** The superuser's password: connections over TCP must give it, as they would to a real server. */
    public static final String PASSWORD = "vitals-test-password";
    public static final String USER = "vitals";

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static String baseUrl;
    private static RuntimeException failure;
    private static Process server;
    private static Path dataDir;

    private TestPostgres() {
    }

    /** Schemas given back by finished tests, emptied, with their tables still there. */
    private static final java.util.Deque<String> RELEASED = new java.util.ArrayDeque<>();

    /**
     * A JDBC URL (with user and password) whose current schema is empty: new, or one a finished test
     * gave back and that was emptied.
     */
    public static synchronized String newSchema() {
        if (!RELEASED.isEmpty()) {
            return RELEASED.pop();
        }
        String base = baseUrl();
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test schema: " + e.getMessage(), e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * Gives a schema back for reuse: every table except the schema version is emptied and its ids
     * restart, which is much cheaper than creating and migrating a new schema for every test.
     */
    public static synchronized void release(String url) {
        String schema = url.replaceAll(".*currentSchema=", "");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (var rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
                    + "' AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'")) {
                while (rs.next()) {
                    tables.add("\"" + schema + "\"." + rs.getString(1));
                }
            }
            if (!tables.isEmpty()) {
                st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY");
            }
            RELEASED.push(url);
        } catch (SQLException e) {
            // not reused then; the server is thrown away at the end anyway
        }
    }

    private static String baseUrl() {
        if (baseUrl != null) {
            return baseUrl;
        }
        if (failure != null) {
            throw failure; // tried once in this JVM; do not pay for it on every test
        }
        String given = System.getenv("VITALS_TEST_POSTGRES_URL");
        if (given != null && !given.isBlank()) {
            baseUrl = given.trim();
            return baseUrl;
        }
        Path bin = binaries();
        if (bin == null) {
            String why = "PostgreSQL is not installed (no initdb/postgres under /usr/lib/postgresql/*/bin);"
                    + " install Debian's postgresql package or set VITALS_TEST_POSTGRES_URL";
            failure = "true".equalsIgnoreCase(System.getenv("CI")) ? new IllegalStateException(why) : new TestAbortedException(why);
            throw failure;
        }
        try {
            baseUrl = start(bin);
        } catch (IOException e) {
            failure = new UncheckedIOException("cannot start a PostgreSQL test server: " + e.getMessage(), e);
            throw failure;
        }
        return baseUrl;
    }

    private static Path binaries() {
        String configured = System.getenv("VITALS_PG_BIN");
        if (configured != null && Files.isExecutable(Path.of(configured, "postgres"))) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> version(b.getParent().getFileName().toString())))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** PostgreSQL refuses to run as root; as root, run it as the package's postgres user. */
    private static List<String> asServerUser(List<String> command) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command) throws IOException {
        runAs(asServerUser(command));
    }

    private static void runAs(List<String> command) throws IOException {
        Path log = Files.createTempFile("vitals-pg", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void handOver(Path dir) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            runAs(List.of("chown", "-R", "postgres:", dir.toString()));
        }
    }

    /** The initialised cluster every test JVM copies; made once per machine and PostgreSQL version. */
    private static Path template(Path bin) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String version = bin.getParent().getFileName().toString();
        Path template = tmp.resolve("vitals-pg-template-" + version + "-scram");
        Path lockFile = tmp.resolve("vitals-pg-template-" + version + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (Files.exists(template.resolve("PG_VERSION"))) {
                return template;
            }
            Path staging = Files.createTempDirectory(tmp, "vitals-pg-init");
            Path passwordFile = staging.resolve("password");
            Files.writeString(passwordFile, PASSWORD + "\n");
            handOver(staging);
            run(List.of(bin.resolve("initdb").toString(), "-D", staging.resolve("data").toString(), "-U", USER,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + passwordFile,
                    "-E", "UTF8", "--locale=C", "--no-sync"));
            Files.move(staging.resolve("data"), template);
            Files.delete(passwordFile);
            Files.delete(staging);
            return template;
        }
    }

    private static String start(Path bin) throws IOException {
        Path template = template(bin);
        dataDir = Files.createTempDirectory("vitals-pg-");
        Path data = dataDir.resolve("data");
        Path log = dataDir.resolve("server.log");
        // cp -a keeps the owner and the 0700 mode PostgreSQL insists on
        runAs(List.of("cp", "-a", template.toString(), data.toString()));
        handOver(dataDir);
        int port = freePort();
        List<String> command = List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dataDir, "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200");
        server = new ProcessBuilder(asServerUser(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop, "stop test PostgreSQL"));
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER + "&password=" + PASSWORD;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = DriverManager.getConnection(url)) {
                return url;
            } catch (SQLException e) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL did not start: " + Files.readString(log), e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void stop() {
        if (server == null) {
            return;
        }
        // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(serverPid())).start().waitFor(5, TimeUnit.SECONDS);
            server.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // fall through to a hard stop
        }
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    /** The postmaster's pid: the server process itself, or the child of runuser. */
    private static long serverPid() {
        return "root".equals(System.getProperty("user.name"))
                ? server.children().findFirst().map(ProcessHandle::pid).orElse(server.pid())
                : server.pid();
    }
}
