package io.vitals.connector.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The configuration file's keys: defaults, and one line naming the key for each mistake. */
class StripeConfigTest {

    static final Path HOME = Path.of("/opt/vitals");

    static StripeSource source(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("apiKey", "env:STRIPE_API_KEY");
        values.put("felix_fileinstall_filename", "file:/opt/vitals/etc/vitals.source.stripe-billing.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new StripeSource(StripeData.config(values), HOME);
    }

    static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> source(kv)).getMessage();
    }

    @Test
    void defaults() {
        StripeSource s = source();
        assertEquals("billing", s.id());
        assertEquals("stripe", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(Map.of("id", "billing", "apiKey", "env:STRIPE_API_KEY", "baseUrl", "https://api.stripe.com", "pageSize", "100",
                "objects", "customers,subscriptions,invoices", "interval", "0", "timeoutSeconds", "30", "apiVersion", "",
                "followEvents", "true", "historyFromInvoices", "true"), s.settings());
    }

    @Test
    void everyKeySet() {
        StripeSource s = source("id", "Payments", "baseUrl", "https://stripe-proxy.example.com/api/", "pageSize", 25,
                "objects", "subscriptions customers", "interval", 3600L, "timeoutSeconds", 10, "apiVersion", "2025-03-31.basil");
        assertEquals("payments", s.id());
        assertEquals(Duration.ofHours(1), s.interval());
        assertEquals(Map.of("id", "payments", "apiKey", "env:STRIPE_API_KEY", "baseUrl", "https://stripe-proxy.example.com/api",
                "pageSize", "25", "objects", "customers,subscriptions", "interval", "3600", "timeoutSeconds", "10",
                "apiVersion", "2025-03-31.basil", "followEvents", "true", "historyFromInvoices", "true"), s.settings());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("apiKey is required: apiKey = env:STRIPE_API_KEY or apiKey = file:etc/secrets.properties#stripe",
                refused("apiKey", ""));
        assertEquals("pageSize must be from 1 to 100 (Stripe's limit); got 0", refused("pageSize", 0));
        assertEquals("pageSize must be from 1 to 100 (Stripe's limit); got 101", refused("pageSize", 101));
        assertEquals("objects must list some of customers, subscriptions, invoices; got 'charges'",
                refused("objects", "customers,charges"));
        assertEquals("objects must list some of customers, subscriptions, invoices; got nothing", refused("objects", " , "));
        assertEquals("baseUrl must use https (the API key travels with every request); plain http only on a loopback address such as"
                + " http://127.0.0.1:12111; got 'http://api.stripe.com'", refused("baseUrl", "http://api.stripe.com"));
        assertEquals("baseUrl must be a URL such as https://api.stripe.com; got 'api.stripe.com'", refused("baseUrl", "api.stripe.com"));
        assertEquals("baseUrl must be a URL such as https://api.stripe.com; got 'https://api.stripe.com/?x=1'",
                refused("baseUrl", "https://api.stripe.com/?x=1"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -5", refused("interval", -5L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
        assertEquals("apiVersion must be a Stripe API version such as 2025-03-31.basil, or empty; got '2025 03'",
                refused("apiVersion", "2025 03"));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters, digits,"
                + " dots, dashes, underscores)", refused("felix_fileinstall_filename", ""));
    }
}
