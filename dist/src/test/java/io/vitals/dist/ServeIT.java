package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code bin/vitals serve} as a service manager runs it: HTTP on the configured port, then SIGTERM stops it cleanly. */
class ServeIT {

    @TempDir
    Path folder;

    @Test
    void servesUntilSigtermThenStopsCleanly() throws Exception {
        Path home = Distribution.copy(folder, 100);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Distribution.write(home.resolve("etc/vitals.http.cfg"), "address = 127.0.0.1\nport = " + port + "\n");
        Process serve = CommandLineIT.start(home, "serve");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("vitals: serving http://127.0.0.1:" + port + "/"), "first line: " + first);

            HttpResponse<String> nps = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/kpis/nps?from=2026-01-01&to=2026-04-01"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, nps.statusCode(), nps.body());
            JsonNode answer = new ObjectMapper().readTree(nps.body());
            assertEquals("nps", answer.get("kpi").asText());
            assertTrue(answer.get("sampleSize").asLong() > 0);

            CommandLineIT.Run status = CommandLineIT.run(home, "status");
            assertEquals(0, status.exit(), status.out() + status.err());
            assertEquals("vitals: serving http://127.0.0.1:" + port + "/ (process " + serve.pid() + "), ready", status.out().strip());

            // a one-shot command beside the serve is answered by it: the same answer, no second framework started
            long startsBefore = Files.readString(home.resolve("data/log/vitals.log")).lines().filter(l -> l.contains("Store at jdbc:")).count();
            CommandLineIT.Run oneShot = CommandLineIT.run(home, "kpi:compute", "nps", "--from", "2026-01-01", "--to", "2026-04-01",
                    "--format", "json");
            assertEquals(0, oneShot.exit(), oneShot.err());
            assertEquals(answer.get("value").asDouble(), new ObjectMapper().readTree(oneShot.out()).get("value").asDouble(), 1e-9);
            CommandLineIT.Run wrong = CommandLineIT.run(home, "kpi:compute", "npx");
            assertEquals(1, wrong.exit());
            assertTrue(wrong.lastErrorLine().startsWith("error: unknown KPI 'npx'"), wrong.err());
            assertEquals(startsBefore, Files.readString(home.resolve("data/log/vitals.log")).lines()
                    .filter(l -> l.contains("Store at jdbc:")).count(), "answered by the serve, not by a framework of their own");

            // SIGTERM, as systemd sends it (Process.destroy() would also close our end of its output)
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor());
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            assertEquals(0, serve.exitValue(), "a clean stop exits 0");
            String rest = out.lines().collect(java.util.stream.Collectors.joining("\n"));
            assertTrue(rest.contains("vitals: stopped"), rest);
            CommandLineIT.Run after = CommandLineIT.run(home, "status");
            assertEquals(3, after.exit(), "not running: " + after.out());
            assertEquals("vitals: not running", after.out().strip());
            assertTrue(!Files.exists(home.resolve("data/serve.properties")), "removed when it stopped");
            String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(err.lines().noneMatch(l -> l.contains("error") || l.contains("Exception")), err);
            String log = Files.readString(home.resolve("data/log/vitals.log"));
            assertTrue(log.contains("INFO  io.vitals.store: Store at jdbc:sqlite:"), "logs to data/log/vitals.log: " + log);
            assertTrue(!log.contains("ServiceEvent") && !log.contains("BundleEvent STARTED"),
                    "the framework's own events at INFO stay out of the file unless vitals.log.events is set: " + log);
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void untilItHasSettledEveryRequestButTheProbesIsToldToComeBack() throws Exception {
        Path home = Distribution.copy(folder, 100);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Distribution.write(home.resolve("etc/vitals.http.cfg"), "address = 127.0.0.1\nport = " + port + "\n");
        // a bundle that takes 8 s to start (under the 10 s after which a start counts as slow and is not waited for)
        HotDeployIT.writeBundle(home.resolve("deploy/sleepy.jar"), "com.example.sleepy", "Thread.sleep(8_000);");
        Process serve = CommandLineIT.start(home, "serve");
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        try {
            HttpResponse<String> ready = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ready == null && System.nanoTime() < deadline) {
                try {
                    ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 404 && ready.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                        // Jetty's own page, for the few milliseconds between its port opening and Felix's whiteboard
                        // registering Vitals' guard (no Vitals servlet has answered yet): not Vitals serving
                        ready = null;
                        Thread.sleep(5);
                    }
                } catch (java.io.IOException notListeningYet) {
                    Thread.sleep(50);
                }
            }
            assertTrue(ready != null, "the port never opened");
            assertEquals(503, ready.statusCode(), ready.body());
            assertEquals("2", ready.headers().firstValue("Retry-After").orElse(null));
            assertTrue(ready.body().contains("\"status\":\"starting\"") && ready.body().contains("\"waitingFor\":\""), ready.body());
            HttpResponse<String> nps = client.send(HttpRequest.newBuilder(URI.create(base + "/api/kpis/nps")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, nps.statusCode(), "not 404 unknown KPI: " + nps.body());
            assertTrue(nps.body().startsWith("{\"error\":\"Vitals is starting (waiting for "), nps.body());
            assertEquals("2", nps.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> alive = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, alive.statusCode());
            assertEquals("{\"status\":\"alive\"}", alive.body().strip());

            BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("vitals: serving "), "first line: " + first);
            ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("{\"status\":\"ready\"}", ready.body().strip());
            nps = client.send(HttpRequest.newBuilder(URI.create(base + "/api/kpis/nps")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, nps.statusCode(), nps.body());

            // bin/vitals stop ends it, as Karaf's bin/stop does
            CommandLineIT.Run stop = CommandLineIT.run(home, "stop");
            assertEquals(0, stop.exit(), stop.out() + stop.err());
            assertEquals("vitals: stopped (process " + serve.pid() + ")", stop.out().strip());
            assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve ended");
            assertEquals(0, serve.exitValue());
            assertEquals("vitals: not running", CommandLineIT.run(home, "stop").out().strip(), "stopping again is no error");
        } finally {
            serve.destroyForcibly();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
