package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.launcher.VitalsRuntime;

/**
 * The faults a bad-input, fault and load run found in a serving distribution, each asked again: one
 * request or one file must not take Vitals down, and every answer to a bad one is one line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HardeningIT {

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static int port;
    static final ObjectMapper JSON = new ObjectMapper();

    /** Counts for ever: only its time limit ends it. */
    static final String ENDLESS_KPI = """
            id: endless
            name: Never ends
            category: custom
            unit: count
            direction: neutral
            description: A recursive query with no end, as a mistaken file might have.
            sql: |
              WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
              SELECT count(*) AS value FROM n
            """;

    @BeforeAll
    static void start() {
        home = Distribution.copy(folder, 200);
        port = Distribution.httpOnFreePort(home);
        // one computation a client, and a declared KPI stopped after 12 s: longer than a second request's 10 s wait
        Distribution.write(home.resolve("etc/vitals.http.cfg"), "address = 127.0.0.1\nport = " + port
                + "\ntokens = etc/vitals.http.tokens\ncomputationsPerClient = 1\n");
        Distribution.write(home.resolve("etc/vitals.registry.cfg"), "declaredTimeLimitSeconds = 12\n");
        vitals = Distribution.start(home, true);
        assertFalse(vitals.httpEndpoints(Duration.ofSeconds(30)).isEmpty(), "the HTTP server did not start");
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    record Reply(int status, String head, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The one-line reason of a JSON error, checked to be one line with no trace, page or path in it. */
        String error() {
            String e = json().get("error").asText();
            assertFalse(e.isBlank() || e.contains("\n") || e.contains("Exception") || e.contains("\tat ") || e.contains("<html")
                    || e.contains(home.toString()), body);
            return e;
        }
    }

    /** One request written by hand, so the method and the Host header are exactly what a hostile client sends. */
    static Reply raw(String method, String target, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nX-Probe: echo-me\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            String body = all.substring(split + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Reply(Integer.parseInt(head.split(" ")[1]), head, body);
        }
    }

    static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    static Reply get(String target) throws IOException {
        return raw("GET", target, "127.0.0.1:" + port);
    }

    @Test
    @Order(1)
    void onlyGetAndHeadAreAnsweredAndNeverWithTheRequestEchoed() throws Exception {
        for (String method : List.of("TRACE", "DELETE", "PUT", "OPTIONS", "PATCH")) {
            for (String target : List.of("/", "/api/kpis", "/metrics")) {
                Reply r = raw(method, target, "127.0.0.1:" + port);
                assertEquals(405, r.status(), method + " " + target + ": " + r.head());
                assertTrue(r.head().contains("Allow: GET, HEAD"), r.head());
                assertTrue(r.error().startsWith("method " + method + " is not allowed"), r.body());
                assertFalse(r.body().contains("echo-me"), "the request is not echoed: " + r.body());
            }
        }
        assertEquals(200, raw("HEAD", "/api/kpis", "localhost:" + port).status());
    }

    @Test
    @Order(2)
    void onLoopbackOnlyLoopbackHostNamesAreAnswered() throws Exception {
        Reply evil = raw("GET", "/api/kpis", "evil.example");
        assertEquals(403, evil.status(), evil.body());
        assertEquals("host 'evil.example' is not this machine's; add it to hosts in etc/vitals.http.cfg to allow it", evil.error());
        assertEquals(403, raw("GET", "/", "evil.example:" + port).status());
        assertEquals(403, raw("GET", "/metrics", "127.0.0.1.evil.example").status());
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "127.0.0.1")) {
            assertEquals(200, raw("GET", "/api/kpis", host).status(), host);
        }
    }

    @Test
    @Order(3)
    void malformedAndBoundlessQuestionsAreA400InOneLine() throws Exception {
        Reply escape = get("/api/kpis/nps?from=%zz");
        assertEquals(400, escape.status(), escape.body());
        assertTrue(escape.error().startsWith("malformed query string near 'from=%zz'"), escape.body());

        Reply forever = get("/api/kpis/nps?by=day&from=0001-01-01&to=9999-12-31");
        assertEquals(400, forever.status(), forever.body());
        assertEquals("to 9999-12-31 is out of range; dates go from 1900-01-01 to 2200-01-01", forever.error());

        Reply days = get("/api/kpis/nps?by=day&from=1990-01-01&to=2026-01-01");
        assertEquals(400, days.status(), days.body());
        assertEquals("a series by day over 1990-01-01..2026-01-01 has 13149 buckets, more than the 2000 allowed; ask a coarser by"
                + " or a shorter period (maxBuckets in etc/vitals.registry.cfg)", days.error());

        Reply none = get("/api/no/such/thing");
        assertEquals(404, none.status());
        assertTrue(none.head().contains("application/json"), none.head());
        none.error();
        Reply page = get("/no/such/page.html");
        assertEquals(404, page.status());
        assertFalse(page.body().contains("<"), "no error page: " + page.body());
    }

    @Test
    @Order(4)
    void aQuestionPastItsTimeLimitIsStoppedAndOneClientCannotHoldMoreThanItsShare() throws Exception {
        Files.writeString(home.resolve("deploy/endless.kpi"), ENDLESS_KPI);
        Distribution.await("the endless KPI", Duration.ofSeconds(30), () -> {
            try {
                return get("/api/kpis").body().contains("\"endless\"");
            } catch (IOException e) {
                return false;
            }
        });
        long started = System.nanoTime();
        CompletableFuture<Reply> endless = CompletableFuture.supplyAsync(() -> call(() -> get("/api/kpis/endless")));
        Thread.sleep(1000);
        // the same client's second question waits 10 s for its one slot, which the endless one holds for 12 s
        Reply second = get("/api/kpis/nps");
        assertEquals(429, second.status(), second.body());
        assertTrue(second.head().contains("Retry-After: 5"), second.head());
        assertEquals("this client already has 1 computations running; ask again when one has ended (computationsPerClient in"
                + " etc/vitals.http.cfg)", second.error());

        Reply stopped = endless.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(504, stopped.status(), stopped.body());
        assertTrue(stopped.error().startsWith("KPI 'endless' for "), stopped.body());
        assertTrue(stopped.error().contains(" took longer than 12 s, its time limit, and was stopped"), stopped.body());
        assertTrue(seconds < 40, "stopped at its limit: " + seconds + " s");

        Files.delete(home.resolve("deploy/endless.kpi"));
        long asked = System.nanoTime();
        Reply nps = get("/api/kpis/nps");
        assertEquals(200, nps.status(), nps.body());
        assertTrue((System.nanoTime() - asked) / 1e9 < 10, "the store's connections came back: NPS answers at once");
    }

    @Test
    @Order(5)
    void aValueOfTheWrongTypeShowsUpAsMisconfiguredWithTheSettingToMend() throws Exception {
        Distribution.write(home.resolve("etc/vitals.kpi.csat.cfg"), "satisfiedMin = four\n");
        Distribution.write(home.resolve("etc/vitals.source.file-badint.cfg"), "path = imports/x.csv\nentity = customers\n"
                + "map.externalId = id\ninterval = abc\n");
        Distribution.write(home.resolve("etc/vitals.source.foo-mystery.cfg"), "x = 1\n");
        Distribution.await("csat to be misconfigured", Duration.ofSeconds(30),
                () -> vitals.kpis().problems().stream().anyMatch(p -> "csat".equals(p.id())));
        Reply csat = get("/api/kpis/csat");
        assertEquals(503, csat.status(), csat.body());
        assertEquals("KPI 'csat' is misconfigured in etc/vitals.kpi.csat.cfg: satisfiedMin = 'four' is not a whole number", csat.error());
        VitalsRuntime.CommandOutcome list = vitals.execute("kpi:list");
        assertTrue(list.output().contains("csat  etc/vitals.kpi.csat.cfg  misconfigured: satisfiedMin = 'four' is not a whole number"),
                list.output());
        assertEquals("error: KPI 'csat' is misconfigured in etc/vitals.kpi.csat.cfg: satisfiedMin = 'four' is not a whole number",
                vitals.execute("kpi:compute csat").failureMessage());

        Distribution.await("the sources to be listed", Duration.ofSeconds(30),
                () -> vitals.execute("connector:list").output().contains("badint"));
        assertEquals("error: source 'badint' (file) is not running: interval = 'abc' is not a whole number",
                vitals.execute("connector:sync badint").failureMessage());
        VitalsRuntime.CommandOutcome mystery = vitals.execute("connector:status mystery");
        assertTrue(mystery.output().contains("no installed connector reads sources of kind 'foo'; the installed kinds are delighted, file,"),
                mystery.output());

        Files.delete(home.resolve("etc/vitals.kpi.csat.cfg"));
        Files.delete(home.resolve("etc/vitals.source.file-badint.cfg"));
        Files.delete(home.resolve("etc/vitals.source.foo-mystery.cfg"));
        Distribution.await("csat to answer again", Duration.ofSeconds(30), () -> call(() -> get("/api/kpis/csat").status() == 200));
        assertTrue(vitals.kpis().problems().isEmpty(), vitals.kpis().problems().toString());
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
