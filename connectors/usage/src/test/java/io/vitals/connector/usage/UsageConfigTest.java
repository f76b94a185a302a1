package io.vitals.connector.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
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
class UsageConfigTest {

    static final Path HOME = Path.of("/opt/vitals");
    static final String EXAMPLE = "examples/vitals.source.usage-example.cfg";

    static UsageSource source(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.usage-product.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        // /var/segment is allowed as etc/vitals.properties would allow it
        return new UsageSource(UsageData.config(values), HOME, java.util.List.of(java.nio.file.Path.of("/var/segment")));
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
        UsageSource s = source();
        assertEquals("product", s.id());
        assertEquals("usage", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(settings("id", "product", "folder", "data/usage", "pageSize", "5000",
                "accountPath", "context.groupId, properties.accountId, properties.groupId", "customerSource", "product",
                "eventNames", "asis", "archive", "false", "settleSeconds", "300", "interval", "0"), s.settings());
    }

    @Test
    void everyKeySet() {
        UsageSource s = source("id", "Segment", "folder", "/var/segment/out", "pageSize", 20000, "accountPath",
                "properties.account_id ,context.groupId", "customerSource", "billing", "eventNames", "snake_case",
                "archive", true, "settleSeconds", -1L, "interval", 60L);
        assertEquals("segment", s.id());
        assertEquals(Duration.ofMinutes(1), s.interval());
        assertEquals(settings("id", "segment", "folder", "/var/segment/out", "pageSize", "20000",
                "accountPath", "properties.account_id, context.groupId", "customerSource", "billing", "eventNames", "snake_case",
                "archive", "true", "settleSeconds", "-1", "interval", "60"), s.settings());
    }

    @Test
    void theShippedExampleIsAWorkingConfigurationWithEveryKey() throws Exception {
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EXAMPLE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Properties p = new Properties();
        p.load(new StringReader(text));
        Map<String, Object> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, v));
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.usage-example.cfg");
        UsageSource s = new UsageSource(UsageData.config(values), HOME);
        assertEquals(settings("id", "example", "folder", "data/usage", "pageSize", "5000",
                "accountPath", "context.groupId, properties.accountId, properties.groupId", "customerSource", "billing",
                "eventNames", "asis", "archive", "false", "settleSeconds", "300", "interval", "300"), s.settings());
        for (java.lang.reflect.Method m : UsageSource.Config.class.getDeclaredMethods()) {
            String key = m.getName();
            if (!key.equals("felix_fileinstall_filename")) {
                assertTrue(p.containsKey(key) || text.contains("#" + key + " = "), "the example lacks " + key);
            }
        }
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("folder is required: the drop folder of the JSON Lines files, relative to the Vitals home"
                + " (e.g. folder = data/usage)", refused("folder", " "));
        assertEquals("pageSize must be from 1 to 100000 lines; got 0", refused("pageSize", 0));
        assertEquals("accountPath must list dot paths into a call, such as context.groupId or properties.accountId;"
                + " got 'context..groupId'", refused("accountPath", "context..groupId"));
        assertEquals("accountPath must name where calls carry their account, e.g. accountPath = context.groupId,"
                + " properties.accountId, properties.groupId", refused("accountPath", " , "));
        assertEquals("customerSource must be a source id such as billing or hubspot-main; got 'Billing System'",
                refused("customerSource", "Billing System"));
        assertEquals("eventNames must be asis (\"Report Built\" stays as it is) or snake_case (report_built); got 'camel'",
                refused("eventNames", "camel"));
        assertEquals("settleSeconds must be -1 (never read a last line without its newline) or a number of seconds; got -2",
                refused("settleSeconds", -2L));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -1", refused("interval", -1L));
        assertEquals("folder = /var/log is outside the Vitals home (/opt/vitals); put the file under the home, or allow its folder"
                + " in etc/vitals.properties: vitals.sources.allowedRoots = /path/to/folder", refused("folder", "/var/log"));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters,"
                + " digits, dots, dashes, underscores)", refused("felix.fileinstall.filename", ""));
    }

    @Test
    void aWrongFileIsListedAsMisconfiguredWithTheReason() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("pageSize", "0");
        properties.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.usage-product.cfg");
        UsageSourceComponent component = new UsageSourceComponent(UsageData.config(properties), properties, null);
        assertEquals("product", component.id());
        assertEquals("usage", component.kind());
        assertEquals(Optional.of("pageSize must be from 1 to 100000 lines; got 0"), component.problem());
    }
}
