package io.vitals.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;

import io.vitals.launcher.VitalsRuntime;

/** The distribution this build produced, copied into a test's own folder so tests never share state. */
final class Distribution {

    /** Every test pins "today" so the demo dataset, and so every expected number, is the same on every run. */
    static final String TODAY = "2026-06-01";

    private Distribution() {
    }

    static Path built() {
        Path dist = Path.of(System.getProperty("vitals.dist", "target/vitals"));
        if (!Files.isDirectory(dist.resolve("bundle"))) {
            throw new IllegalStateException("no distribution at " + dist.toAbsolutePath() + "; run mvn verify");
        }
        return dist;
    }

    /** A fresh home with a demo dataset of {@code customers} customers. */
    static Path copy(Path folder, int customers) {
        Path home = folder.resolve("vitals");
        Path from = built();
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (from.relativize(dir).startsWith("data") && !dir.equals(from.resolve("data"))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(home.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (from.relativize(file).startsWith("data")) {
                        return FileVisitResult.CONTINUE; // a home starts with no data of its own
                    }
                    Files.copy(file, home.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
            write(home.resolve("etc/vitals.demo.cfg"), "loadWhenEmpty = true\ncustomers = " + customers
                    + "\nseed = 42\nmonths = 24\nusagePerCustomer = 40\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    /** Runtimes started in this JVM, by home: checks on their store must use their own SQLite. */
    private static final java.util.Map<Path, VitalsRuntime> RUNNING = new java.util.concurrent.ConcurrentHashMap<>();

    static VitalsRuntime start(Path home) {
        return start(home, false);
    }

    /** Started with HTTP on (etc/vitals.http.cfg's address and port), as bin/vitals serve does. */
    static VitalsRuntime start(Path home, boolean http) {
        VitalsRuntime runtime = VitalsRuntime.home(home).property("vitals.today", TODAY).http(http)
                .settleTimeout(Duration.ofMinutes(2)).start();
        RUNNING.put(home.toAbsolutePath().normalize(), runtime);
        return runtime;
    }

    /** Points etc/vitals.http.cfg at a free port on 127.0.0.1 (with the shipped tokens file) and returns the port. */
    static int httpOnFreePort(Path home) {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(home.resolve("etc/vitals.http.cfg"), "address = 127.0.0.1\nport = " + port + "\ntokens = etc/vitals.http.tokens\n");
        return port;
    }

    /**
     * A file source of NPS answers (columns id, email, score, at) at {@code path} under the home, as
     * {@code etc/vitals.source.file-<id>.cfg}, with any further settings.
     */
    static void npsAnswersSource(Path home, String id, String path, String more) {
        write(home.resolve("etc/vitals.source.file-" + id + ".cfg"), "path = " + path + "\n" + """
                entity = survey_responses
                default.type = nps
                map.externalId = id
                map.email = email
                map.score = score
                map.answeredAt = at
                """ + more);
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A plain JDBC connection to the store, for computing expected numbers with the test's own SQL,
     * independently of Vitals. When that store belongs to a runtime in this JVM, the connection goes
     * through the runtime's own SQLite driver: two copies of SQLite in one process on one file
     * release each other's POSIX locks, and the database would suffer for it.
     */
    static Connection store(Path home) throws SQLException {
        String url = "jdbc:sqlite:" + home.resolve("data/vitals.db");
        VitalsRuntime runtime = RUNNING.get(home.toAbsolutePath().normalize());
        if (runtime == null || (runtime.framework().getState() & org.osgi.framework.Bundle.ACTIVE) == 0) {
            return DriverManager.getConnection(url);
        }
        for (org.osgi.framework.Bundle b : runtime.framework().getBundleContext().getBundles()) {
            if ("org.xerial.sqlite-jdbc".equals(b.getSymbolicName())) {
                try {
                    java.sql.Driver driver = (java.sql.Driver) b.loadClass("org.sqlite.JDBC").getDeclaredConstructor().newInstance();
                    return driver.connect(url, new java.util.Properties());
                } catch (ReflectiveOperationException e) {
                    throw new SQLException("cannot load the runtime's SQLite driver", e);
                }
            }
        }
        throw new SQLException("the runtime has no SQLite bundle");
    }

    /** The one value of a query on a home's store, by plain JDBC. */
    static Object value(Path home, String sql) {
        try (Connection c = store(home); java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long longValue(Path home, String sql) {
        return ((Number) value(home, sql)).longValue();
    }

    static long epoch(String day) {
        return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /** Polls until the condition holds; returns how long it took, or fails after the timeout. */
    static Duration await(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
