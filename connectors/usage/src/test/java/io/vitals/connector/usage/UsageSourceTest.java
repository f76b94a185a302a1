package io.vitals.connector.usage;

import static io.vitals.connector.usage.UsageData.append;
import static io.vitals.connector.usage.UsageData.group;
import static io.vitals.connector.usage.UsageData.identify;
import static io.vitals.connector.usage.UsageData.map;
import static io.vitals.connector.usage.UsageData.t;
import static io.vitals.connector.usage.UsageData.track;
import static io.vitals.connector.usage.UsageData.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** Streaming the drop folder, the per-file cursor, growing and half-written files, gzip, archiving and the sync contract. */
class UsageSourceTest {

    @TempDir
    Path home;
    Path folder;
    SourceHarness harness;

    @BeforeEach
    void open() {
        folder = home.resolve("usage");
        harness = SourceHarness.in(home);
        UsageData.customers(harness, "billing", "acct-1", "acct-2", "acct-3");
    }

    @AfterEach
    void close() {
        harness.close();
    }

    static final String ONBOARD = identify("u1", "2026-01-10T11:59:00Z", "acct-1", "2025-11-02T09:00:00Z");

    /**
     * a.jsonl: identify u1 (created 2025-11-02, account acct-1), two track calls, a track call
     * without messageId and with its account in properties.accountId, a group call for u3, a page
     * call (passed over) and a blank line; b.jsonl: one more track call of u1.
     */
    void clean() throws IOException {
        write(folder, "a.jsonl", ONBOARD,
                track("m1", "u1", "Report Built", "2026-01-10T12:00:00.123Z", "acct-1"),
                track("m2", "u2", "Dashboard Viewed", "2026-01-10T12:05:00Z", "acct-2"),
                "{\"type\":\"track\",\"event\":\"Report Built\",\"userId\":\"u2\",\"timestamp\":\"2026-01-11T08:00:00Z\","
                        + "\"properties\":{\"accountId\":\"acct-2\"}}",
                group("u3", "acct-3", "2026-01-09T00:00:00Z"),
                "{\"type\":\"page\",\"name\":\"Pricing\",\"userId\":\"u3\",\"timestamp\":\"2026-01-11T09:00:00Z\"}",
                "");
        write(folder, "b.jsonl", track("m3", "u1", "Report Shared", "2026-01-12T10:00:00+01:00", "acct-1"));
    }

    SyncReport sync(int pageSize, Object... more) {
        return harness.sync(UsageData.source(home, pageSize, more));
    }

    List<Map<String, Object>> events() {
        return UsageData.rows(harness, "SELECT e.external_id, c.external_id AS account, e.user_id, e.event, e.occurred_at"
                + " FROM usage_events e JOIN customers c ON c.id = e.customer_id ORDER BY e.occurred_at, e.external_id");
    }

    List<Map<String, Object>> users() {
        return UsageData.rows(harness, "SELECT u.user_id, c.external_id AS account, u.created_at FROM users u"
                + " JOIN customers c ON c.id = u.customer_id ORDER BY u.user_id");
    }

    Optional<String> cursor() {
        return harness.store().cursor("product");
    }

    @Test
    void aFirstSyncLandsEventsAndUsersWhereTheKpisReadThem() throws IOException {
        clean();
        SyncReport report = sync(3);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        // 7 lines read; 4 events and 5 user rows written: u1, u2 (page 1), u2 again and u3 (page 2), u1 again (b.jsonl)
        assertEquals(new PageCounts(7, 7, 0, 2, 0), report.counts());
        assertEquals(List.of(
                map("external_id", "m1", "account", "acct-1", "user_id", "u1", "event", "Report Built",
                        "occurred_at", t("2026-01-10T12:00:00Z")),
                map("external_id", "m2", "account", "acct-2", "user_id", "u2", "event", "Dashboard Viewed",
                        "occurred_at", t("2026-01-10T12:05:00Z")),
                map("external_id", "a.jsonl:4", "account", "acct-2", "user_id", "u2", "event", "Report Built",
                        "occurred_at", t("2026-01-11T08:00:00Z")),
                map("external_id", "m3", "account", "acct-1", "user_id", "u1", "event", "Report Shared",
                        "occurred_at", t("2026-01-12T09:00:00Z"))), events());
        assertEquals(List.of(
                map("user_id", "u1", "account", "acct-1", "created_at", t("2025-11-02T09:00:00Z")),
                map("user_id", "u2", "account", "acct-2", "created_at", t("2026-01-10T12:05:00Z")),
                map("user_id", "u3", "account", "acct-3", "created_at", t("2026-01-09T00:00:00Z"))), users());
        long a = Files.size(folder.resolve("a.jsonl"));
        long b = Files.size(folder.resolve("b.jsonl"));
        assertTrue(cursor().orElseThrow().startsWith("{\"files\":{\"a.jsonl\":{\"offset\":" + a + ",\"line\":7,\"size\":" + a),
                cursor().orElseThrow());
        assertTrue(cursor().orElseThrow().contains("\"b.jsonl\":{\"offset\":" + b + ",\"line\":1,\"size\":" + b), cursor().orElseThrow());
        assertEquals(List.of(), harness.rejects("product"));
    }

