package io.vitals.connector.hubspot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vitals.connector.Source;

/** The configuration file's keys: defaults, and one line naming the key for each mistake. */
class HubSpotConfigTest {

    static final Path HOME = Path.of("/opt/vitals");
    static final String FILE = "file:/opt/vitals/etc/vitals.source.hubspot-crm.cfg";

    static Map<String, Object> values(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("accessToken", "env:HUBSPOT_TOKEN");
        values.put("felix.fileinstall.filename", FILE);
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return values;
    }

    static HubSpotSource source(Object... kv) {
        return new HubSpotSource(HubSpotData.config(values(kv)), HOME);
    }

    static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> source(kv)).getMessage();
    }

    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("id", "crm");
        d.put("accessToken", "env:HUBSPOT_TOKEN");
        d.put("baseUrl", "https://api.hubapi.com");
        d.put("objects", "companies,deals");
        d.put("pageSize", "100");
        d.put("requestsPerMinute", "600");
        d.put("regionProperty", "country");
        d.put("industryProperty", "industry");
        d.put("planProperty", "");
        d.put("ownerDisplay", "name");
        d.put("attributes", "domain,lifecyclestage,numberofemployees");
        d.put("kindProperty", "dealtype");
        d.put("kindMap", "newbusiness=new_business,existingbusiness=upsell");
        d.put("defaultKind", "new_business");
        d.put("wonStages", "closedwon");
        d.put("lostStages", "closedlost");
        d.put("productProperty", "");
        d.put("interval", "0");
        d.put("timeoutSeconds", "30");
        return d;
    }

    @Test
    void theDefaults() {
        HubSpotSource s = source();
        assertEquals("crm", s.id());
        assertEquals("hubspot", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(Optional.empty(), s.problem());
        assertEquals(defaults(), s.settings());
        assertEquals(defaults().keySet().stream().toList(), s.settings().keySet().stream().toList());
    }

    @Test
    void everyKeySet() {
        HubSpotSource s = source("id", "Sales", "baseUrl", "https://hubspot-proxy.example.com/api/", "objects", "deals companies",
                "pageSize", 50, "requestsPerMinute", 100, "regionProperty", "hs_country_region", "industryProperty", "",
                "planProperty", "plan_tier", "ownerDisplay", "Email", "attributes", "employees = numberofemployees, domain",
                "kindProperty", "deal_motion", "kindMap", "New=new_business, Renewal=renewal", "defaultKind", "Renewal",
                "wonStages", "closedwon, 998877", "lostStages", "", "productProperty", "product_line", "interval", 3600L,
                "timeoutSeconds", 10);
        assertEquals("sales", s.id());
        assertEquals(Duration.ofHours(1), s.interval());
        Map<String, String> expected = new LinkedHashMap<>(defaults());
        expected.putAll(Map.ofEntries(Map.entry("id", "sales"), Map.entry("baseUrl", "https://hubspot-proxy.example.com/api"),
                Map.entry("pageSize", "50"), Map.entry("requestsPerMinute", "100"), Map.entry("regionProperty", "hs_country_region"),
                Map.entry("industryProperty", ""), Map.entry("planProperty", "plan_tier"), Map.entry("ownerDisplay", "email"),
                Map.entry("attributes", "employees=numberofemployees,domain"), Map.entry("kindProperty", "deal_motion"),
                Map.entry("kindMap", "new=new_business,renewal=renewal"), Map.entry("defaultKind", "renewal"),
                Map.entry("wonStages", "closedwon,998877"), Map.entry("lostStages", ""), Map.entry("productProperty", "product_line"),
                Map.entry("interval", "3600"), Map.entry("timeoutSeconds", "10")));
        assertEquals(expected, s.settings());
        assertEquals(java.util.List.of("name", "createdate", "hs_lastmodifieddate", "hubspot_owner_id", "hs_country_region",
                "plan_tier", "numberofemployees", "domain"), s.properties("companies"));
        assertEquals(java.util.List.of("dealname", "amount", "closedate", "createdate", "dealstage", "pipeline", "hs_is_closed_won",
                "hs_is_closed", "deal_currency_code", "hs_lastmodifieddate", "deal_motion", "product_line"), s.properties("deals"));
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("accessToken is required: accessToken = env:HUBSPOT_TOKEN or accessToken = file:etc/secrets.properties#hubspot",
                refused("accessToken", " "));
        assertEquals("accessToken must name where the secret is, not hold it: accessToken = env:VARIABLE or"
                + " accessToken = file:path/to/secrets.properties#key", refused("accessToken", "pat-na1-123"));
        assertEquals("pageSize must be from 1 to 100 (HubSpot's limit); got 0", refused("pageSize", 0));
        assertEquals("pageSize must be from 1 to 100 (HubSpot's limit); got 101", refused("pageSize", 101));
        assertEquals("requestsPerMinute must be 0 (no pacing) or more; got -1", refused("requestsPerMinute", -1));
        assertEquals("objects must list some of companies, deals; got 'contacts'", refused("objects", "companies,contacts"));
        assertEquals("objects must list some of companies, deals; got nothing", refused("objects", " , "));
        assertEquals("baseUrl must use https (the access token travels with every request); plain http only on a loopback address"
                + " such as http://127.0.0.1:8080; got 'http://api.hubapi.com'", refused("baseUrl", "http://api.hubapi.com"));
        assertEquals("baseUrl must be a URL such as https://api.hubapi.com; got 'api.hubapi.com'", refused("baseUrl", "api.hubapi.com"));
        assertEquals("regionProperty must be a property's internal name (letters, digits, underscores) such as country;"
                + " got 'Country/Region'", refused("regionProperty", "Country/Region"));
        assertEquals("ownerDisplay must be name, email or id; got 'fullname'", refused("ownerDisplay", "fullname"));
        assertEquals("attributes must list company properties (letters, digits, underscores) or name=property, comma-separated,"
                + " such as domain,employees=numberofemployees; got 'Company Domain'", refused("attributes", "Company Domain"));
        assertEquals("attributes must list company properties (letters, digits, underscores) or name=property, comma-separated,"
                + " such as domain,employees=numberofemployees; got '=domain'", refused("attributes", "=domain"));
        assertEquals("attributes names 'size' twice", refused("attributes", "size=numberofemployees,size=annualrevenue"));
        assertEquals("kindProperty must name a deal property such as dealtype; got nothing", refused("kindProperty", ""));
        assertEquals("kindMap must be value=kind pairs, comma-separated, such as newbusiness=new_business,existingbusiness=upsell;"
                + " got 'newbusiness'", refused("kindMap", "newbusiness"));
        assertEquals("kindMap (for 'partner') must be one of new_business, upsell, cross_sell, renewal; got 'partnership'",
                refused("kindMap", "newbusiness=new_business,partner=partnership"));
        assertEquals("kindMap maps 'NewBusiness' twice", refused("kindMap", "newbusiness=new_business,NewBusiness=upsell"));
        assertEquals("defaultKind must be one of new_business, upsell, cross_sell, renewal; got 'new business'",
                refused("defaultKind", "new business"));
        assertEquals("wonStages and lostStages both list 'closed'; a stage is won or lost, not both",
                refused("wonStages", "closedwon,closed", "lostStages", "closed"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -5", refused("interval", -5L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
        assertEquals("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id> (lower-case letters, digits,"
                + " dots, dashes, underscores)", refused("felix.fileinstall.filename", ""));
    }

    @Test
    void theComponentListsAWrongFileAsMisconfiguredWithTheReason() {
        Map<String, Object> props = values("pageSize", "500");
        Source component = new HubSpotSourceComponent(HubSpotData.config(props), props, null);
        assertEquals("crm", component.id());
        assertEquals("hubspot", component.kind());
        assertEquals(Optional.of("pageSize must be from 1 to 100 (HubSpot's limit); got 500"), component.problem());
        assertEquals("env:HUBSPOT_TOKEN", component.settings().get("accessToken"));

        Map<String, Object> good = values();
        Source working = new HubSpotSourceComponent(HubSpotData.config(good), good, null);
        assertEquals(Optional.empty(), working.problem());
        assertEquals(defaults(), working.settings());
    }
}
