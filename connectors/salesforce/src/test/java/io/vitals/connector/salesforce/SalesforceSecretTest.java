package io.vitals.connector.salesforce;

import static io.vitals.connector.salesforce.SalesforceData.account;
import static io.vitals.connector.salesforce.SalesforceData.opportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

/** The access token, the client secret and the tokens it gets are sent where they belong and appear nowhere else. */
class SalesforceSecretTest {

    static final String TOKEN = "00DFAKE0000009!SuperSecretSalesforceSessionNobodyMaySee";
    static final String CLIENT_SECRET = "E7F1SuperSecretConsumerSecretNobodyMaySee0042";
    /** The session tokens the fake issues all contain this. */
    static final String ISSUED = "SessionTokenValue";

    @TempDir
    Path dir;
    FakeSalesforce fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "salesforce=" + TOKEN + "\nclient=" + CLIENT_SECRET + "\n");
        fake = new FakeSalesforce().acceptToken(TOKEN).client("3MVG9Key", CLIENT_SECRET);
        fake.add("Account", account("001A", "One", "2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"));
        fake.add("Opportunity", opportunity("006A", "001A", "2025-01-02T00:00:00Z", "2025-06-02T00:00:00Z", "Amount", new BigDecimal("-1")));
        harness = SourceHarness.in(dir, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    void assertNoSecret(String where, String text) {
        for (String secret : List.of(TOKEN, CLIENT_SECRET, ISSUED)) {
            assertFalse(text != null && text.contains(secret), where + " shows a secret: " + text);
        }
    }

    SalesforceSource clientCredentials() {
        return SalesforceData.source(fake, dir, "accessToken", "", "clientId", "3MVG9Key", "clientSecret", "file:secrets.properties#client");
    }

    @Test
    void settingsShowTheReferencesOnly() {
        SalesforceSource token = SalesforceData.source(fake, dir);
        assertEquals("file:secrets.properties#salesforce", token.settings().get("accessToken"));
        SalesforceSource client = clientCredentials();
        assertEquals("file:secrets.properties#client", client.settings().get("clientSecret"));
        assertEquals("3MVG9Key", client.settings().get("clientId"));
        for (SalesforceSource s : List.of(token, client)) {
            assertNoSecret("settings", s.settings().toString());
            assertNoSecret("toString", s.toString());
        }
    }

    @Test
    void secretsAreNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        SyncReport ok = harness.sync(SalesforceData.source(fake, dir));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), ok.counts());
        SyncReport viaClient = harness.sync(clientCredentials());
        assertEquals(SyncReport.Outcome.COMPLETE, viaClient.outcome(), viaClient.message());
        for (FakeApi.Request r : fake.api.requests()) {
            assertNoSecret("query string", r.params().toString());
        }
        for (Rejected r : harness.rejects("crm")) {
            assertNoSecret("reject raw", r.raw());
            assertNoSecret("reject reason", r.reason());
        }

        // a server that echoes the token in its 401 (Salesforce does not; a proxy might)
        fake.expireSessions();
        fake.echoTokenOnAuthFailure = true;
        SyncReport refused = harness.sync(SalesforceData.source(fake, dir));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/services/data/v60.0/queryAll/: INVALID_SESSION_ID: Session <secret> expired or invalid",
                refused.message());
        Exception thrown = assertThrows(Exception.class, () -> SalesforceData.source(fake, dir).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoSecret("exception", trace.toString());
        assertTrue(trace.toString().contains("Session <secret> expired or invalid"), trace.toString());

        // refused client credentials: the OAuth error in the message, never the secret sent
        fake.client("3MVG9Key", "another-secret");
        SyncReport noToken = harness.sync(clientCredentials());
        assertEquals("the token request to " + fake.url() + "/services/oauth2/token answered HTTP 400: invalid_client"
                + " (invalid client credentials)", noToken.message());

        harness.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("harness.db")).toList()) {
                assertNoSecret(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        harness = SourceHarness.in(dir);
    }

    @Test
    void secretsWrittenIntoTheConfigurationAreRefusedWithoutRepeatingThem() {
        IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
                () -> new SalesforceSource(SalesforceData.config(Map.of("id", "crm", "instanceUrl", fake.url(), "accessToken", TOKEN)), dir));
        assertNoSecret("message", token.getMessage());
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> new SalesforceSource(SalesforceData.config(Map.of("id", "crm", "instanceUrl", fake.url(), "clientId", "3MVG9Key",
                        "clientSecret", CLIENT_SECRET)), dir));
        assertNoSecret("message", secret.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        SalesforceSource source = new SalesforceSource(SalesforceData.config(Map.of("id", "crm", "instanceUrl", fake.url(),
                "accessToken", "env:VITALS_TEST_SALESFORCE_TOKEN_THAT_IS_NOT_SET")), dir);
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_SALESFORCE_TOKEN_THAT_IS_NOT_SET is not set", report.message());
        assertTrue(fake.api.requests().isEmpty());
    }

    static SyncContext context() {
        return new SyncContext() {
            @Override public Optional<String> cursor() { return Optional.empty(); }
            @Override public PageCounts commit(SourcePage page) { return PageCounts.NONE; }
            @Override public boolean stopping() { return false; }
            @Override public RetryPolicy retryPolicy() { return new RetryPolicy(1, Duration.ZERO, Duration.ZERO); }
        };
    }
}