    @Test
    void syncingTwiceChangesNothing() throws IOException {
        clean();
        sync(3);
        Map<String, Long> tables = harness.store().counts();
        Optional<String> cursor = cursor();
        SyncReport again = sync(3);
        assertEquals(SyncReport.Outcome.COMPLETE, again.outcome(), again.message());
        assertEquals(new PageCounts(0, 0, 0, 0, 0), again.counts());
        assertEquals(tables, harness.store().counts());
        assertEquals(cursor, cursor());
        // everything again (connector:sync --full): all read, all unchanged
        harness.store().resetCursor("product");
        SyncReport full = sync(3);
        assertEquals(new PageCounts(7, 0, 0, 9, 0), full.counts());
        assertEquals(tables, harness.store().counts());
    }

    @Test
    void anEventSentAgainWithTheSameMessageIdIsUpdatedNotDoubled() throws IOException {
        clean();
        sync(3);
        // Segment delivers at least once: the same call again, its account corrected
        write(folder, "c.jsonl", track("m2", "u2", "Dashboard Viewed", "2026-01-10T12:05:00Z", "acct-3"));
        SyncReport report = sync(3);
        // the event updated; u2 now of acct-3
        assertEquals(new PageCounts(1, 0, 2, 0, 0), report.counts());
        assertEquals(4, harness.count("usage_events"));
        assertEquals("acct-3", harness.value("SELECT c.external_id FROM usage_events e JOIN customers c ON c.id = e.customer_id"
                + " WHERE e.external_id = 'm2'"));
    }

    @Test
    void aFileAppendedBetweenSyncsIsReadOnWhereItStopped() throws IOException {
        clean();
        sync(3);
        append(folder.resolve("b.jsonl"), track("m4", "u1", "Report Built", "2026-01-13T10:00:00Z", "acct-1") + "\n"
                + track(null, "u3", "Report Built", "2026-01-13T11:00:00Z", "acct-3") + "\n");
        SyncReport report = sync(3);
        assertEquals(new PageCounts(2, 2, 0, 2, 0), report.counts());
        assertEquals(6, harness.count("usage_events"));
        // line numbers go on too: the event without messageId is line 3 of b.jsonl
        assertEquals(1L, ((Number) harness.value("SELECT count(*) FROM usage_events WHERE external_id = 'b.jsonl:3'")).longValue());
    }

    @Test
    void newFilesArePickedUpInNameOrder() throws IOException {
        clean();
        sync(3);
        write(folder, "c.jsonl", track("m5", "u2", "Report Built", "2026-01-14T10:00:00Z", "acct-2"));
        write(folder, "a2.jsonl.tmp", track("m6", "u2", "Report Built", "2026-01-14T10:00:00Z", "acct-2")); // still being copied
        write(folder, "ab.jsonl", track("m7", "u2", "Report Built", "2026-01-14T11:00:00Z", "acct-2"));
        write(folder, ".hidden.jsonl", track("m8", "u2", "Report Built", "2026-01-14T11:00:00Z", "acct-2"));
        SyncReport report = sync(3);
        assertEquals(new PageCounts(2, 2, 0, 2, 0), report.counts());
        assertEquals(List.of("a.jsonl", "ab.jsonl", "b.jsonl", "c.jsonl"),
                List.copyOf(UsageData.JSON.readTree(cursor().orElseThrow()).path("files").properties().stream()
                        .map(Map.Entry::getKey).toList()));
    }

