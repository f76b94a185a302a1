package io.vitals.connector.salesforce;

import static io.vitals.connector.salesforce.SalesforceData.account;
import static io.vitals.connector.salesforce.SalesforceData.opportunity;
import static io.vitals.connector.salesforce.SalesforceData.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/** The example configuration shipped in examples/: every key, each as the source reads it, and it syncs. */
class SalesforceExampleTest {

    static final String FILE = "vitals.source.salesforce-example.cfg";

    @TempDir
    Path home;

    static Properties example() throws Exception {
        Properties p = new Properties();
        try (InputStream in = SalesforceExampleTest.class.getClassLoader().getResourceAsStream("examples/" + FILE)) {
            assertNotNull(in, FILE);
            p.load(in);
        }
        return p;
    }

    @Test
    void theExampleNamesEveryKeyAndNothingElse() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Method m : SalesforceSource.Config.class.getDeclaredMethods()) {
            if (!m.getName().equals("id") && !m.getName().equals("felix_fileinstall_filename")) {
                keys.add(m.getName());
            }
        }
        assertEquals(keys, new TreeSet<>(example().stringPropertyNames()));
    }

    @Test
    void theExampleIsTheDefaultsAndSyncs() throws Exception {
        Properties p = example();
        Map<String, Object> props = new HashMap<>();
        p.forEach((k, v) -> props.put((String) k, v));
        props.put("felix.fileinstall.filename", "file:" + home.resolve("etc").resolve(FILE));
        SalesforceSource source = new SalesforceSource(SalesforceData.config(props), home);
        assertEquals("example", source.id());
        Map<String, String> expected = new HashMap<>(SalesforceConfigTest.defaults());
        expected.put("id", "example");
        expected.put("accessToken", "env:SALESFORCE_TOKEN");
        assertEquals(expected, source.settings());

        String token = "00DFAKE!example-token";
        Files.writeString(home.resolve("secrets.properties"), "salesforce=" + token + "\n");
        try (FakeSalesforce fake = new FakeSalesforce().acceptToken(token); SourceHarness harness = SourceHarness.in(home)) {
            fake.add("Account", account("001A", "Acme", "2025-01-05T10:00:00Z", "2025-06-01T08:00:00Z", "Owner", owner("Ana Li", "a@x.com"),
                    "Type", "Customer - Direct"));
            fake.add("Opportunity", opportunity("006A", "001A", "2025-01-06T09:00:00Z", "2025-06-02T08:00:00Z", "Amount", 100,
                    "Type", "New Customer"));
            props.put("accessToken", "file:secrets.properties#salesforce");
            props.put("instanceUrl", fake.url());
            SyncReport report = harness.sync(new SalesforceSource(SalesforceData.config(props), home));
            assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
            assertEquals(new PageCounts(2, 2, 0, 0, 0), report.counts());
            assertEquals(List.of(), harness.rejects("example"));
            assertEquals("Ana Li", harness.value("SELECT csm_owner FROM customers"));
        }
    }
}
