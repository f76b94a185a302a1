package io.vitals.connector.zendesk;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** The API token (or OAuth token) goes into the Authorization header and nowhere else. */
class ZendeskSecretTest {

    static final String TOKEN = ZendeskData.TOKEN;
    static final String OAUTH = "oauth-7c1e0d5a9b3f48e2a6d4c8b0e1f2a3b4c5d6e7f8";
    static final String BASIC = FakeZendesk.basic(ZendeskData.EMAIL, TOKEN).substring("Basic ".length());

    @TempDir
    Path dir;
    FakeZendesk fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "zendesk=" + TOKEN + "\noauth=" + OAUTH + "\n");
        fake = new FakeZendesk(FakeZendesk.basic(ZendeskData.EMAIL, TOKEN), ZendeskData.CLOCK);
        harness = SourceHarness.in(dir, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    static void assertNoSecret(String where, String text) {
        for (String secret : List.of(TOKEN, BASIC, OAUTH)) {
            assertFalse(text != null && text.contains(secret), where + " shows a secret: " + text);
        }
    }

    @Test
    void settingsShowTheReferenceOnly() {
        ZendeskSource source = ZendeskData.source(fake, dir, 50);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "support");
        expected.put("subdomain", "");
        expected.put("baseUrl", fake.url());
        expected.put("email", ZendeskData.EMAIL);
        expected.put("apiToken", "file:secrets.properties#zendesk");
        expected.put("oauthToken", "");
        expected.put("startTime", ZendeskData.START);
        expected.put("pageSize", "50");
        expected.put("exportRequestsPerMinute", "0");
        expected.put("interval", "0");
        expected.put("timeoutSeconds", "60");
        expected.put("customerSource", "");
        expected.put("organizationField", "");
        expected.put("planField", "");
        expected.put("regionField", "");
        expected.put("csmField", "");
        expected.put("industryField", "");
        expected.put("attributes", "");
        expected.put("matchRequesterEmail", "true");
        assertEquals(expected, source.settings());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(source.settings().keySet()));
        assertNoSecret("settings", source.settings().toString());
        assertNoSecret("toString", source.toString());
    }

    @Test
    void theTokenIsNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        ZendeskData.clean(fake);
        ObjectNode bad = ZendeskData.ticket(35500, "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "escalated", "normal", "web", null, 9001);
        fake.ticket(bad, ZendeskData.metrics(35500, "2026-06-01T00:00:00Z", 5, null, 0, 1));
        SyncReport ok = harness.sync(ZendeskData.source(fake, dir, 10));
        assertEquals(new PageCounts(9, 10, 0, 0, 1), ok.counts());
        // the token went to Zendesk as <email>/token:<token> (the fake answers 401 otherwise)
        assertTrue(fake.api.requests().stream().allMatch(r -> ("Basic " + BASIC).equals(r.header("Authorization"))));
        for (Rejected r : harness.rejects("support")) {
            assertNoSecret("reject raw", r.raw());
            assertNoSecret("reject reason", r.reason());
        }

        // a server that repeats the credentials it refused
        fake.authorization("Basic c29tZWJvZHkgZWxzZQ==");
        fake.echoCredentialsOnFailure = true;
        harness.store().resetCursor("support");
        SyncReport refused = harness.sync(ZendeskData.source(fake, dir, 10));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + FakeZendesk.ORGANIZATIONS + ": no account for Basic <secret>"
                + " (Couldn't authenticate you)", refused.message());
        assertNoSecret("report", refused.message());

        // the exception itself, stack trace and all
        Exception thrown = assertThrows(Exception.class, () -> ZendeskData.source(fake, dir, 10).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoSecret("exception", trace.toString());
        assertTrue(trace.toString().contains("no account for Basic <secret>"), trace.toString());

        // nor anywhere in the store's files
        harness.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("harness.db")).toList()) {
                assertNoSecret(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        harness = SourceHarness.in(dir);
    }

    @Test
    void anOAuthTokenIsSentAsABearerToken() {
        fake.authorization("Bearer " + OAUTH);
        ZendeskData.clean(fake);
        ZendeskSource source = ZendeskData.source(fake, dir, 10, "email", "", "apiToken", "", "oauthToken",
                "file:secrets.properties#oauth");
        assertEquals("file:secrets.properties#oauth", source.settings().get("oauthToken"));
        assertEquals("", source.settings().get("apiToken"));
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(new PageCounts(8, 10, 0, 0, 0), report.counts());
        assertTrue(fake.api.requests().stream().allMatch(r -> ("Bearer " + OAUTH).equals(r.header("Authorization"))));
        assertNoSecret("settings", source.settings().toString());
    }

    @Test
    void aTokenWrittenIntoTheConfigurationIsRefusedWithoutRepeatingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZendeskData.source(fake, dir, 10,
                "apiToken", TOKEN));
        assertNoSecret("message", e.getMessage());
        assertEquals("apiToken must name where the secret is, not hold it: apiToken = env:VARIABLE or"
                + " apiToken = file:path/to/secrets.properties#key", e.getMessage());
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> ZendeskData.source(fake, dir, 10,
                "email", "", "apiToken", "", "oauthToken", OAUTH));
        assertNoSecret("message", o.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        ZendeskSource source = ZendeskData.source(fake, dir, 10, "apiToken", "env:VITALS_TEST_ZENDESK_TOKEN_THAT_IS_NOT_SET");
        assertEquals("env:VITALS_TEST_ZENDESK_TOKEN_THAT_IS_NOT_SET", source.settings().get("apiToken"));
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_ZENDESK_TOKEN_THAT_IS_NOT_SET is not set", report.message());
        assertTrue(fake.api.requests().isEmpty());
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
