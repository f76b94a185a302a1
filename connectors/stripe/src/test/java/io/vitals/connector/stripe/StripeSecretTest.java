package io.vitals.connector.stripe;

import static io.vitals.connector.stripe.StripeData.customer;
import static io.vitals.connector.stripe.StripeData.invoice;
import static io.vitals.connector.stripe.StripeData.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
class StripeSecretTest {

    static final String KEY = "sk_live_51SuperSecretStripeKeyNobodyMaySee9876543210";

    @TempDir
    Path dir;
    FakeStripe fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "stripe=" + KEY + "\n");
        fake = new FakeStripe(KEY);
        harness = SourceHarness.in(dir, new RetryPolicy(2, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    void assertNoKey(String where, String text) {
        assertFalse(text != null && text.contains(KEY), where + " shows the key: " + text);
    }

    @Test
    void settingsShowTheReferenceOnly() {
        StripeSource source = StripeData.source(fake, dir, 50);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "billing");
        expected.put("apiKey", "file:secrets.properties#stripe");
        expected.put("baseUrl", fake.url());
        expected.put("pageSize", "50");
        expected.put("objects", "customers,subscriptions,invoices");
        expected.put("interval", "0");
        expected.put("timeoutSeconds", "30");
        expected.put("apiVersion", "");
        expected.put("followEvents", "true");
        expected.put("historyFromInvoices", "true");
        assertEquals(expected, source.settings());
        assertEquals(expected.keySet().stream().toList(), source.settings().keySet().stream().toList());
        assertNoKey("settings", source.settings().toString());
        assertNoKey("toString", source.toString());
    }

    @Test
    void theKeyIsNowhereInReportsRejectsMessagesOrTheStore() throws Exception {
        fake.add("customers", customer("cus_1", "one@example.com", "2025-01-01"), obj("id", "cus_gone", "deleted", true));
        fake.add("invoices", invoice("in_draft", "cus_1", "draft", "2026-01-01"));
        SyncReport ok = harness.sync(StripeData.source(fake, dir, 10));
        assertEquals(new PageCounts(3, 1, 0, 0, 2), ok.counts());
        // the key went to Stripe as a bearer token (the fake answers 401 otherwise)
        for (Rejected r : harness.rejects("billing")) {
            assertNoKey("reject raw", r.raw());
            assertNoKey("reject reason", r.reason());
        }

        // a server that echoes a wrong key in its 401 (Stripe masks it; a proxy might not)
        fake.key("sk_live_theKeyTheServerWants");
        fake.echoKeyOnAuthFailure = true;
        SyncReport refused = harness.sync(StripeData.source(fake, dir, 10));
        assertEquals(SyncReport.Outcome.FAILED, refused.outcome());
        assertEquals("HTTP 401 from " + fake.url() + "/v1/events: Invalid API Key provided: <apiKey>", refused.message());
        assertNoKey("report", refused.message());

        // the exception itself, stack trace and all
        Exception thrown = assertThrows(Exception.class, () -> StripeData.source(fake, dir, 10).sync(context()));
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertNoKey("exception", trace.toString());
        assertTrue(trace.toString().contains("Invalid API Key provided: <apiKey>"), trace.toString());

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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StripeSource(
                StripeData.config(Map.of("id", "billing", "apiKey", KEY)), dir));
        assertNoKey("message", e.getMessage());
        assertEquals("apiKey must name where the secret is, not hold it: apiKey = env:VARIABLE or"
                + " apiKey = file:path/to/secrets.properties#key", e.getMessage());
    }

    @Test
    void aMissingEnvironmentVariableFailsTheSyncInOneLine() {
        StripeSource source = new StripeSource(StripeData.config(Map.of("id", "billing",
                "apiKey", "env:VITALS_TEST_STRIPE_KEY_THAT_IS_NOT_SET", "baseUrl", fake.url())), dir);
        assertEquals("env:VITALS_TEST_STRIPE_KEY_THAT_IS_NOT_SET", source.settings().get("apiKey"));
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the environment variable VITALS_TEST_STRIPE_KEY_THAT_IS_NOT_SET is not set", report.message());
        assertTrue(fake.requests.isEmpty());
    }

    /** A context that commits nothing, for calling sync directly. */
    static SyncContext context() {
        return new SyncContext() {
            @Override public Optional<String> cursor() { return Optional.empty(); }
            @Override public PageCounts commit(SourcePage page) { return PageCounts.NONE; }
            @Override public boolean stopping() { return false; }
            @Override public RetryPolicy retryPolicy() { return new RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO); }
        };
    }
}
