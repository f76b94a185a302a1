package io.vitals.connector.zendesk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The configuration file's keys: defaults, every key, one line naming the key for each mistake, the metatype and the example. */
class ZendeskConfigTest {

    static final Path HOME = Path.of("/opt/vitals");

    static Map<String, Object> base(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("subdomain", "acme");
        values.put("email", "admin@acme.com");
        values.put("apiToken", "env:ZENDESK_API_TOKEN");
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.zendesk-support.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                values.remove((String) kv[i]);
            } else {
                values.put((String) kv[i], kv[i + 1]);
            }
        }
        return values;
    }

    static ZendeskSource source(Object... kv) {
        return new ZendeskSource(ZendeskData.config(base(kv)), HOME);
    }

    static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> source(kv)).getMessage();
    }

    @Test
    void defaults() {
        ZendeskSource s = source();
        assertEquals("support", s.id());
        assertEquals("zendesk", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(10, s.exportRequestsPerMinute());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "support");
        expected.put("subdomain", "acme");
        expected.put("baseUrl", "https://acme.zendesk.com");
        expected.put("email", "admin@acme.com");
        expected.put("apiToken", "env:ZENDESK_API_TOKEN");
        expected.put("oauthToken", "");
        expected.put("startTime", "");
        expected.put("pageSize", "1000");
        expected.put("exportRequestsPerMinute", "10");
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
        assertEquals(expected, s.settings());
    }

    @Test
    void everyKeySet() {
        ZendeskSource s = source("id", "Helpdesk", "subdomain", null, "baseUrl", "https://support.acme.com/", "email", null,
                "apiToken", null, "oauthToken", "file:etc/secrets.properties#zendesk", "startTime", "2025-01-01T06:30:00+02:00",
                "pageSize", 500, "exportRequestsPerMinute", 30, "interval", 900L, "timeoutSeconds", 20, "customerSource", "CRM",
                "organizationField", "crm_id", "planField", "plan", "regionField", "region", "csmField", "csm",
                "industryField", "industry", "attributes", " seats , tier,seats", "matchRequesterEmail", false);
        assertEquals("helpdesk", s.id());
        assertEquals(Duration.ofMinutes(15), s.interval());
        assertEquals(30, s.exportRequestsPerMinute());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "helpdesk");
        expected.put("subdomain", "");
        expected.put("baseUrl", "https://support.acme.com");
        expected.put("email", "");
        expected.put("apiToken", "");
        expected.put("oauthToken", "file:etc/secrets.properties#zendesk");
        expected.put("startTime", "2025-01-01T06:30:00+02:00");
        expected.put("pageSize", "500");
        expected.put("exportRequestsPerMinute", "30");
        expected.put("interval", "900");
        expected.put("timeoutSeconds", "20");
        expected.put("customerSource", "crm");
        expected.put("organizationField", "crm_id");
        expected.put("planField", "plan");
        expected.put("regionField", "region");
        expected.put("csmField", "csm");
        expected.put("industryField", "industry");
        expected.put("attributes", "seats,tier");
        expected.put("matchRequesterEmail", "false");
        assertEquals(expected, s.settings());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("subdomain is required: subdomain = acme for https://acme.zendesk.com (or baseUrl = https://support.acme.com)",
                refused("subdomain", null));
        assertEquals("set subdomain or baseUrl, not both (subdomain = acme is https://acme.zendesk.com)",
                refused("baseUrl", "https://acme.zendesk.com"));
        assertEquals("subdomain is the first part of the account's address only: subdomain = acme for https://acme.zendesk.com;"
                + " got 'acme.zendesk.com'", refused("subdomain", "acme.zendesk.com"));
        assertEquals("subdomain must be letters, digits and dashes, such as acme for https://acme.zendesk.com; got 'acme corp'",
                refused("subdomain", "acme corp"));
        assertEquals("baseUrl must use https (the token travels with every request); plain http only on a loopback address such"
                + " as http://127.0.0.1:8080; got 'http://support.acme.com'", refused("subdomain", null, "baseUrl", "http://support.acme.com"));
        assertEquals("baseUrl must be a URL such as https://acme.zendesk.com; got 'support.acme.com'",
                refused("subdomain", null, "baseUrl", "support.acme.com"));
        assertEquals("apiToken is required (with email): apiToken = env:ZENDESK_API_TOKEN or apiToken ="
                + " file:etc/secrets.properties#zendesk; or oauthToken = env:ZENDESK_OAUTH_TOKEN", refused("apiToken", null));
        assertEquals("email must be the e-mail address of the admin the API token belongs to (email = admin@acme.com); got ''",
                refused("email", null));
        assertEquals("email must be the e-mail address of the admin the API token belongs to (email = admin@acme.com); got 'admin'",
                refused("email", "admin"));
        assertEquals("set email and apiToken, or oauthToken, not both ways of signing in",
                refused("oauthToken", "env:ZENDESK_OAUTH_TOKEN"));
        assertEquals("oauthToken must name where the secret is, not hold it: oauthToken = env:VARIABLE or oauthToken ="
                + " file:path/to/secrets.properties#key", refused("email", null, "apiToken", null, "oauthToken", "abc123"));
        assertEquals("startTime must be a date such as 2025-01-01 or a time such as 2025-01-01T00:00:00Z, or empty for 365 days"
                + " before the first sync; got '01/01/2025'", refused("startTime", "01/01/2025"));
        assertEquals("pageSize must be from 1 to 1000 (the export's per_page limit); got 0", refused("pageSize", 0));
        assertEquals("pageSize must be from 1 to 1000 (the export's per_page limit); got 1001", refused("pageSize", 1001));
        assertEquals("exportRequestsPerMinute must be 0 (unpaced) or more; Zendesk allows 10 (30 with the High Volume add-on);"
                + " got -1", refused("exportRequestsPerMinute", -1));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -5", refused("interval", -5L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
        assertEquals("customerSource must be a source id (lower-case letters, digits, dots, dashes, underscores) such as crm;"
                + " got 'my crm'", refused("customerSource", "my crm"));
        assertEquals("organizationField is required with customerSource = crm: the key of the organization field holding the crm"
                + " customer id (such as crm_id)", refused("customerSource", "crm"));
        assertEquals("organizationField names where another source's customer id is; set customerSource to that source's id"
                + " (such as crm), or remove organizationField", refused("organizationField", "crm_id"));
        assertEquals("attributes must be organization field keys separated by commas, such as seats,tier; got 'account tier'",
                refused("attributes", "seats, account tier"));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters, digits,"
                + " dots, dashes, underscores)", refused("felix.fileinstall.filename", null));
    }

    @Test
    void aCustomerSourceNamingThisSourceIsItsOwnOrganizations() {
        ZendeskSource s = source("customerSource", "support");
        assertEquals("", s.settings().get("customerSource"));
    }

    @Test
    void aWrongConfigurationIsListedAsMisconfiguredWithTheReason() {
        Map<String, Object> props = base("pageSize", 5000);
        ZendeskSourceComponent component = new ZendeskSourceComponent(ZendeskData.config(props), props, null);
        assertEquals("support", component.id());
        assertEquals("zendesk", component.kind());
        assertEquals(Optional.of("pageSize must be from 1 to 1000 (the export's per_page limit); got 5000"), component.problem());

        Map<String, Object> good = base();
        ZendeskSourceComponent fine = new ZendeskSourceComponent(ZendeskData.config(good), good, null);
        assertEquals(Optional.empty(), fine.problem());
        assertEquals("https://acme.zendesk.com", fine.settings().get("baseUrl"));
    }

    /** The metatype connector:list shows: the kind's name and description, and a described attribute for every key. */
    @Test
    void theMetatypeDescribesTheKindAndEveryKey() throws Exception {
        String xml;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                "OSGI-INF/metatype/io.vitals.connector.zendesk.ZendeskSource$Config.xml")) {
            assertNotNull(in, "the metatype resource");
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("name=\"Source: Zendesk Support\""), xml);
        Matcher ad = Pattern.compile("<AD id=\"([^\"]+)\"[^>]*description=\"([^\"]*)\"").matcher(xml);
        Set<String> described = new TreeSet<>();
        while (ad.find()) {
            assertTrue(ad.group(2).length() > 20, ad.group(1) + " has no real description");
            described.add(ad.group(1));
        }
        assertEquals(keys(), described);
    }

    static Set<String> keys() {
        return Arrays.stream(ZendeskSource.Config.class.getDeclaredMethods()).map(Method::getName)
                .map(n -> n.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_'))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The example file names every key (the ones not set commented out) and, as it is, configures a source. */
    @Test
    void theExampleConfigurationNamesEveryKeyAndWorksAsItIs() throws Exception {
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/vitals.source.zendesk-example.cfg")) {
            assertNotNull(in, "the example");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> named = new TreeSet<>();
        Matcher key = Pattern.compile("(?m)^#?([A-Za-z_.]+) = ").matcher(text);
        while (key.find()) {
            named.add(key.group(1));
        }
        Set<String> expected = new TreeSet<>(keys());
        expected.remove("felix.fileinstall.filename"); // FileInstall's own
        assertEquals(expected, named);

        Properties p = new Properties();
        p.load(new StringReader(text));
        Map<String, Object> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, v));
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.zendesk-example.cfg");
        ZendeskSource example = new ZendeskSource(ZendeskData.config(values), HOME);
        assertEquals("example", example.id());
        assertEquals("https://acme.zendesk.com", example.settings().get("baseUrl"));
        assertEquals("env:ZENDESK_API_TOKEN", example.settings().get("apiToken"));
        assertEquals("seats,tier", example.settings().get("attributes"));
        assertEquals(Duration.ofHours(1), example.interval());
    }
}
