package io.vitals.connector.delighted;

import static io.vitals.connector.delighted.DelightedData.T0;
import static io.vitals.connector.delighted.FakeDelighted.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** The API key is used in the Authorization header and nowhere else. */
class DelightedSecretTest {

    static final String KEY = "dlgtd_live_SuperSecretDelightedKey9876543210";
    static final String BASIC = Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    FakeDelighted fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "delighted=" + KEY + "\n");
        fake = new FakeDelighted(KEY);
        harness = SourceHarness.in(dir, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    void assertNoKey(String where, String text) {
        assertFalse(text != null && (text.contains(KEY) || text.contains(BASIC)), where + " shows the key: " + text);
    }

    @Test
    void settingsShowTheReferenceOnly() {
        DelightedSource source = DelightedData.source(fake, dir, 50);
        assertEquals("file:secrets.properties#delighted", source.settings().get("apiKey"));
        assertNoKey("settings", source.settings().toString());
        assertNoKey("toString", source.toString());
    }

    @Test
    void theKeyIsNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        fake.person("p1", "ana@acme.com", "Ana");
        fake.add(response("r1", "p1", "nps", 9, "Fine", T0 + 1, T0 + 1), response("r2", "p1", "nps", 12, null, T0 + 2, T0 + 2),
                response("r3", "p1", "enps", 9, null, T0 + 3, T0 + 3));
        SyncReport ok = harness.sync(DelightedData.source(fake, dir, 10));
        assertEquals(new PageCounts(3, 1, 0, 0, 2), ok.counts());
        for (Rejected r : harness.rejects("nps")) {
            assertNoKey("reject raw", r.raw());
            assertNoKey("reject reason", r.reason());
        }

        // a server that echoes the credentials it was given in its 401 (a careless proxy might)
        fake.key("the-key-the-server-wants");
        fake.echoCredentialsOnAuthFailure = true;
        SyncReport refused = harness.sync(DelightedData.source(fake, dir, 10));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/v1/survey_responses.json: Unauthorized: invalid API key <apiKey>:",
                refused.message());
        assertNoKey("report", refused.message());

        // the exception itself, stack trace and all
        Exception thrown = assertThrows(Exception.class, () -> DelightedData.source(fake, dir, 10).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoKey("exception", trace.toString());
        assertTrue(trace.toString().contains("invalid API key <apiKey>"), trace.toString());

        // nor anywhere in the store's files
        harness.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("harness.db")).toList()) {
                assertNoKey(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        harness = SourceHarness.in(dir);
    }

    @Test
    void aKeyWrittenIntoTheConfigurationIsRefusedWithoutRepeatingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DelightedSource(
                DelightedData.config(Map.of("id", "nps", "apiKey", KEY)), dir));
        assertNoKey("message", e.getMessage());
        assertEquals("apiKey must name where the secret is, not hold it: apiKey = env:VARIABLE or"
                + " apiKey = file:path/to/secrets.properties#key", e.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        DelightedSource source = new DelightedSource(DelightedData.config(Map.of("id", "nps",
                "apiKey", "env:VITALS_TEST_DELIGHTED_KEY_THAT_IS_NOT_SET", "baseUrl", fake.url())), dir);
        assertEquals("env:VITALS_TEST_DELIGHTED_KEY_THAT_IS_NOT_SET", source.settings().get("apiKey"));
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_DELIGHTED_KEY_THAT_IS_NOT_SET is not set", report.message());
        assertTrue(fake.requests().isEmpty());
    }

    /** A context that commits nothing, for calling sync directly. */
    static SyncContext context() {
        return new SyncContext() {
            @Override public Optional<String> cursor() { return Optional.empty(); }
            @Override public PageCounts commit(SourcePage page) { return PageCounts.NONE; }
            @Override public boolean stopping() { return false; }
            @Override public RetryPolicy retryPolicy() { return new RetryPolicy(1, Duration.ZERO, Duration.ZERO); }
        };
    }
}
