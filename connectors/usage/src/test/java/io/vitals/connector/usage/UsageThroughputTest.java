package io.vitals.connector.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** 200,000 generated events through the whole path (files, parsing, pages, the store); prints the rate, asserts the counts only. */
class UsageThroughputTest {

    static final int EVENTS = 200_000;
    static final int FILES = 4;
    static final int ACCOUNTS = 100;
    static final int USERS = 2_000;

    @TempDir
    Path home;
    SourceHarness harness;

    @BeforeEach
    void open() {
        harness = SourceHarness.in(home);
        String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = "acct-" + i;
        }
        UsageData.customers(harness, "billing", accounts);
    }

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void twoHundredThousandEvents() throws IOException {
        Path folder = Files.createDirectories(home.resolve("usage"));
        String[] events = {"Report Built", "Dashboard Viewed", "Export CSV", "Invite Sent", "Login"};
        long start = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        int n = 0;
        for (int f = 0; f < FILES; f++) {
            try (BufferedWriter out = Files.newBufferedWriter(folder.resolve(String.format("2026-01-0%d.jsonl", f + 1)),
                    StandardCharsets.UTF_8)) {
                for (int i = 0; i < EVENTS / FILES; i++, n++) {
                    int user = n % USERS;
                    out.write("{\"type\":\"track\",\"event\":\"" + events[n % events.length] + "\",\"userId\":\"u-" + user
                            + "\",\"messageId\":\"ajs-" + n + "\",\"timestamp\":\"" + Instant.ofEpochSecond(start + n * 7L)
                            + "\",\"context\":{\"groupId\":\"acct-" + (user % ACCOUNTS) + "\",\"library\":{\"name\":\"analytics.js\","
                            + "\"version\":\"4.1.0\"},\"ip\":\"10.0.0." + (n % 250) + "\"},\"properties\":{\"plan\":\"pro\","
                            + "\"path\":\"/reports/" + n + "\",\"tags\":[\"a\",\"b\"]}}\n");
                }
            }
        }
        long began = System.nanoTime();
        SyncReport report = harness.sync(UsageData.source(home, 5000));
        double seconds = (System.nanoTime() - began) / 1e9;
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        System.out.printf("usage connector: %,d events in %.2f s = %,.0f events/second (%,d pages of 5,000 lines)%n", EVENTS,
                seconds, EVENTS / seconds, EVENTS / 5000);
        // every page names all 2,000 users: inserted once, unchanged on the 39 pages after
        assertEquals(new PageCounts(EVENTS, EVENTS + USERS, 0, (long) USERS * (EVENTS / 5000 - 1), 0), report.counts());
        assertEquals(EVENTS, harness.count("usage_events"));
        assertEquals(USERS, harness.count("users"));
    }
}
