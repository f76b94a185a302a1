package io.vitals.connector.hubspot;

import static io.vitals.connector.hubspot.HubSpotData.company;
import static io.vitals.connector.hubspot.HubSpotData.deal;
import static io.vitals.connector.hubspot.HubSpotData.owner;
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
class HubSpotExampleTest {

    static final String FILE = "vitals.source.hubspot-example.cfg";

    @TempDir
    Path home;

    static Properties example() throws Exception {
        Properties p = new Properties();
        try (InputStream in = HubSpotExampleTest.class.getClassLoader().getResourceAsStream("examples/" + FILE)) {
            assertNotNull(in, FILE);
            p.load(in);
        }
        return p;
    }

    @Test
    void theExampleNamesEveryKeyAndNothingElse() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Method m : HubSpotSource.Config.class.getDeclaredMethods()) {
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
        HubSpotSource source = new HubSpotSource(HubSpotData.config(props), home);
        assertEquals("example", source.id());
        Map<String, String> expected = new HashMap<>(HubSpotConfigTest.defaults());
        expected.put("id", "example");
        assertEquals(expected, source.settings());

        String token = "pat-na1-example-token-0000";
        Files.writeString(home.resolve("secrets.properties"), "hubspot=" + token + "\n");
        try (FakeHubSpot fake = new FakeHubSpot(token); SourceHarness harness = SourceHarness.in(home)) {
            fake.owners.add(owner("41", "ana@example.com", "Ana", "Li"));
            fake.companies.add(company("501", "2025-01-05T10:00:00.000Z", "name", "Acme", "hubspot_owner_id", "41",
                    "lifecyclestage", "customer"));
            fake.deals.add(deal("901", "501", "2025-01-06T09:00:00.000Z", "amount", "100", "dealtype", "newbusiness"));
            props.put("accessToken", "file:secrets.properties#hubspot");
            props.put("baseUrl", fake.url());
            SyncReport report = harness.sync(new HubSpotSource(HubSpotData.config(props), home));
            assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
            assertEquals(new PageCounts(2, 2, 0, 0, 0), report.counts());
            assertEquals(List.of(), harness.rejects("example"));
            assertEquals("Ana Li", harness.value("SELECT csm_owner FROM customers"));
        }
    }
}
