package io.vitals.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code data/serve.properties}: the {@code serve} running on a home (its process, when that process
 * started, its loopback endpoint), written once it is ready and removed when it stops, so that
 * {@code vitals status} and {@code vitals stop} find it as Karaf's {@code bin/status} and
 * {@code bin/stop} do. A file left by a process that is gone, or whose id another process now has, is stale.
 */
final class ServeFile {

    /** LSB's "program is not running", for {@code status}. */
    static final int NOT_RUNNING = 3;

    private final Path file;

    ServeFile(Path home) {
        this.file = home.toAbsolutePath().normalize().resolve("data/serve.properties");
    }

    record Serving(long pid, Instant started, String endpoint) {
    }

    void write(List<String> endpoints) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(self.pid()));
        p.setProperty("started", self.info().startInstant().map(Instant::toString).orElse(""));
        p.setProperty("endpoint", loopback(endpoints.get(0)));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "the serve running on this home; removed when it stops");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the file if it is this process's. */
    void remove() {
        read().filter(s -> s.pid() == ProcessHandle.current().pid()).ifPresent(s -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next status sees the process gone and calls the file stale
            }
        });
    }

    Optional<Serving> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
            String started = p.getProperty("started", "");
            return Optional.of(new Serving(Long.parseLong(p.getProperty("pid", "").trim()),
                    started.isEmpty() ? null : Instant.parse(started), p.getProperty("endpoint", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The serve named by the file while its process lives (the same process: same id and start). */
    Optional<ProcessHandle> running(Serving s) {
        return ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive)
                .filter(h -> s.started() == null || h.info().startInstant().map(s.started()::equals).orElse(true));
    }

    /** {@code vitals status}: 0 when a serve runs on this home and is ready, 1 when it runs and is not, 3 when none runs. */
    int status(PrintStream out) {
        Optional<Serving> s = read();
        if (s.isEmpty() || running(s.get()).isEmpty()) {
            out.println("vitals: not running" + (s.isPresent() ? " (data/serve.properties names process " + s.get().pid()
                    + ", which has ended)" : ""));
            return NOT_RUNNING;
        }
        Serving serving = s.get();
        try {
            HttpResponse<String> ready = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(serving.endpoint() + "readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200) {
                out.println("vitals: serving " + serving.endpoint() + " (process " + serving.pid() + "), ready");
                return 0;
            }
            out.println("vitals: serving " + serving.endpoint() + " (process " + serving.pid() + "), not ready: " + ready.body().strip());
            return 1;
        } catch (IOException e) {
            out.println("vitals: process " + serving.pid() + " runs, but " + serving.endpoint() + " does not answer: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** {@code vitals stop}: SIGTERM to the serve, then waits for it to end; 0 when none runs any more. */
    int stop(PrintStream out, PrintStream err) {
        Optional<Serving> s = read();
        Optional<ProcessHandle> process = s.flatMap(this::running);
        if (process.isEmpty()) {
            out.println("vitals: not running");
            return 0;
        }
        ProcessHandle h = process.get();
        h.destroy(); // SIGTERM: the serve's shutdown hook stops the framework cleanly
        try {
            h.onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("vitals: process " + h.pid() + " did not stop within 60 s");
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            // ended anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        out.println("vitals: stopped (process " + h.pid() + ")");
        return 0;
    }

    /** The endpoint as this machine reaches it: a server listening on every address answers on 127.0.0.1. */
    static String loopback(String endpoint) {
        URI u = URI.create(endpoint);
        String host = u.getHost();
        boolean any = host == null || host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::");
        String base = any ? "http://127.0.0.1:" + u.getPort() + "/" : endpoint;
        return base.endsWith("/") ? base : base + "/";
    }
}
