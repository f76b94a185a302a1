package io.vitals.connector.delighted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The configuration file's keys: defaults, every key, the shipped example, and one line naming the key for each mistake. */
class DelightedConfigTest {

    static final Path HOME = Path.of("/opt/vitals");

    static DelightedSource source(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("apiKey", "env:DELIGHTED_API_KEY");
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.delighted-nps.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new DelightedSource(DelightedData.config(values), HOME);
    }

    static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> source(kv)).getMessage();
    }

    static Map<String, String> settings(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaults() {
        DelightedSource s = source();
        assertEquals("nps", s.id());
        assertEquals("delighted", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(settings("id", "nps", "apiKey", "env:DELIGHTED_API_KEY", "baseUrl", "https://api.delighted.com",
                "pageSize", "100", "surveyType", "nps,csat,ces", "cesScale", "7", "trend", "", "customerSource", "",
                "customerIdProperty", "", "interval", "0", "timeoutSeconds", "30", "requestsPerMinute", "0"), s.settings());
    }

    @Test
    void everyKeySet() {
        DelightedSource s = source("id", "Surveys", "baseUrl", "https://delighted-proxy.example.com/", "pageSize", 50,
                "surveyType", "ces nps", "cesScale", 5, "trend", "1234", "customerSource", "hubspot-main",
                "customerIdProperty", "customer_id", "interval", 3600L, "timeoutSeconds", 10, "requestsPerMinute", 60);
        assertEquals("surveys", s.id());
        assertEquals(Duration.ofHours(1), s.interval());
        assertEquals(settings("id", "surveys", "apiKey", "env:DELIGHTED_API_KEY", "baseUrl", "https://delighted-proxy.example.com",
                "pageSize", "50", "surveyType", "nps,ces", "cesScale", "5", "trend", "1234", "customerSource", "hubspot-main",
                "customerIdProperty", "customer_id", "interval", "3600", "timeoutSeconds", "10", "requestsPerMinute", "60"),
                s.settings());
    }

    @Test
    void theShippedExampleIsAWorkingConfiguration() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/vitals.source.delighted-example.cfg")) {
            p.load(in);
        }
        Map<String, Object> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, v));
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.delighted-example.cfg");
        DelightedSource s = new DelightedSource(DelightedData.config(values), HOME);
        assertEquals("example", s.id());
        assertEquals(settings("id", "example", "apiKey", "env:DELIGHTED_API_KEY", "baseUrl", "https://api.delighted.com",
                "pageSize", "100", "surveyType", "nps,csat,ces", "cesScale", "7", "trend", "", "customerSource", "hubspot-main",
                "customerIdProperty", "customer_id", "interval", "3600", "timeoutSeconds", "30", "requestsPerMinute", "0"),
                s.settings());
        // every key of the configuration is in the example
        for (java.lang.reflect.Method m : DelightedSource.Config.class.getDeclaredMethods()) {
            String key = m.getName().replace("_", ".");
            if (!key.equals("felix.fileinstall.filename")) {
                assertEquals(true, p.containsKey(key) || readsCommentedOut(key), "the example lacks " + key);
            }
        }
    }

    private boolean readsCommentedOut(String key) throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/vitals.source.delighted-example.cfg")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("#" + key + " = ");
        }
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("apiKey is required: apiKey = env:DELIGHTED_API_KEY or apiKey = file:etc/secrets.properties#delighted",
                refused("apiKey", " "));
        assertEquals("pageSize must be from 1 to 100 (Delighted's limit); got 0", refused("pageSize", 0));
        assertEquals("pageSize must be from 1 to 100 (Delighted's limit); got 101", refused("pageSize", 101));
        assertEquals("surveyType must list some of nps, csat, ces (Delighted's 5star, smileys and thumbs are csat), or be empty"
                + " for all; got '5star'", refused("surveyType", "nps,5star"));
        assertEquals("cesScale must be 7 (Delighted's default CES question, 1 to 7) or 5 (1 to 5); got 10", refused("cesScale", 10));
        assertEquals("trend must be a Delighted trend id such as 1234 (from the trend's page address), or empty; got 'a b'",
                refused("trend", "a b"));
        assertEquals("customerSource is required with customerIdProperty = customer_id: the id of the source whose customer ids"
                + " that property holds (e.g. customerSource = hubspot-main)", refused("customerIdProperty", "customer_id"));
        assertEquals("customerIdProperty is required with customerSource = hubspot-main: the person property holding the customer"
                + " id (e.g. customerIdProperty = customer_id)", refused("customerSource", "hubspot-main"));
        assertEquals("customerSource must be a source id such as hubspot-main; got 'Hub Spot'",
                refused("customerSource", "Hub Spot", "customerIdProperty", "customer_id"));
        assertEquals("baseUrl must use https (the API key travels with every request); plain http only on a loopback address"
                + " such as http://127.0.0.1:8080; got 'http://api.delighted.com'", refused("baseUrl", "http://api.delighted.com"));
        assertEquals("baseUrl must be a URL such as https://api.delighted.com; got 'api.delighted.com'",
                refused("baseUrl", "api.delighted.com"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -5", refused("interval", -5L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
        assertEquals("requestsPerMinute must be 0 (no pacing) or more; got -1", refused("requestsPerMinute", -1));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters,"
                + " digits, dots, dashes, underscores)", refused("felix.fileinstall.filename", ""));
    }

    @Test
    void aWrongFileIsListedAsMisconfiguredWithTheReason() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("apiKey", "env:DELIGHTED_API_KEY");
        properties.put("pageSize", "500");
        properties.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.delighted-nps.cfg");
        DelightedSourceComponent component = new DelightedSourceComponent(
                DelightedData.config(properties), properties, null);
        assertEquals("nps", component.id());
        assertEquals("delighted", component.kind());
        assertEquals(java.util.Optional.of("pageSize must be from 1 to 100 (Delighted's limit); got 500"), component.problem());
    }
}
