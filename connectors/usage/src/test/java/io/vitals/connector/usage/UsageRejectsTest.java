package io.vitals.connector.usage;

import static io.vitals.connector.usage.UsageData.track;
import static io.vitals.connector.usage.UsageData.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** Every kind of bad line lands in the rejects with its file, line, reason and the raw line. */
class UsageRejectsTest {

    @TempDir
    Path home;
    SourceHarness harness;

    @BeforeEach
    void open() {
        harness = SourceHarness.in(home);
        UsageData.customers(harness, "billing", "acct-1");
    }

    @AfterEach
    void close() {
        harness.close();
    }

    record Bad(String line, String reason) {
    }

    @Test
    void everyKindOfBadLineIsRejectedWithItsReasonAndRawLine() throws IOException {
        List<Bad> bad = List.of(
                new Bad("this is not json", "bad.jsonl line 1 is not JSON: Unrecognized token 'this'"),
                new Bad("[1,2,3]", "bad.jsonl line 2 is not a JSON object"),
                new Bad("{\"type\":\"track\",\"event\":\"A\"", "bad.jsonl line 3 is not JSON: Unexpected end-of-input"),
                new Bad("{\"a\":1} {\"b\":2}", "bad.jsonl line 4 is not one JSON object: more follows it on the line"),
                new Bad("{\"userId\":\"u1\"}", "bad.jsonl line 5: no type (track, identify or group) and no event"),
                new Bad("{\"type\":\"track\",\"event\":\"A\",\"anonymousId\":\"anon-1\",\"timestamp\":\"2026-01-10T12:00:00Z\"}",
                        "bad.jsonl line 6: track call without userId (anonymousId only: an anonymous visitor is no product user)"),
                new Bad("{\"type\":\"track\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\",\"context\":{\"groupId\":\"acct-1\"}}",
                        "bad.jsonl line 7: track call without event"),
                new Bad("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"context\":{\"groupId\":\"acct-1\"}}",
                        "bad.jsonl line 8: no timestamp"),
                new Bad("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"timestamp\":\"10/01/2026 12:00\"}",
                        "bad.jsonl line 9: timestamp '10/01/2026 12:00' is not an ISO 8601 time with its zone, such as"
                                + " 2026-01-10T12:00:00.123Z"),
                new Bad("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00\"}",
                        "bad.jsonl line 10: timestamp '2026-01-10T12:00:00' is not an ISO 8601 time with its zone, such as"
                                + " 2026-01-10T12:00:00.123Z"),
                new Bad("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\",\"context\":{}}",
                        "bad.jsonl line 11: no account in context.groupId, properties.accountId, properties.groupId"),
                new Bad("{\"type\":\"identify\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\",\"traits\":{\"email\":\"a@b.c\"}}",
                        "bad.jsonl line 12: identify of user u1 names no account (context.groupId, properties.accountId,"
                                + " properties.groupId, traits.company.id); a product user needs its account"),
                new Bad("{\"type\":\"identify\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\",\"traits\":{\"createdAt\":"
                        + "\"last tuesday\",\"company\":{\"id\":\"acct-1\"}}}",
                        "bad.jsonl line 13: traits.createdAt 'last tuesday' is not a time (ISO 8601, or epoch seconds or milliseconds)"),
                new Bad("{\"type\":\"group\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\"}",
                        "bad.jsonl line 14: group call without groupId"),
                new Bad("{\"type\":\"group\",\"anonymousId\":\"x\",\"groupId\":\"acct-1\",\"timestamp\":\"2026-01-10T12:00:00Z\"}",
                        "bad.jsonl line 15: group call without userId (anonymousId only: an anonymous visitor is no product user)"),
                new Bad("{\"type\":\"purchase\",\"userId\":\"u1\"}", "bad.jsonl line 16: type 'purchase' is no Segment call this"
                        + " source reads (track, identify, group; page, screen and alias are passed over)"),
                // the store's own reason: an account billing does not have
                new Bad(track("m-x", "u9", "A", "2026-01-10T12:00:00Z", "acct-9"), "no customer billing:acct-9 in the store"));
        String[] lines = bad.stream().map(Bad::line).toArray(String[]::new);
        write(home.resolve("usage"), "bad.jsonl", lines);
        write(home.resolve("usage"), "good.jsonl", track("m1", "u1", "A", "2026-01-10T12:00:00Z", "acct-1"),
                "{\"type\":\"identify\",\"userId\":\"u1\",\"timestamp\":\"2026-01-10T12:00:00Z\",\"traits\":{\"createdAt\":1700000000,"
                        + "\"company\":{\"id\":\"acct-1\"}}}");
        SyncReport report = harness.sync(UsageData.source(home, 1000));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        // 19 lines; the event m-x and its user u9 rejected by the store; m1 and u1 landed
        assertEquals(new PageCounts(19, 2, 0, 0, 18), report.counts());
        // stored once: the event's and the user's reject are the same row for the same reason
        List<Rejected> rejects = harness.rejects("product").stream().sorted(Comparator.comparing(Rejected::reason)).toList();
        List<Bad> expected = bad.stream().sorted(Comparator.comparing(Bad::reason)).toList();
        assertEquals(expected.size(), rejects.size(), rejects.toString());
        for (int i = 0; i < expected.size(); i++) {
            String reason = rejects.get(i).reason();
            if (expected.get(i).reason().contains("is not JSON")) { // Jackson's words after its first ones
                assertTrue(reason.startsWith(expected.get(i).reason()), reason);
            } else {
                assertEquals(expected.get(i).reason(), reason);
            }
            assertEquals(expected.get(i).line(), rejects.get(i).raw());
        }
        // createdAt as epoch seconds
        assertEquals(1_700_000_000L, ((Number) harness.value("SELECT created_at FROM users WHERE user_id = 'u1'")).longValue());
    }

    @Test
    void withoutACustomerSourceTheAccountsAreThisSourcesOwnCustomers() throws IOException {
        write(home.resolve("usage"), "a.jsonl", track("m1", "u1", "A", "2026-01-10T12:00:00Z", "acct-1"));
        SyncReport report = harness.sync(UsageData.source(home, 1000, "customerSource", ""));
        assertEquals(new PageCounts(1, 0, 0, 0, 2), report.counts());
        // the event and its user, one raw line and one reason: kept once
        assertEquals(List.of("no customer product:acct-1 in the store"),
                harness.rejects("product").stream().map(Rejected::reason).toList());
    }
}
