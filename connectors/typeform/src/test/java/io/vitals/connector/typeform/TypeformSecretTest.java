package io.vitals.connector.typeform;

import static io.vitals.connector.typeform.FakeTypeform.nps;
import static io.vitals.connector.typeform.FakeTypeform.response;
import static io.vitals.connector.typeform.FakeTypeform.why;
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
import io.vitals.testkit.SourceHarness;

/** The access token is used in the Authorization header and nowhere else. */
class TypeformSecretTest {

    static final String TOKEN = "tfp_SuperSecretTypeformToken_9876543210abcdef";

    @TempDir
    Path dir;
    FakeTypeform fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "typeform=" + TOKEN + "\n");
        fake = new FakeTypeform(TOKEN);
        fake.form(FakeTypeform.form("abc"));
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
        TypeformSource source = TypeformData.source(fake, dir, 100);
        assertEquals("file:secrets.properties#typeform", source.settings().get("accessToken"));
        assertNoToken("settings", source.settings().toString());
        assertNoToken("toString", source.toString());
    }

    @Test
    void theTokenIsNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        fake.add("abc", response("t1", "2026-01-10T12:00:00Z", List.of(nps(9))),
                response("t2", "2026-01-10T12:01:00Z", List.of(why("no score"))));
        SyncReport ok = harness.sync(TypeformData.source(fake, dir, 100));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), ok.counts());
        for (Rejected r : harness.rejects("survey")) {
            assertNoToken("reject raw", r.raw());
            assertNoToken("reject reason", r.reason());
        }

        fake.token("the-token-the-server-wants");
        fake.echoTokenOnAuthFailure = true;
        SyncReport refused = harness.sync(TypeformData.source(fake, dir, 100));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/forms/abc: Authentication credentials not found on the Request Headers"
                + " (got <accessToken>) (AUTHENTICATION_FAILED)", refused.message());

        Exception thrown = assertThrows(Exception.class, () -> TypeformData.source(fake, dir, 100).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoToken("exception", trace.toString());
        assertTrue(trace.toString().contains("(got <accessToken>)"), trace.toString());

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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TypeformSource(
                TypeformData.config(Map.of("id", "survey", "formId", "abc", "scoreField", "nps", "accessToken", TOKEN)), dir));
        assertNoToken("message", e.getMessage());
        assertEquals("accessToken must name where the secret is, not hold it: accessToken = env:VARIABLE or"
                + " accessToken = file:path/to/secrets.properties#key", e.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        TypeformSource source = TypeformData.source(fake, dir, 100, "accessToken", "env:VITALS_TEST_TYPEFORM_TOKEN_THAT_IS_NOT_SET");
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_TYPEFORM_TOKEN_THAT_IS_NOT_SET is not set", report.message());
        assertTrue(fake.calls().isEmpty());
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
