package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.vitals.connector.SourceStatus;
import io.vitals.connector.SyncReport;
import io.vitals.connector.SyncService;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/** Sources configured by dropping files into etc/, synced into the store the KPIs read. */
class ConnectorsIT {

    static final Duration WITHIN = Duration.ofSeconds(15);
    static final String SECRET = "sk_test_do_not_print_7f3a9c";

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static SyncService sync;

    @BeforeAll
    static void start() throws Exception {
        home = Distribution.copy(folder.resolve("running"), 100);
        vitals = Distribution.start(home);
        sync = vitals.framework().getBundleContext().getService(
                vitals.framework().getBundleContext().getServiceReference(SyncService.class));
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    static SourceStatus awaitSource(String id) {
        // started by its connector: not the stand-in listed while no connector reads its kind
        Distribution.await("source " + id, WITHIN, () -> sync.sources().stream().anyMatch(s -> s.id().equals(id)
                && (s.problem() == null || !s.problem().startsWith("no installed connector"))));
        return sync.status(id);
    }

    @Test
    void aCsvSourceDroppedIntoEtcSyncsAndItsTicketsReachTheKpis() throws Exception {
        Path imports = Files.createDirectories(home.resolve("imports"));
        Files.writeString(imports.resolve("acme-accounts.csv"), "\uFEFFAccount ID,Company,Plan\r\n"
                + "ACME-1,\"Acme, Inc.\",acme-plan\r\nACME-2,\"Road\nRunner\",acme-plan\r\n");
        // first replies after 1, 3 and 8 hours: median 3 h; the 4th ticket, created in June, is outside May
        Files.writeString(imports.resolve("acme-tickets.csv"), """
                Ticket,Account,Created,First reply,Priority
                T1,ACME-1,2026-05-04T09:00:00Z,2026-05-04T10:00:00Z,normal
                T2,ACME-1,2026-05-10T09:00:00Z,2026-05-10T12:00:00Z,high
                T3,ACME-2,2026-05-20T09:00:00Z,2026-05-20T17:00:00Z,low
                T4,ACME-2,2026-06-01T00:00:00Z,2026-06-01T01:00:00Z,low
                T5,ACME-9,2026-05-21T09:00:00Z,,low
                """);
        Distribution.write(home.resolve("etc/vitals.source.file-acme-accounts.cfg"), """
                path = imports/acme-accounts.csv
                entity = customers
                map.externalId = Account ID
                map.name = Company
                map.plan = Plan
                default.signupAt = 2026-01-01
                """);
        Distribution.write(home.resolve("etc/vitals.source.file-acme-tickets.cfg"), """
                path = imports/acme-tickets.csv
                entity = tickets
                map.externalId = Ticket
                map.customer = Account
                customerSource = acme-accounts
                map.createdAt = Created
                map.firstResponseAt = First reply
                map.priority = Priority
                """);
        awaitSource("acme-accounts");
        awaitSource("acme-tickets");

        SyncReport accounts = sync.sync("acme-accounts", (s, p, t) -> { });
        assertEquals(SyncReport.Outcome.COMPLETE, accounts.outcome(), accounts.message());
        assertEquals(2, accounts.counts().inserted());
        KpiQuery mayForAcme = new KpiQuery(Period.month(2026, 5), Segment.of("plan", "acme-plan"));
        assertFalse(vitals.kpis().compute("first-response-time", mayForAcme).hasValue(), "no tickets yet");
        CommandOutcome tickets = vitals.execute("connector:sync acme-tickets");
        assertNull(tickets.failure(), tickets.failureMessage());
        assertTrue(tickets.output().contains("read 5, inserted 5, updated 0, unchanged 0, rejected 0"), tickets.output());
        assertNull(Distribution.value(home, "SELECT customer_id FROM tickets WHERE external_id = 'T5'"),
                "the ticket of an account nobody knows is kept, unmatched");

        // the answer kept from before the sync is not the answer now
        KpiResult frt = vitals.kpis().compute("first-response-time", mayForAcme);
        assertEquals(3.0, frt.value(), 1e-9);
        assertEquals("Road\nRunner", Distribution.value(home, "SELECT name FROM customers WHERE external_id = 'ACME-2'"));

        // syncing again changes nothing
        assertTrue(vitals.execute("connector:sync acme-tickets --full").output().contains("inserted 0, updated 0, unchanged 5"));

        // an edit reconfigures the source, deleting the file removes it (its data stays)
        Distribution.write(home.resolve("etc/vitals.source.file-acme-tickets.cfg"),
                Files.readString(home.resolve("etc/vitals.source.file-acme-tickets.cfg")) + "pageSize = 2\n");
        Distribution.await("the new page size", WITHIN, () -> {
            try {
                return "2".equals(sync.status("acme-tickets").settings().get("pageSize"));
            } catch (io.vitals.connector.UnknownSourceException reconfiguring) {
                return false; // the old component is gone, the new one not yet there
            }
        });
        Files.delete(home.resolve("etc/vitals.source.file-acme-tickets.cfg"));
        Distribution.await("the source to go", WITHIN, () -> sync.sources().stream().noneMatch(s -> s.id().equals("acme-tickets")));
        assertEquals(5L, Distribution.longValue(home, "SELECT count(*) FROM tickets WHERE source = 'acme-tickets'"));
    }

    @Test
    void aSourceWithAnIntervalSyncsOnItsOwn() throws Exception {
        Path imports = Files.createDirectories(home.resolve("imports"));
        Files.writeString(imports.resolve("nps.csv"), "id,email,score,at\nn1,nobody@example.org,10,2026-05-02\nn2,c1@x.example,3,2026-05-03\n");
        Distribution.npsAnswersSource(home, "scheduled", "imports/nps.csv", "interval = 1\n");
        awaitSource("scheduled");
        Distribution.await("a sync nobody asked for", WITHIN, () -> sync.status("scheduled").last() != null);
        SyncReport report = sync.status("scheduled").last();
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(2L, Distribution.longValue(home, "SELECT count(*) FROM survey_responses WHERE source = 'scheduled'"),
                "unmatched respondents are kept");
        Files.delete(home.resolve("etc/vitals.source.file-scheduled.cfg"));
    }

    @Test
    void aSecretIsNeverPrintedLoggedOrStored() throws Exception {
        HttpServer stripe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stripe.createContext("/v1/", exchange -> {
            // Stripe's answer to a bad key; it echoes part of the request, as servers do
            byte[] body = ("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided: "
                    + exchange.getRequestHeaders().getFirst("Authorization") + "\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        stripe.start();
        try {
            Distribution.write(home.resolve("etc/secrets.properties"), "stripe = " + SECRET + "\n");
            Distribution.write(home.resolve("etc/vitals.source.stripe-billing.cfg"), "apiKey = file:etc/secrets.properties#stripe\n"
                    + "baseUrl = http://127.0.0.1:" + stripe.getAddress().getPort() + "\n");
            awaitSource("billing");
            StringBuilder everything = new StringBuilder();
            for (String command : List.of("connector:list", "connector:status billing", "connector:sync billing",
                    "connector:list --format json", "connector:status billing --format json", "connector:rejects billing")) {
                CommandOutcome out = vitals.execute(command);
                everything.append(out.output()).append(out.errors()).append(out.failureMessage());
            }
            assertTrue(everything.toString().contains("file:etc/secrets.properties#stripe"), "the reference is shown");
            assertTrue(everything.toString().contains("HTTP 401"), everything.toString());
            assertFalse(everything.toString().contains(SECRET), "the secret is in a command's output");
            assertFalse(Files.readString(home.resolve("data/log/vitals.log")).contains(SECRET), "the secret is in the log");
            for (String file : List.of("data/vitals.db", "data/vitals.db-wal")) {
                Path db = home.resolve(file);
                if (Files.exists(db)) {
                    assertFalse(new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1).contains(SECRET), "the secret is in " + file);
                }
            }
        } finally {
            stripe.stop(0);
        }
    }

    /** Every connector kind is listed; taking a connector's jar out of deploy/ stops its sources and keeps their data. */
    @Test
    void removingAConnectorJarStopsItsSourcesAndKeepsTheirData() throws Exception {
        String list = vitals.execute("connector:list").output();
        for (String kind : List.of("file", "jdbc", "stripe", "hubspot", "salesforce", "zendesk", "delighted", "typeform", "usage")) {
            assertTrue(list.contains(kind), kind + " is not listed:\n" + list);
        }
        Path drop = Files.createDirectories(home.resolve("data/usage-it"));
        Files.writeString(drop.resolve("2026-05-01.jsonl"), """
                {"type":"track","event":"Report Built","userId":"u-1","messageId":"m1","timestamp":"2026-05-01T09:00:00Z","context":{"groupId":"c1"}}
                {"type":"track","event":"Report Built","userId":"u-2","messageId":"m2","timestamp":"2026-05-01T10:00:00Z","context":{"groupId":"c2"}}
                {"type":"track","event":"Login","userId":"u-1","messageId":"m3","timestamp":"2026-05-02T09:00:00Z","context":{"groupId":"c1"}}
                """);
        Distribution.write(home.resolve("etc/vitals.source.usage-product.cfg"), """
                folder = data/usage-it
                customerSource = demo
                settleSeconds = -1
                """);
        awaitSource("product");
        SyncReport first = sync.sync("product", (s, p, t) -> { });
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        assertEquals(3L, Distribution.longValue(home, "SELECT count(*) FROM usage_events WHERE source = 'product'"));

        Path jar;
        try (var jars = Files.newDirectoryStream(home.resolve("deploy"), "vitals-connector-usage-*.jar")) {
            jar = jars.iterator().next();
        }
        Path aside = folder.resolve(jar.getFileName());
        Files.move(jar, aside);
        try {
            // it stops, and stays listed with the reason: its file is there, its connector is not
            Distribution.await("the usage source to stop", WITHIN, () -> sync.sources().stream().anyMatch(s -> s.id().equals("product")
                    && s.problem() != null && s.problem().startsWith("no installed connector reads sources of kind 'usage'")));
            assertTrue(sync.kinds().stream().noneMatch(k -> k.kind().equals("usage")), "the kind went with its jar");
            CommandOutcome gone = vitals.execute("connector:sync product");
            assertTrue(gone.failureMessage() != null && gone.failureMessage().contains("product"), String.valueOf(gone.failureMessage()));
            assertEquals(3L, Distribution.longValue(home, "SELECT count(*) FROM usage_events WHERE source = 'product'"), "its data stays");
            assertTrue(vitals.kpis().compute("dau", KpiQuery.of(Period.month(2026, 5))).hasValue(), "the KPIs keep answering");
        } finally {
            Files.move(aside, jar);
        }
        awaitSource("product");
        SyncReport again = sync.sync("product", (s, p, t) -> { });
        assertEquals(SyncReport.Outcome.COMPLETE, again.outcome(), again.message());
        assertEquals(0, again.counts().inserted(), "its cursor survived: nothing read twice");
        assertEquals(3L, Distribution.longValue(home, "SELECT count(*) FROM usage_events WHERE source = 'product'"));
        Files.delete(home.resolve("etc/vitals.source.usage-product.cfg"));
    }

    /** A sync killed with SIGKILL mid-way loses nothing and doubles nothing when it runs again. */
    @Test
    void aKilledSyncResumesWithNothingLostOrDoubled() throws Exception {
        Path other = Distribution.copy(folder.resolve("killed"), 50);
        Path events = Files.createDirectories(other.resolve("imports")).resolve("events.csv");
        int rows = 200_000;
        try (Writer out = Files.newBufferedWriter(events)) {
            out.write("event_id,account,user,event,at\n");
            for (int i = 0; i < rows; i++) {
                out.write("e" + i + ",c" + (1 + i % 50) + ",u" + (i % 400) + ",login," + (1_767_225_600L + i * 60L) + "\n");
            }
        }
        Distribution.write(other.resolve("etc/vitals.source.file-events.cfg"), """
                path = imports/events.csv
                entity = usage_events
                map.externalId = event_id
                map.customer = account
                customerSource = demo
                map.userId = user
                map.event = event
                map.occurredAt = at
                dateFormat = epoch
                pageSize = 500
                """);
        Process first = CommandLineIT.start(other, "connector:sync", "events");
        Path db = other.resolve("data/vitals.db");
        Distribution.await("a committed page", Duration.ofSeconds(120), () -> {
            try {
                return Files.exists(db) && Distribution.longValue(other, "SELECT count(*) FROM sync_cursors WHERE source = 'events'") > 0;
            } catch (IllegalStateException notYet) {
                return false; // the store is still being created
            }
        });
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
        first.waitFor(30, TimeUnit.SECONDS);
        long committed = Distribution.longValue(other, "SELECT count(*) FROM usage_events WHERE source = 'events'");
        assertTrue(committed > 0 && committed < rows, "killed mid-sync, after " + committed + " rows");
        assertEquals(0L, Distribution.longValue(other, "SELECT count(*) FROM sync_runs WHERE source = 'events'"), "it never finished");

        CommandLineIT.Run second = CommandLineIT.run(other, "connector:sync", "events");
        assertEquals(0, second.exit(), second.err());
        assertEquals(rows, Distribution.longValue(other, "SELECT count(*) FROM usage_events WHERE source = 'events'"));
        assertEquals(rows, Distribution.longValue(other, "SELECT count(DISTINCT external_id) FROM usage_events WHERE source = 'events'"));
        // the cursor moved with each committed page, so the second run read exactly the rest
        assertEquals(rows - committed, Distribution.longValue(other,
                "SELECT inserted FROM sync_runs WHERE source = 'events' ORDER BY id DESC LIMIT 1"));
        assertEquals(0L, Distribution.longValue(other,
                "SELECT updated + unchanged FROM sync_runs WHERE source = 'events' ORDER BY id DESC LIMIT 1"));
    }
}
