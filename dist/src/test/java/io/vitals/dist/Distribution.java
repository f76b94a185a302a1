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

    static VitalsRuntime start(Path home) {
        return VitalsRuntime.home(home).property("vitals.today", TODAY).settleTimeout(Duration.ofMinutes(2)).start();
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain JDBC connection to the store, for computing expected numbers independently of Vitals. */
    static Connection store(Path home) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + home.resolve("data/vitals.db"));
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
