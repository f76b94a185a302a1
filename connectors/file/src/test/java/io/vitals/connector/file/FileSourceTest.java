package io.vitals.connector.file;

import io.vitals.testkit.Configs;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

class FileSourceTest {

    @TempDir
    Path dir;
    SourceHarness harness;

    @BeforeEach
    void open() {
        harness = SourceHarness.in(dir);
    }

    @AfterEach
    void close() {
        harness.close();
    }

    // ---------------------------------------------------------------- helpers

    static Map<String, Object> props(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    FileSource source(Map<String, Object> props) {
        return new FileSource(Configs.of(FileSource.Config.class, props), props, dir);
    }

    FileSource source(String... kv) {
        Map<String, Object> p = props("id", "files");
        p.putAll(props(kv));
        return source(p);
    }

    static final String[] CUSTOMERS = {"entity", "customers", "map.externalId", "id", "map.name", "name", "map.email", "email",
        "map.signupAt", "signup"};

    FileSource customers(String path, String... more) {
        Map<String, Object> p = props("id", "crm", "path", path);
        p.putAll(props(CUSTOMERS));
        p.putAll(props(more));
        return source(p);
    }

    Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(UTF_8));
    }

    Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    /** Rewrites a file with the same content and a later modification time: a replaced file. */
    static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(60)));
    }

    static String customerRows(int from, int to) {
        StringBuilder b = new StringBuilder("id,name,email,signup\n");
        for (int i = from; i < to; i++) {
            b.append("c").append(i).append(",Customer ").append(i).append(",c").append(i).append("@example.com,2026-01-")
                    .append(String.format("%02d", 1 + i % 28)).append('\n');
        }
        return b.toString();
    }

    List<String> reasons(String source) {
        return harness.rejects(source).stream().map(Rejected::reason).sorted().toList();
    }

    /** Rows of the store, with whole numbers as longs. */
    List<Map<String, Object>> rows(String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : harness.rows(sql)) {
            Map<String, Object> row = new LinkedHashMap<>();
            r.forEach((k, v) -> row.put(k, v instanceof Integer i ? Long.valueOf(i) : v));
            rows.add(row);
        }
        return rows;
    }

    Object value(String sql) {
        Object v = harness.value(sql);
        return v instanceof Integer i ? Long.valueOf(i) : v;
    }

    static long epoch(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }


    // ---------------------------------------------------------------- CSV edge cases

    @Test
    void csvWithQuotesLineBreaksCrlfBomAndATrailingEmptyLine() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String csv = "id,name,email,signup,notes\r\n"
                + "c1,\"Acme, Inc.\",ops@acme.test,2026-01-05,\"line one\r\nline two\"\r\n"
                + "c2,\"Say \"\"hi\"\"\",b@b.test,2026-01-06T10:00:00Z,\r\n"
                + "c3,Plain,c@c.test,2026-01-07,\"a,b\"\r\n"
                + "\r\n";
        byte[] content = new byte[bom.length + csv.getBytes(UTF_8).length];
        System.arraycopy(bom, 0, content, 0, bom.length);
        System.arraycopy(csv.getBytes(UTF_8), 0, content, bom.length, csv.getBytes(UTF_8).length);
        write("customers.csv", content);

        SyncReport report = harness.sync(customers("customers.csv", "attribute.notes", "notes"));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), report.counts());
        assertEquals(List.of(
                Map.of("external_id", "c1", "name", "Acme, Inc.", "email", "ops@acme.test", "signup_at", epoch("2026-01-05T00:00:00Z")),
                Map.of("external_id", "c2", "name", "Say \"hi\"", "email", "b@b.test", "signup_at", epoch("2026-01-06T10:00:00Z")),
                Map.of("external_id", "c3", "name", "Plain", "email", "c@c.test", "signup_at", epoch("2026-01-07T00:00:00Z"))),
                rows("SELECT external_id, name, email, signup_at FROM customers ORDER BY external_id"));
        assertEquals(List.of(Map.of("value", "line one\r\nline two"), Map.of("value", "a,b")),
                rows("SELECT a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id ORDER BY c.external_id"));
        assertEquals(List.of(), harness.rejects("crm"));
    }

    @Test
    void otherDelimitersAndTsv() throws Exception {
        write("semi.csv", "id;name;email;signup\nc1;Acme;a@a.test;2026-01-01\n");
        write("tabs.tsv", "id\tname\temail\tsignup\nc2\tTabs, Ltd\tt@t.test\t2026-01-02\n");
        assertEquals(new PageCounts(1, 1, 0, 0, 0), harness.sync(customers("semi.csv", "delimiter", ";")).counts());
        Map<String, Object> p = props("id", "tabs", "path", "tabs.tsv");
        p.putAll(props(CUSTOMERS));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), harness.sync(source(p)).counts());
        assertEquals("Tabs, Ltd", value("SELECT name FROM customers WHERE external_id = 'c2'"));
    }

    @Test
    void anotherEncodingAndBadBytes() throws Exception {
        write("latin.csv", "id,name,email,signup\nc1,Société Générale,s@g.test,2026-01-01\n".getBytes(ISO_8859_1));
        SyncReport utf8 = harness.sync(customers("latin.csv"));
        assertEquals(SyncReport.Outcome.COMPLETE, utf8.outcome());
        assertEquals(new PageCounts(1, 0, 0, 0, 1), utf8.counts());
        assertEquals(List.of("latin.csv: the header is not valid UTF-8 text (set encoding, e.g. encoding = windows-1252)"),
                reasons("crm"));
        Map<String, Object> p = props("id", "latin", "path", "latin.csv", "encoding", "ISO-8859-1");
        p.putAll(props(CUSTOMERS));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), harness.sync(source(p)).counts());
        assertEquals("Société Générale", value("SELECT name FROM customers WHERE source = 'latin'"));
    }

    @Test
    void aChurnExportBecomesCancellationsWithTheirReasons() throws Exception {
        write("customers.csv", customerRows(0, 3));
        harness.sync(customers("customers.csv"));
        // one row per customer; only those with Churn = Yes cancelled, the reason from two columns
        write("churn.csv", "id,Churn,Churn Category,Churn Reason,Snapshot\n"
                + "c0,Yes,Price,Competitor made better offer,2024-06-01\n"
                + "c1,No,,,2024-06-01\n"
                + "c2,Yes,Dissatisfaction,,2024-06-01\n"
                + "c9,Yes,Price,Price too high,2024-06-01\n");
        FileSource churn = source("id", "churn", "path", "churn.csv", "entity", "cancellations", "map.externalId", "id",
                "map.customer", "id", "customerSource", "crm", "map.canceledAt", "Snapshot", "map.reason", "Churn Category + Churn Reason",
                "value.reason.Price|Competitor made better offer", "competitor offer", "where.Churn", "Yes");
        SyncReport report = harness.sync(churn);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(4, 2, 0, 0, 1, 0, 0, 1), report.counts(), "c1 left out, c9 waits for its customer");
        assertEquals(List.of(Map.of("external_id", "c0", "reason", "competitor offer"), Map.of("external_id", "c2", "reason", "Dissatisfaction|")),
                rows("SELECT external_id, reason FROM cancellations ORDER BY external_id"));
        assertEquals(List.of("no customer crm:c9 in the store"), reasons("churn"));

        write("bad.csv", "id,Snapshot\nc0,2024-06-01\n");
        SyncReport missing = harness.sync(source("id", "bad", "path", "bad.csv", "entity", "cancellations", "map.externalId", "id",
                "map.customer", "id", "customerSource", "crm", "map.canceledAt", "Snapshot", "where.Churn", "Yes"));
        assertEquals(SyncReport.Outcome.COMPLETE, missing.outcome());
        assertEquals(List.of("bad.csv has no column 'Churn' (where.Churn); its columns are id, Snapshot"), reasons("bad"));
    }

    // ---------------------------------------------------------------- JSON Lines

    @Test
    void jsonLinesWithNestedFieldsAndBadLines() throws Exception {
        write("customers.csv", "id,name,email,signup\nc1,Acme,a@a.test,2026-01-01\nc2,Beta,b@b.test,2026-01-01\n");
        harness.sync(customers("customers.csv"));
        write("events/2026-03-01.jsonl", String.join("\n",
                "{\"event\":\"login\",\"userId\":\"u1\",\"timestamp\":\"2026-03-01T10:00:00Z\",\"context\":{\"groupId\":\"c1\"}}",
                "",
                "{\"event\":\"create_report\",\"userId\":42,\"timestamp\":\"2026-03-01T11:00:00.250Z\",\"context\":{\"groupId\":\"c2\"},\"tags\":[\"a\",\"b\"]}",
                "{not json",
                "[1, 2]",
                "{\"event\":\"login\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"context\":{\"groupId\":\"c1\"}}",
                "{\"event\":\"login\",\"userId\":\"u3\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"context\":{\"groupId\":\"c404\"}}",
                "{\"event\":null,\"userId\":\"u4\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"context\":{\"groupId\":\"c1\"}}",
                ""));
        FileSource events = source("id", "events", "path", "events", "entity", "usage_events", "map.userId", "userId",
                "map.event", "event", "map.occurredAt", "timestamp", "map.customer", "context.groupId", "customerSource", "crm");
        SyncReport report = harness.sync(events);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(7, 2, 0, 0, 5), report.counts());
        assertEquals(List.of(
                Map.of("external_id", "2026-03-01.jsonl:1", "user_id", "u1", "event", "login", "occurred_at", epoch("2026-03-01T10:00:00Z")),
                Map.of("external_id", "2026-03-01.jsonl:3", "user_id", "42", "event", "create_report", "occurred_at", epoch("2026-03-01T11:00:00Z"))),
                rows("SELECT external_id, user_id, event, occurred_at FROM usage_events ORDER BY external_id"));
        assertEquals(List.of(
                "line 4 is not valid JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name",
                "line 5 is not a JSON object",
                "missing event (column event)",
                "missing userId (column userId)",
                "no customer crm:c404 in the store"), reasons("events"));
        assertTrue(harness.rejects("events").stream().anyMatch(r -> r.raw().equals("2026-03-01.jsonl:5: [1, 2]")));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(events).counts(), "nothing new");
    }

    // ---------------------------------------------------------------- the contract every connector keeps

    @Test
    void aFirstSyncThenASecondThatChangesNothing() throws Exception {
        Path file = write("customers.csv", customerRows(0, 5));
        FileSource source = customers("customers.csv");
        SyncReport first = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), first.counts());
        assertEquals(5, harness.count("customers"));

        SyncReport second = harness.sync(source);
        assertEquals(new PageCounts(0, 0, 0, 0, 0), second.counts(), "a file already read is not read again");

        touch(file); // the same rows again, as a re-exported file
        SyncReport again = harness.sync(source);
        assertEquals(new PageCounts(5, 0, 0, 5, 0), again.counts(), "re-read: all unchanged");
        assertEquals(5, harness.count("customers"));
        assertEquals(0, harness.count("customer_attributes"));
    }

    @Test
    void aRowEditedAtTheSourceIsUpdatedNotDuplicated() throws Exception {
        Path file = write("customers.csv", customerRows(0, 5));
        FileSource source = customers("customers.csv");
        harness.sync(source);
        Files.writeString(file, customerRows(0, 5).replace("Customer 3,", "Customer Three,"));
        touch(file);
        assertEquals(new PageCounts(5, 0, 1, 4, 0), harness.sync(source).counts());
        assertEquals(5, harness.count("customers"));
        assertEquals("Customer Three", value("SELECT name FROM customers WHERE external_id = 'c3'"));
    }

    @Test
    void rowsWithoutAnIdColumnGetTheFileNameAndRowNumber() throws Exception {
        Path file = write("tickets.csv", "created,priority\n2026-02-01,high\n2026-02-02,low\n2026-02-03,urgent\n");
        FileSource tickets = source("id", "desk", "path", "tickets.csv", "entity", "tickets", "map.createdAt", "created",
                "map.priority", "priority");
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(tickets).counts());
        assertEquals(List.of(Map.of("external_id", "tickets.csv:2", "priority", "high"),
                Map.of("external_id", "tickets.csv:3", "priority", "low"),
                Map.of("external_id", "tickets.csv:4", "priority", "urgent")),
                rows("SELECT external_id, priority FROM tickets ORDER BY external_id"));
        Files.writeString(file, "created,priority\n2026-02-01,high\n2026-02-02,normal\n2026-02-03,urgent\n");
        touch(file);
        assertEquals(new PageCounts(3, 0, 1, 2, 0), harness.sync(tickets).counts(), "the same rows are found again by their number");
        assertEquals(3, harness.count("tickets"));
    }

    @Test
    void aSyncThatFailsMidFileResumesWithoutLosingOrDoublingAnything() throws Exception {
        write("customers.csv", customerRows(0, 25));
        FileSource source = customers("customers.csv", "pageSize", "10");
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source, 3));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 3", failed.message());
        assertEquals(new PageCounts(20, 20, 0, 0, 0), failed.counts());
        assertEquals(20, harness.count("customers"));
        assertTrue(harness.store().cursor("crm").orElseThrow().contains("\"rows\":20,\"done\":false"),
                harness.store().cursor("crm").orElseThrow());

        SyncReport resumed = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), resumed.counts(), "only the rows after the last committed page");
        assertEquals(25, harness.count("customers"));
        assertEquals(25L, value("SELECT count(DISTINCT external_id) FROM customers"));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(source).counts());
    }

    @Test
    void aFileReplacedAfterAFailureIsReadAgainFromItsFirstRow() throws Exception {
        Path file = write("customers.csv", customerRows(0, 25));
        FileSource source = customers("customers.csv", "pageSize", "10");
        harness.sync(SourceHarness.failingOnCommit(source, 2));
        assertEquals(10, harness.count("customers"));
        Files.writeString(file, customerRows(0, 30));
        SyncReport resumed = harness.sync(source);
        assertEquals(new PageCounts(30, 20, 0, 10, 0), resumed.counts());
        assertEquals(30, harness.count("customers"));
    }

    @Test
    void aSyncAskedToStopResumesWhereItStopped() throws Exception {
        write("customers.csv", customerRows(0, 25));
        FileSource source = customers("customers.csv", "pageSize", "10");
        AtomicInteger pages = new AtomicInteger();
        SyncReport stopped = harness.sync(source, (s, page, total) -> pages.incrementAndGet(), () -> pages.get() >= 1);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(10, 10, 0, 0, 0), stopped.counts());
        assertEquals(new PageCounts(15, 15, 0, 0, 0), harness.sync(source).counts());
        assertEquals(25, harness.count("customers"));
    }

    // ---------------------------------------------------------------- folders

    @Test
    void aDropFolderPicksUpNewFilesAndRereadsChangedOnes() throws Exception {
        Path a = write("drop/2026-03-01.csv", customerRows(0, 3));
        FileSource source = customers("drop", "interval", "300");
        assertEquals(Duration.ofMinutes(5), source.interval());
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(source).counts());

        write("drop/2026-03-02.csv", customerRows(3, 5));
        write("drop/2026-03-03.csv.part", customerRows(5, 9));
        write("drop/.2026-03-03.csv", customerRows(5, 9));
        write("drop/readme.txt", "not data");
        Files.createDirectories(dir.resolve("drop/archive.csv"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), harness.sync(source).counts(), "only the new file");
        assertEquals(5, harness.count("customers"));

        Files.writeString(a, customerRows(0, 3).replace("Customer 1,", "Customer One,") + "c20,Customer 20,c20@example.com,2026-01-05\n");
        touch(a);
        Files.delete(dir.resolve("drop/2026-03-02.csv"));
        assertEquals(new PageCounts(4, 1, 1, 2, 0), harness.sync(source).counts(), "the changed file, again from its first row");
        String cursor = harness.store().cursor("crm").orElseThrow();
        assertTrue(cursor.contains("\"2026-03-01.csv\""), cursor);
        assertFalse(cursor.contains("2026-03-02.csv"), "a deleted file is forgotten: " + cursor);
        assertEquals(6, harness.count("customers"), "records of a deleted file stay");
    }

    @Test
    void filesOfAFolderAreReadInNameOrderInPages() throws Exception {
        write("drop/b.csv", customerRows(10, 13));
        write("drop/a.csv", customerRows(0, 3));
        write("drop/c.jsonl", "{\"id\":\"j1\",\"name\":\"Json\",\"email\":\"j@j.test\",\"signup\":\"2026-01-01\"}\n");
        List<PageCounts> pages = new ArrayList<>();
        SyncReport report = harness.sync(customers("drop", "pageSize", "2"), (s, page, total) -> pages.add(page), () -> false);
        assertEquals(new PageCounts(7, 7, 0, 0, 0), report.counts());
        assertEquals(List.of(2L, 1L, 2L, 1L, 1L), pages.stream().map(PageCounts::read).toList(), "a.csv 2+1, b.csv 2+1, c.jsonl 1");
        assertEquals("Json", value("SELECT name FROM customers WHERE external_id = 'j1'"));
    }

    // ---------------------------------------------------------------- bad rows and bad files

    @Test
    void everyKindOfBadRowLandsInTheRejectsWithItsReason() throws Exception {
        write("customers.csv", customerRows(1, 2));
        harness.sync(customers("customers.csv"));
        write("subs.csv", String.join("\n",
                "id,customer,plan,interval,amount,currency,start,end",
                "s1,c1,pro,month,49.00,USD,2026-01-01,",
                ",c1,pro,month,49.00,USD,2026-01-01,",
                "s3,c1,pro,month,49.00,USD,31/02/2026,",
                "s4,c1,pro,month,-5.00,USD,2026-01-01,",
                "s5,c1,pro,fortnight,5.00,USD,2026-01-01,",
                "s6,,pro,month,5.00,USD,2026-01-01,",
                "s7,c404,pro,month,5.00,USD,2026-01-01,",
                "s8,c1,pro,month,5.00,EUR,2026-01-01,",
                "s9,c1,pro",
                "s10,c1,pro,month,5.00,USD,2026-02-01,2026-01-01",
                "s11,c1,pro,month,5.00,XYZ,2026-01-01,",
                "s12,c1,pro,year,600,USD,2026-01-01,"));
        FileSource subs = source("id", "billing", "path", "subs.csv", "entity", "subscriptions", "map.externalId", "id",
                "map.customer", "customer", "customerSource", "crm", "map.plan", "plan", "map.interval", "interval",
                "map.amount", "amount", "map.currency", "currency", "map.startedAt", "start", "map.endedAt", "end");
        SyncReport report = harness.sync(subs);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome());
        assertEquals(new PageCounts(12, 2, 0, 0, 10), report.counts());
        assertEquals(List.of(
                "amount: '-5.00' is negative",
                "currency EUR is not the store's currency USD (Vitals keeps every amount in one currency)",
                "currency: 'XYZ' is not an ISO 4217 currency code (e.g. USD, EUR)",
                "endedAt 2026-01-01T00:00:00Z is before startedAt 2026-02-01T00:00:00Z",
                "interval: 'fortnight' is not one of day, week, month, quarter, year",
                "missing customer (column customer)",
                "missing externalId (column id)",
                "no customer crm:c404 in the store",
                "row 10 has 3 values but the header has 8 columns",
                "startedAt: '31/02/2026' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)"),
                reasons("billing"));
        assertTrue(harness.rejects("billing").stream().anyMatch(r -> r.raw().equals("subs.csv:3: \"\",c1,pro,month,49.00,USD,2026-01-01,")
                && r.reason().equals("missing externalId (column id)")));
        assertEquals(List.of(Map.of("external_id", "s1", "mrr_cents", 4900L), Map.of("external_id", "s12", "mrr_cents", 5000L)),
                rows("SELECT external_id, mrr_cents FROM subscriptions ORDER BY external_id"));

        write("nps.csv", "email,score,date\nx@y.test,11,2026-01-01\nc1@example.com,9,01/02/2026\nc1@example.com,10,2026-01-02\n");
        FileSource nps = source("id", "nps", "path", "nps.csv", "entity", "survey_responses", "map.email", "email",
                "map.score", "score", "map.answeredAt", "date", "default.type", "nps");
        assertEquals(new PageCounts(3, 1, 0, 0, 2), harness.sync(nps).counts());
        assertEquals(List.of("answeredAt: '01/02/2026' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)",
                "score: '11' is outside the nps scale 0..10"), reasons("nps"));
        assertEquals(Map.of("external_id", "nps.csv:4", "score", 10L, "matched", 1L),
                rows("SELECT external_id, score, customer_id IS NOT NULL AS matched FROM survey_responses").get(0));
    }

    @Test
    void aFileWithoutAMappedColumnIsOneRejectUntilItIsFixed() throws Exception {
        Path file = write("customers.csv", "id,name,signup\nc1,Acme,2026-01-01\n");
        FileSource source = customers("customers.csv");
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome());
        assertEquals(new PageCounts(1, 0, 0, 0, 1), report.counts());
        assertEquals(List.of(new Rejected("crm", harness.rejects("crm").get(0).at(), "customers.csv",
                "customers.csv has no column 'email' (map.email); its columns are id, name, signup")), harness.rejects("crm"));
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(source).counts(), "not rejected again");
        Files.writeString(file, "ID,Name,Email,Signup\nc1,Acme,a@a.test,2026-01-01\n");
        assertEquals(new PageCounts(1, 1, 0, 0, 0), harness.sync(source).counts(), "fixed, and columns match in any case");
    }

    @Test
    void csvThatBreaksMidFileKeepsTheRowsBeforeAndRejectsTheRest() throws Exception {
        write("customers.csv", "id,name,email,signup\nc1,Acme,a@a.test,2026-01-01\nc2,\"Bad\"x,b@b.test,2026-01-01\nc3,C,c@c.test,2026-01-01\n");
        SyncReport report = harness.sync(customers("customers.csv"));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome());
        assertEquals(new PageCounts(2, 1, 0, 0, 1), report.counts());
        List<Rejected> rejects = harness.rejects("crm");
        assertEquals(1, rejects.size());
        assertTrue(rejects.get(0).reason().startsWith("customers.csv: from row 3 on, the CSV cannot be read: "), rejects.get(0).reason());
        assertEquals(1, harness.count("customers"));
    }

    @Test
    void anEmptyFileIsNoRows() throws Exception {
        write("customers.csv", "");
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(customers("customers.csv")).counts());
        write("only-header.csv", "id,name,email,signup\r\n");
        assertEquals(new PageCounts(0, 0, 0, 0, 0), harness.sync(customers("only-header.csv")).counts());
        assertEquals(List.of(), harness.rejects("crm"));
    }

    @Test
    void aPathThatIsNotThereFailsTheSyncInOneLine() {
        SyncReport report = harness.sync(customers("imports/nope.csv"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("imports/nope.csv does not exist (path is relative to the Vitals home)", report.message());
    }

    @Test
    void aFileOfUnknownFormat() throws Exception {
        write("data.dat", customerRows(0, 1));
        assertEquals("cannot tell the format of data.dat from its extension: set format = csv or jsonl",
                harness.sync(customers("data.dat")).message());
        assertEquals(new PageCounts(1, 1, 0, 0, 0), harness.sync(customers("data.dat", "format", "csv")).counts());
    }

    // ---------------------------------------------------------------- configuration

    String refused(String... kv) {
        Map<String, Object> p = props("id", "x", "path", "c.csv");
        p.putAll(props(CUSTOMERS));
        p.putAll(props(kv));
        return assertThrows(IllegalArgumentException.class, () -> source(p)).getMessage();
    }

    @Test
    void aConfigurationIsCheckedWhenTheSourceStarts() {
        assertEquals("path is required: a file or folder, relative to the Vitals home (e.g. path = imports/tickets.csv)",
                refused("path", " "));
        assertEquals("format must be auto, csv or jsonl; got 'xml'", refused("format", "xml"));
        assertEquals("delimiter must be one character other than a quote (e.g. , or ; or |) or tab; got ';;'", refused("delimiter", ";;"));
        assertEquals("encoding = UTF-9 is not a character set this Java knows (e.g. UTF-8, ISO-8859-1, windows-1252)",
                refused("encoding", "UTF-9"));
        assertEquals("pageSize must be between 1 and 100000; got 0", refused("pageSize", "0"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -1", refused("interval", "-1"));
        assertTrue(refused("entity", "clients").startsWith("entity must be one of customers, subscriptions"));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters, digits,"
                + " dots, dashes, underscores); got 'no way'", refused("id", "No Way"));
    }

    @Test
    void theIdComesFromTheFileNameAndSettingsShowTheMapping() {
        Map<String, Object> p = props("path", "imports/zendesk", "felix.fileinstall.filename",
                "file:/opt/vitals/etc/vitals.source.file-zendesk.cfg", "format", "csv", "delimiter", "\t", "interval", "900",
                "entity", "tickets", "map.externalId", "Id", "map.createdAt", "Created at", "customerBy", "email", "map.customer", "Requester");
        FileSource source = source(p);
        assertEquals("zendesk", source.id());
        assertEquals("file", source.kind());
        assertEquals(Duration.ofMinutes(15), source.interval());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("path", "imports/zendesk");
        expected.put("format", "csv");
        expected.put("delimiter", "tab");
        expected.put("encoding", "UTF-8");
        expected.put("pageSize", "1000");
        expected.put("interval", "900");
        expected.put("entity", "tickets");
        expected.put("map.externalId", "Id");
        expected.put("map.customer", "Requester");
        expected.put("map.createdAt", "Created at");
        expected.put("dateFormat", "iso");
        expected.put("timezone", "UTC");
        expected.put("amountsIn", "major");
        expected.put("duplicates", "last");
        expected.put("customerSource", "(this source)");
        expected.put("customerBy", "email");
        assertEquals(expected, source.settings());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(source.settings().keySet()));
    }

    @Test
    void aPathOutsideTheHomeIsRefusedUnlessItsFolderIsAllowed() throws Exception {
        Path elsewhere = Files.createTempDirectory("vitals-file-test");
        try {
            Files.writeString(elsewhere.resolve("c.csv"), customerRows(0, 2));
            String outside = elsewhere.resolve("c.csv").toString();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> customers(outside));
            assertEquals("path = " + outside + " is outside the Vitals home (" + dir.toAbsolutePath().normalize() + "); put the file"
                    + " under the home, or allow its folder in etc/vitals.properties: vitals.sources.allowedRoots = /path/to/folder",
                    refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> customers("../../../../../../../etc/passwd"), "no way out by ..");
            Files.createSymbolicLink(dir.resolve("link"), elsewhere);
            assertThrows(IllegalArgumentException.class, () -> customers("link/c.csv"), "nor through a link");

            Map<String, Object> p = props("id", "crm", "path", outside);
            p.putAll(props(CUSTOMERS));
            FileSource allowed = new FileSource(Configs.of(FileSource.Config.class, p), p, dir, List.of(elsewhere));
            assertEquals(new PageCounts(2, 2, 0, 0, 0), harness.sync(allowed).counts(), "an allowed root is read as it is");
        } finally {
            Files.deleteIfExists(dir.resolve("link"));
            Files.deleteIfExists(elsewhere.resolve("c.csv"));
            Files.deleteIfExists(elsewhere);
        }
    }

    @Test
    void aSecondRowWithAnIdReadBeforeIsADuplicateNotASilentUpdate() throws Exception {
        write("dup.csv", "id,name,email,signup\nc1,First,c1@example.com,2026-01-01\nc2,Second,c2@example.com,2026-01-02\n"
                + "c1,First again,c1@example.com,2026-01-01\n");
        SyncReport last = harness.sync(customers("dup.csv"));
        assertEquals(new PageCounts(3, 2, 0, 0, 0, 1, 0), last.counts(), "two customers and one duplicate");
        assertEquals("First again", harness.value("SELECT name FROM customers WHERE external_id = 'c1'"), "the last row wins");

        write("dup2.csv", "id,name,email,signup\nd1,One,d1@example.com,2026-01-01\nd1,Other,d1@example.com,2026-01-01\n");
        SyncReport rejecting = harness.sync(customers("dup2.csv", "duplicates", "reject"));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), rejecting.counts());
        assertEquals("One", harness.value("SELECT name FROM customers WHERE external_id = 'd1'"), "the first kept");
        assertEquals(List.of("a second row with id d1 in this pass: the first is kept (duplicates = reject)"),
                harness.rejects("crm").stream().map(r -> r.reason()).toList());
    }

    @Test
    void aSubscriptionExportWithAChangedAtColumnIsHistoryFromThoseMoments() throws Exception {
        write("c.csv", customerRows(0, 1));
        harness.sync(customers("c.csv"));
        // one seat of 20.00 from 01-05, two from 03-10: two rows of one subscription, each from its own moment
        write("subs.csv", "id,customer,amount,start,seats,changed\n"
                + "s1,c0,20.00,2026-01-05T00:00:00Z,1,2026-01-05T00:00:00Z\n"
                + "s1,c0,20.00,2026-01-05T00:00:00Z,2,2026-03-10T00:00:00Z\n");
        Map<String, Object> p = props("id", "billing", "path", dir.resolve("subs.csv").toString(), "entity", "subscriptions",
                "map.externalId", "id", "map.customer", "customer", "customerSource", "crm", "map.amount", "amount",
                "default.currency", "USD", "map.startedAt", "start", "map.quantity", "seats", "map.changedAt", "changed");
        SyncReport report = harness.sync(source(p));
        assertEquals(new PageCounts(2, 1, 1, 0, 0), report.counts());
        assertEquals(List.of("s1 2000 1767571200 1773100800 source", "s1@1773100800 4000 1773100800 null source"),
                harness.rows("SELECT external_id, mrr_cents, started_at, ended_at, changed_by FROM subscriptions ORDER BY started_at").stream()
                        .map(r -> r.get("external_id") + " " + r.get("mrr_cents") + " " + r.get("started_at") + " " + r.get("ended_at") + " "
                                + r.get("changed_by")).toList());
    }

    @Test
    void aCompleteExportTellsDeletionsByTheRowsGoneFromIt() throws Exception {
        write("all.csv", customerRows(0, 3));
        assertEquals(new PageCounts(3, 3, 0, 0, 0), harness.sync(customers("all.csv", "complete", "true")).counts());
        write("subs.csv", "id,customer,amount,start\ns0,c0,10.00,2026-01-05T00:00:00Z\ns1,c1,20.00,2026-01-05T00:00:00Z\n");
        Map<String, Object> subs = props("id", "billing", "path", dir.resolve("subs.csv").toString(), "entity", "subscriptions",
                "map.externalId", "id", "map.customer", "customer", "customerSource", "crm", "map.amount", "amount",
                "default.currency", "USD", "map.startedAt", "start", "complete", "true");
        harness.sync(source(subs));

        // c1 is gone from the export; so is its subscription s1: both deleted from this sync on, their past kept
        long before = java.time.Instant.now().getEpochSecond();
        write("all.csv", "id,name,email,signup\nc0,Customer 0,c0@example.com,2026-01-01\nc2,Customer 2,c2@example.com,2026-01-03\n");
        Files.setLastModifiedTime(dir.resolve("all.csv"), java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(10)));
        SyncReport gone = harness.sync(customers("all.csv", "complete", "true"));
        assertEquals(new PageCounts(2, 0, 1, 2, 0), gone.counts(), gone.toString());
        Object deleted = harness.value("SELECT deleted_at FROM customers WHERE external_id = 'c1'");
        assertTrue(deleted != null && ((Number) deleted).longValue() >= before, "marked deleted now: " + deleted);
        assertEquals(null, harness.value("SELECT deleted_at FROM customers WHERE external_id = 'c0'"));
        // a customer deleted in the CRM does not end another source's subscriptions: the billing export says when s1 went
        assertEquals(null, harness.value("SELECT ended_at FROM subscriptions WHERE external_id = 's1'"));
        write("subs.csv", "id,customer,amount,start\ns0,c0,10.00,2026-01-05T00:00:00Z\n");
        Files.setLastModifiedTime(dir.resolve("subs.csv"), java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(20)));
        assertEquals(new PageCounts(1, 0, 1, 1, 0), harness.sync(source(subs)).counts());
        Object ended = harness.value("SELECT ended_at FROM subscriptions WHERE external_id = 's1'");
        assertTrue(ended != null && ((Number) ended).longValue() >= before, "ended when the export no longer held it: " + ended);
        assertEquals(null, harness.value("SELECT ended_at FROM subscriptions WHERE external_id = 's0'"));
        assertEquals(2000L, ((Number) harness.value("SELECT mrr_cents FROM subscriptions WHERE external_id = 's1'")).longValue(),
                "its past stays");
        assertEquals(PageCounts.NONE, harness.sync(source(subs)).counts(), "an unchanged file is not read again");
    }
}
