package io.vitals.connector.hubspot;

import static io.vitals.connector.hubspot.HubSpotData.company;
import static io.vitals.connector.hubspot.HubSpotData.deal;
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
import io.vitals.testkit.FakeApi;
import io.vitals.testkit.SourceHarness;

/** The access token is used in the Authorization header and nowhere else. */
class HubSpotSecretTest {

    static final String TOKEN = "pat-na1-SuperSecretHubSpotToken-NobodyMaySee-4242";

    @TempDir
    Path dir;
    FakeHubSpot fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "hubspot=" + TOKEN + "\n");
        fake = new FakeHubSpot(TOKEN);
        harness = SourceHarness.in(dir, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    void assertNoToken(String where, String text) {
        assertFalse(text != null && text.contains(TOKEN), where + " shows the token: " + text);
    }

    @Test
    void settingsShowTheReferenceOnly() {
        HubSpotSource source = HubSpotData.source(fake, dir, 50);
        assertEquals("file:secrets.properties#hubspot", source.settings().get("accessToken"));
        assertNoToken("settings", source.settings().toString());
        assertNoToken("toString", source.toString());
    }

    @Test
    void theTokenIsNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        fake.companies.add(company("1", "2025-01-01T00:00:00.000Z", "name", "One"));
        fake.deals.add(deal("2", "1", "2025-01-02T00:00:00.000Z", "amount", "-1"));
        SyncReport ok = harness.sync(HubSpotData.source(fake, dir, 10));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), ok.counts());
        // the token went to HubSpot as a bearer token (the fake answers 401 otherwise)
        for (FakeApi.Request r : fake.api.requests()) {
            assertEquals("Bearer " + TOKEN, r.header("Authorization"));
            assertNoToken("query", r.params().toString());
        }
        for (Rejected r : harness.rejects("crm")) {
            assertNoToken("reject raw", r.raw());
            assertNoToken("reject reason", r.reason());
        }

        // a server that echoes a wrong token in its 401 (HubSpot does not; a proxy might)
        fake.acceptToken("pat-na1-theTokenTheServerWants");
        fake.echoTokenOnAuthFailure = true;
        SyncReport refused = harness.sync(HubSpotData.source(fake, dir, 10));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/crm/v3/owners: The token <accessToken> is not valid (INVALID_AUTHENTICATION)",
                refused.message());

        // the exception itself, stack trace and all
        Exception thrown = assertThrows(Exception.class, () -> HubSpotData.source(fake, dir, 10).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoToken("exception", trace.toString());
        assertTrue(trace.toString().contains("The token <accessToken> is not valid"), trace.toString());

        // nor anywhere in the store's files
        harness.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("harness.db")).toList()) {
                assertNoToken(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        harness = SourceHarness.in(dir);
    }

    @Test
    void aTokenWrittenIntoTheConfigurationIsRefusedWithoutRepeatingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HubSpotSource(HubSpotData.config(Map.of("id", "crm", "accessToken", TOKEN)), dir));
        assertNoToken("message", e.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        HubSpotSource source = new HubSpotSource(HubSpotData.config(Map.of("id", "crm",
                "accessToken", "env:VITALS_TEST_HUBSPOT_TOKEN_THAT_IS_NOT_SET", "baseUrl", fake.url())), dir);
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_HUBSPOT_TOKEN_THAT_IS_NOT_SET is not set", report.message());
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
