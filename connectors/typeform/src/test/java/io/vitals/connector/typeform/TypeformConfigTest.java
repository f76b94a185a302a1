package io.vitals.connector.typeform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The configuration file's keys: defaults, every key, the shipped example, and one line naming the key for each mistake. */
class TypeformConfigTest {

    static final Path HOME = Path.of("/opt/vitals");
    static final String EXAMPLE = "examples/vitals.source.typeform-example.cfg";

    static TypeformSource source(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("formId", "u6nXL7");
        values.put("accessToken", "env:TYPEFORM_TOKEN");
        values.put("scoreField", "nps");
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.typeform-onboarding.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new TypeformSource(TypeformData.config(values), HOME);
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
        TypeformSource s = source();
        assertEquals("onboarding", s.id());
        assertEquals("typeform", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(settings("id", "onboarding", "formId", "u6nXL7", "accessToken", "env:TYPEFORM_TOKEN",
                "baseUrl", "https://api.typeform.com", "scoreField", "nps", "surveyType", "", "emailField", "", "emailHidden", "",
                "customerIdHidden", "", "customerSource", "", "commentField", "", "pageSize", "1000", "interval", "0",
                "timeoutSeconds", "30", "requestsPerMinute", "120"), s.settings());
    }

    @Test
    void everyKeySet() {
        TypeformSource s = source("id", "CSAT", "baseUrl", "https://api.eu.typeform.com/", "scoreField", "stars",
                "surveyType", "CSAT", "emailField", "email", "emailHidden", "mail", "customerIdHidden", "customer_id",
                "customerSource", "billing", "commentField", "why", "pageSize", 200, "interval", 900L, "timeoutSeconds", 5,
                "requestsPerMinute", 60);
        assertEquals("csat", s.id());
        assertEquals(Duration.ofMinutes(15), s.interval());
        assertEquals(settings("id", "csat", "formId", "u6nXL7", "accessToken", "env:TYPEFORM_TOKEN",
                "baseUrl", "https://api.eu.typeform.com", "scoreField", "stars", "surveyType", "csat", "emailField", "email",
                "emailHidden", "mail", "customerIdHidden", "customer_id", "customerSource", "billing", "commentField", "why",
                "pageSize", "200", "interval", "900", "timeoutSeconds", "5", "requestsPerMinute", "60"), s.settings());
    }

    @Test
    void theShippedExampleIsAWorkingConfigurationWithEveryKey() throws Exception {
        Properties p = new Properties();
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EXAMPLE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.load(new java.io.StringReader(text));
        Map<String, Object> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, v));
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.typeform-example.cfg");
        TypeformSource s = new TypeformSource(TypeformData.config(values), HOME);
        assertEquals(settings("id", "example", "formId", "u6nXL7", "accessToken", "env:TYPEFORM_TOKEN",
                "baseUrl", "https://api.typeform.com", "scoreField", "nps", "surveyType", "nps", "emailField", "email",
                "emailHidden", "email", "customerIdHidden", "customer_id", "customerSource", "hubspot-main", "commentField", "why",
                "pageSize", "1000", "interval", "3600", "timeoutSeconds", "30", "requestsPerMinute", "120"), s.settings());
        for (java.lang.reflect.Method m : TypeformSource.Config.class.getDeclaredMethods()) {
            String key = m.getName();
            if (!key.equals("felix_fileinstall_filename")) {
                assertTrue(p.containsKey(key) || text.contains("#" + key + " = "), "the example lacks " + key);
            }
        }
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("formId is required: the id at the end of the form's address (https://yours.typeform.com/to/u6nXL7 is"
                + " formId = u6nXL7)", refused("formId", ""));
        assertEquals("formId must be a form id such as u6nXL7 (letters, digits, _ and -); got 'https://x.typeform.com/to/u6'",
                refused("formId", "https://x.typeform.com/to/u6"));
        assertEquals("accessToken is required: accessToken = env:TYPEFORM_TOKEN or accessToken = file:etc/secrets.properties#typeform",
                refused("accessToken", ""));
        assertEquals("scoreField is required: the ref or id of the question that carries the score (an opinion scale, rating or"
                + " NPS question), e.g. scoreField = nps", refused("scoreField", " "));
        assertEquals("surveyType must be nps, csat or ces (or empty for Typeform's NPS question); got 'effort'",
                refused("surveyType", "effort"));
        assertEquals("customerSource is required with customerIdHidden = customer_id: the id of the source whose customer ids that"
                + " hidden field holds (e.g. customerSource = hubspot-main)", refused("customerIdHidden", "customer_id"));
        assertEquals("customerIdHidden is required with customerSource = billing: the hidden field carrying the customer id"
                + " (e.g. customerIdHidden = customer_id)", refused("customerSource", "billing"));
        assertEquals("customerSource must be a source id such as hubspot-main; got 'Hub Spot'",
                refused("customerSource", "Hub Spot", "customerIdHidden", "customer_id"));
        assertEquals("pageSize must be from 1 to 1000 (Typeform's limit); got 0", refused("pageSize", 0));
        assertEquals("pageSize must be from 1 to 1000 (Typeform's limit); got 1001", refused("pageSize", 1001));
        assertEquals("baseUrl must use https (the access token travels with every request); plain http only on a loopback"
                + " address such as http://127.0.0.1:8080; got 'http://api.typeform.com'", refused("baseUrl", "http://api.typeform.com"));
        assertEquals("baseUrl must be a URL such as https://api.typeform.com; got 'api.typeform.com'",
                refused("baseUrl", "api.typeform.com"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -1", refused("interval", -1L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
        assertEquals("requestsPerMinute must be 0 (no pacing) or more (Typeform allows 120); got -5", refused("requestsPerMinute", -5));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters,"
                + " digits, dots, dashes, underscores)", refused("felix.fileinstall.filename", ""));
    }

    @Test
    void aWrongFileIsListedAsMisconfiguredWithTheReason() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("accessToken", "env:TYPEFORM_TOKEN");
        properties.put("scoreField", "nps");
        properties.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.typeform-onboarding.cfg");
        TypeformSourceComponent component = new TypeformSourceComponent(TypeformData.config(properties), properties, null);
        assertEquals("onboarding", component.id());
        assertEquals("typeform", component.kind());
        assertEquals(Optional.of("formId is required: the id at the end of the form's address (https://yours.typeform.com/to/u6nXL7"
                + " is formId = u6nXL7)"), component.problem());
    }
}