    @Test
    void aHalfWrittenLastLineWaitsForTheNextSync() throws IOException {
        clean();
        String whole = track("m9", "u1", "Report Built", "2026-01-15T10:00:00Z", "acct-1");
        Path c = write(folder, "c.jsonl", track("m8", "u1", "Report Built", "2026-01-15T09:00:00Z", "acct-1"));
        append(c, whole.substring(0, 40)); // the collector is in the middle of this line
        SyncReport first = sync(3);
        assertEquals(new PageCounts(8, 8, 0, 3, 0), first.counts());
        assertEquals(List.of(), harness.rejects("product"));
        append(c, whole.substring(40) + "\n");
        SyncReport second = sync(3);
        assertEquals(new PageCounts(1, 1, 0, 1, 0), second.counts());
        assertEquals(List.of(), harness.rejects("product"));
        assertEquals(6, harness.count("usage_events"));
    }

    @Test
    void aLastLineWithoutNewlineIsReadOnceTheFileHasSettled() throws IOException {
        Path c = write(folder, "c.jsonl");
        Files.writeString(c, track("m1", "u1", "Report Built", "2026-01-15T09:00:00Z", "acct-1") + "\n"
                + track("m2", "u1", "Report Built", "2026-01-15T10:00:00Z", "acct-1")); // a writer that ends without newline
        assertEquals(new PageCounts(1, 2, 0, 0, 0), sync(100).counts());
        Files.setLastModifiedTime(c, FileTime.from(Instant.now().minusSeconds(301)));
        assertEquals(new PageCounts(1, 1, 0, 1, 0), sync(100).counts());
        assertEquals(2, harness.count("usage_events"));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), sync(100).counts());
        // settleSeconds = -1: never
        Path d = write(folder, "d.jsonl");
        Files.writeString(d, track("m3", "u1", "Report Built", "2026-01-15T11:00:00Z", "acct-1"));
        Files.setLastModifiedTime(d, FileTime.from(Instant.now().minusSeconds(86_400)));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), sync(100, "settleSeconds", -1L).counts());
    }

    @Test
    void resumesAfterAFailureMidSyncWithoutLosingOrDoubling() throws IOException {
        clean();
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(UsageData.source(home, 2), 2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 2", failed.message());
        // page 1: identify u1, m1 → one event, one user
        assertEquals(new PageCounts(2, 2, 0, 0, 0), failed.counts());
        assertTrue(cursor().orElseThrow().contains("\"a.jsonl\":{\"offset\":" + (ONBOARD.length() + 1
                + track("m1", "u1", "Report Built", "2026-01-10T12:00:00.123Z", "acct-1").length() + 1) + ",\"line\":2,"),
                cursor().orElseThrow());
        SyncReport resumed = sync(2);
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // lines 3-7 of a.jsonl and b.jsonl: m2 (u2), a.jsonl:4 + group u3 (u2, u3), page call, blank, m3 (u1)
        assertEquals(new PageCounts(5, 5, 0, 1, 0), resumed.counts());
        assertEquals(4, harness.count("usage_events"));
        assertEquals(3, harness.count("users"));
        assertEquals(List.of(), harness.rejects("product"));
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() throws IOException {
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(UsageData.source(home, 3), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(3, 4, 0, 0, 0), stopped.counts());
        assertEquals(new PageCounts(4, 3, 0, 2, 0), sync(3).counts());
        assertEquals(4, harness.count("usage_events"));
    }

    @Test
    void aFileReplacedByAnotherIsReadFromItsStart() throws IOException {
        clean();
        sync(3);
        // b.jsonl rewritten shorter, by another export
        write(folder, "b.jsonl", track("m20", "u2", "Export", "2026-02-01T00:00:00Z", "acct-2"));
        SyncReport report = sync(3);
        assertEquals(new PageCounts(1, 1, 0, 1, 0), report.counts());
        assertEquals(5, harness.count("usage_events"));
    }

    @Test
    void gzippedFilesAreStreamedAndResumedToo() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
            lines.append(track("g" + i, "u" + (i % 2), "Report Built", "2026-01-10T12:0" + i + ":00Z", "acct-1")).append('\n');
        }
        gzip(folder.resolve("2026-01-10.jsonl.gz"), lines.toString().getBytes(StandardCharsets.UTF_8));
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(UsageData.source(home, 3), 2));
        assertEquals(new PageCounts(3, 5, 0, 0, 0), failed.counts()); // g1-g3, users u1 and u0
        SyncReport resumed = sync(3);
        assertEquals(new PageCounts(4, 4, 0, 3, 0), resumed.counts()); // g4-g7; u0 and u1 again, u1 once more
        assertEquals(7, harness.count("usage_events"));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), sync(3).counts());
    }

    @Test
    void aGzipFileCutShortIsReadAsFarAsItGoesAndOnOnceWhole() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 400; i++) {
            lines.append(track("z" + i, "u1", "Report Built", "2026-01-10T12:00:00Z", "acct-1")).append('\n');
        }
        byte[] whole = gzipped(lines.toString().getBytes(StandardCharsets.UTF_8));
        Path file = folder.resolve("big.jsonl.gz");
        Files.createDirectories(folder);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2)); // the upload is half-way
        SyncReport first = sync(1000);
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome(), first.message());
        long landed = harness.count("usage_events");
        assertTrue(landed > 0 && landed < 400, "landed " + landed);
        List<Rejected> rejects = harness.rejects("product");
        assertEquals(1, rejects.size());
        assertEquals("big.jsonl.gz", rejects.get(0).raw());
        assertEquals("big.jsonl.gz: the gzip stream ends early after line " + landed + " (still being written, or cut short):"
                + " the rest is read once the file is whole", rejects.get(0).reason());
        Files.write(file, whole);
        SyncReport second = sync(1000);
        assertEquals(400 - landed, second.counts().read());
        assertEquals(400, harness.count("usage_events"));
    }

    @Test
    void archivingMovesFilesReadToTheirEndIntoDone() throws IOException {
        clean();
        Path c = write(folder, "c.jsonl", track("m8", "u1", "Report Built", "2026-01-15T09:00:00Z", "acct-1"));
        append(c, "{\"type\":\"track\""); // still being written: stays
        SyncReport report = sync(3, "archive", true);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertTrue(Files.exists(folder.resolve("done/a.jsonl")));
        assertTrue(Files.exists(folder.resolve("done/b.jsonl")));
        assertFalse(Files.exists(folder.resolve("a.jsonl")));
        assertTrue(Files.exists(c));
        assertEquals(List.of("c.jsonl"), List.copyOf(UsageData.JSON.readTree(cursor().orElseThrow()).path("files").properties()
                .stream().map(Map.Entry::getKey).toList()));
        // a new a.jsonl (the collector's next batch under the same name) is read from its first line
        write(folder, "a.jsonl", track("m30", "u2", "Report Built", "2026-01-16T09:00:00Z", "acct-2"));
        append(c, ",\"event\":\"Report Built\",\"userId\":\"u1\",\"timestamp\":\"2026-01-15T10:00:00Z\","
                + "\"context\":{\"groupId\":\"acct-1\"}}\n");
        SyncReport next = sync(3, "archive", true);
        assertEquals(new PageCounts(2, 2, 0, 2, 0), next.counts());
        assertFalse(Files.exists(c));
        assertTrue(Files.exists(folder.resolve("done/c.jsonl")));
        assertEquals(7, harness.count("usage_events"));
    }

    @Test
    void eventNamesMayBeStoredInSnakeCase() throws IOException {
        write(folder, "a.jsonl", track("m1", "u1", "Report Built", "2026-01-10T12:00:00Z", "acct-1"),
                track("m2", "u1", "create_report", "2026-01-10T12:00:00Z", "acct-1"),
                track("m3", "u1", "exportedCSVFile", "2026-01-10T12:00:00Z", "acct-1"),
                track("m4", "u1", "  Viewed  Dashboard (v2)! ", "2026-01-10T12:00:00Z", "acct-1"));
        sync(100, "eventNames", "snake_case");
        assertEquals(List.of("create_report", "exported_csvfile", "report_built", "viewed_dashboard_v2"),
                harness.rows("SELECT event FROM usage_events ORDER BY event").stream().map(r -> r.get("event")).toList());
    }

    @Test
    void aFolderThatIsNotThereFailsClearly() {
        SyncReport report = sync(100, "folder", "imports/segment");
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("folder imports/segment does not exist (a relative folder is under the Vitals home)", report.message());
    }

    static void gzip(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, gzipped(content));
    }

    static byte[] gzipped(byte[] content) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
