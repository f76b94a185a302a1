package io.vitals.connector.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vitals.connector.Source;

/** The configuration file's keys: defaults, and one line naming the key for each mistake. */
class SalesforceConfigTest {

    static final Path HOME = Path.of("/opt/vitals");

    static Map<String, Object> values(Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("instanceUrl", "https://acme.my.salesforce.com");
        values.put("accessToken", "env:SALESFORCE_TOKEN");
        values.put("felix.fileinstall.filename", "file:/opt/vitals/etc/vitals.source.salesforce-crm.cfg");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return values;
    }

    static SalesforceSource source(Object... kv) {
        return new SalesforceSource(SalesforceData.config(values(kv)), HOME);
    }

    static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> source(kv)).getMessage();
    }

    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("id", "crm");
        d.put("instanceUrl", "https://acme.my.salesforce.com");
        d.put("apiVersion", "60.0");
        d.put("accessToken", "env:SALESFORCE_TOKEN");
        d.put("clientId", "");
        d.put("clientSecret", "");
        d.put("objects", "accounts,opportunities");
        d.put("accountQuery", "SELECT {fields} FROM Account WHERE SystemModstamp >= {since} ORDER BY SystemModstamp, Id");
        d.put("opportunityQuery", "SELECT {fields} FROM Opportunity WHERE SystemModstamp >= {since} ORDER BY SystemModstamp, Id");
        d.put("pageSize", "2000");
        d.put("requestsPerMinute", "0");
        d.put("regionField", "BillingCountry");
        d.put("industryField", "Industry");
        d.put("ownerField", "Owner.Name");
        d.put("planField", "");
        d.put("attributes", "Type,NumberOfEmployees");
        d.put("kindField", "Type");
        d.put("kindMap", "New Customer=new_business,Existing Customer - Upgrade=upsell,Existing Customer - Replacement=renewal,"
                + "Existing Customer - Downgrade=renewal");
        d.put("defaultKind", "new_business");
        d.put("wonStages", "Closed Won");
        d.put("lostStages", "Closed Lost");
        d.put("currencyField", "");
        d.put("productField", "");
        d.put("interval", "0");
        d.put("timeoutSeconds", "60");
        return d;
    }

    @Test
    void theDefaults() {
        SalesforceSource s = source();
        assertEquals("crm", s.id());
        assertEquals("salesforce", s.kind());
        assertEquals(Duration.ZERO, s.interval());
        assertEquals(defaults(), s.settings());
        assertEquals(defaults().keySet().stream().toList(), s.settings().keySet().stream().toList());
        assertEquals("SELECT Id, Name, CreatedDate, SystemModstamp, IsDeleted, Industry, BillingCountry, Owner.Name, Type, NumberOfEmployees"
                + " FROM Account WHERE SystemModstamp >= 2025-06-01T08:00:00Z ORDER BY SystemModstamp, Id",
                s.query("accounts").text("2025-06-01T08:00:00Z"));
        assertEquals("SELECT Id, AccountId, Amount, CloseDate, CreatedDate, IsClosed, IsDeleted, IsWon, StageName, SystemModstamp, Type"
                + " FROM Opportunity WHERE SystemModstamp >= 1970-01-01T00:00:00Z ORDER BY SystemModstamp, Id",
                s.query("opportunities").text(null));
        // {fields} selects IsDeleted: both are read through queryAll, deletions included
        assertEquals(true, s.query("accounts").includesDeleted());
        assertEquals(true, s.query("opportunities").includesDeleted());
    }

    @Test
    void everyKeySet() {
        SalesforceSource s = source("id", "Sales", "instanceUrl", "https://acme.my.salesforce.com/", "apiVersion", "v61.0",
                "accessToken", "", "clientId", " 3MVG9Key ", "clientSecret", "file:etc/secrets.properties#sf", "objects", "opportunities",
                "accountQuery", "SELECT Id, Name, CreatedDate FROM Account",
                "opportunityQuery", "SELECT {fields}\n  FROM Opportunity\n  WHERE IsDeleted = false AND SystemModstamp >= {since}\n"
                        + "  ORDER BY SystemModstamp ASC, Id",
                "pageSize", 500, "requestsPerMinute", 60, "regionField", "BillingState", "industryField", "", "ownerField", "Owner.Email",
                "planField", "Plan__c", "attributes", "tier=Tier__c, Owner.Name", "kindField", "Deal_Kind__c",
                "kindMap", "Expansion=upsell", "defaultKind", "cross_sell", "wonStages", "Won, Signed", "lostStages", "Lost",
                "currencyField", "CurrencyIsoCode", "productField", "Product_Line__c", "interval", 900L, "timeoutSeconds", 20);
        assertEquals("sales", s.id());
        assertEquals(Duration.ofMinutes(15), s.interval());
        Map<String, String> expected = new LinkedHashMap<>(defaults());
        expected.putAll(Map.ofEntries(Map.entry("id", "sales"), Map.entry("apiVersion", "61.0"), Map.entry("accessToken", ""),
                Map.entry("clientId", "3MVG9Key"), Map.entry("clientSecret", "file:etc/secrets.properties#sf"),
                Map.entry("objects", "opportunities"), Map.entry("accountQuery", "SELECT Id, Name, CreatedDate FROM Account"),
                Map.entry("opportunityQuery", "SELECT {fields} FROM Opportunity WHERE IsDeleted = false AND SystemModstamp >= {since}"
                        + " ORDER BY SystemModstamp ASC, Id"),
                Map.entry("pageSize", "500"), Map.entry("requestsPerMinute", "60"), Map.entry("regionField", "BillingState"),
                Map.entry("industryField", ""), Map.entry("ownerField", "Owner.Email"), Map.entry("planField", "Plan__c"),
                Map.entry("attributes", "tier=Tier__c,Owner.Name"), Map.entry("kindField", "Deal_Kind__c"),
                Map.entry("kindMap", "Expansion=upsell"), Map.entry("defaultKind", "cross_sell"), Map.entry("wonStages", "Won,Signed"),
                Map.entry("lostStages", "Lost"), Map.entry("currencyField", "CurrencyIsoCode"), Map.entry("productField", "Product_Line__c"),
                Map.entry("interval", "900"), Map.entry("timeoutSeconds", "20")));
        assertEquals(expected, s.settings());
        assertEquals(false, s.query("accounts").incremental());
        assertEquals(false, s.query("accounts").includesDeleted(), "a field list without IsDeleted: through query, no deletions");
        assertEquals(true, s.query("opportunities").includesDeleted());
        assertEquals("SELECT Id, AccountId, Amount, CloseDate, CreatedDate, IsClosed, IsDeleted, IsWon, StageName, SystemModstamp, Deal_Kind__c,"
                + " CurrencyIsoCode, Product_Line__c FROM Opportunity WHERE IsDeleted = false AND SystemModstamp >= 2025-01-01T00:00:00Z"
                + " ORDER BY SystemModstamp ASC, Id", s.query("opportunities").text("2025-01-01T00:00:00Z"));
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("instanceUrl is required: the org's My Domain address, such as https://acme.my.salesforce.com",
                refused("instanceUrl", ""));
        assertEquals("instanceUrl must use https (the token travels with every request); plain http only on a loopback address"
                + " such as http://127.0.0.1:8080; got 'http://acme.my.salesforce.com'", refused("instanceUrl", "http://acme.my.salesforce.com"));
        assertEquals("instanceUrl must be a URL such as https://acme.my.salesforce.com (no path); got"
                + " 'https://acme.my.salesforce.com/services/data'", refused("instanceUrl", "https://acme.my.salesforce.com/services/data"));
        assertEquals("apiVersion must be a REST API version such as 60.0; got '60'", refused("apiVersion", "60"));
        assertEquals("accessToken is required (accessToken = env:SALESFORCE_TOKEN), or clientId and clientSecret for the client"
                + " credentials flow (clientSecret = env:SALESFORCE_CLIENT_SECRET)", refused("accessToken", ""));
        assertEquals("give accessToken or clientId with clientSecret, not both", refused("clientId", "3MVG9", "clientSecret", "env:X"));
        assertEquals("clientSecret is required with clientId: clientSecret = env:SALESFORCE_CLIENT_SECRET or"
                + " clientSecret = file:etc/secrets.properties#salesforce", refused("accessToken", "", "clientId", "3MVG9"));
        assertEquals("clientId is required with clientSecret: the consumer key of the external client app",
                refused("accessToken", "", "clientSecret", "env:X"));
        assertEquals("clientSecret must name where the secret is, not hold it: clientSecret = env:VARIABLE or"
                + " clientSecret = file:path/to/secrets.properties#key", refused("accessToken", "", "clientId", "3MVG9", "clientSecret", "s3cr3t"));
        assertEquals("objects must list some of accounts, opportunities; got 'contacts'", refused("objects", "accounts,contacts"));
        assertEquals("pageSize must be from 200 to 2000 (Salesforce's batch sizes); got 100", refused("pageSize", 100));
        assertEquals("requestsPerMinute must be 0 (no pacing) or more; got -1", refused("requestsPerMinute", -1));
        assertEquals("accountQuery must be a SOQL query SELECT <fields or {fields}> FROM <object> ...; got 'Account'",
                refused("accountQuery", "Account"));
        assertEquals("accountQuery has the placeholder {fieldz}; only {fields} and {since} are known",
                refused("accountQuery", "SELECT {fieldz} FROM Account"));
        assertEquals("opportunityQuery uses {since}, so it must ORDER BY SystemModstamp (ascending, then Id), as the default does;"
                + " got 'SELECT {fields} FROM Opportunity WHERE SystemModstamp >= {since} ORDER BY SystemModstamp DESC'",
                refused("opportunityQuery", "SELECT {fields} FROM Opportunity WHERE SystemModstamp >= {since} ORDER BY SystemModstamp DESC"));
        assertEquals("accountQuery uses {since}, so it must select SystemModstamp (or select {fields}); got 'SELECT Id, CreatedDate"
                + " FROM Account WHERE SystemModstamp >= {since} ORDER BY SystemModstamp'",
                refused("accountQuery", "SELECT Id, CreatedDate FROM Account WHERE SystemModstamp >= {since} ORDER BY SystemModstamp"));
        assertEquals("regionField must be a field's API name or a dotted path such as Owner.Name; got 'Billing Country'",
                refused("regionField", "Billing Country"));
        assertEquals("attributes must list account fields (API names or dotted paths) or name=field, comma-separated, such as"
                + " Type,employees=NumberOfEmployees; got 'tier=Tier c'", refused("attributes", "tier=Tier c"));
        assertEquals("attributes names 'Type' twice", refused("attributes", "Type,Type=Type__c"));
        assertEquals("kindField must name an opportunity field such as Type; got nothing", refused("kindField", " "));
        assertEquals("kindMap must be value=kind pairs, comma-separated, such as New Customer=new_business,Existing Customer -"
                + " Upgrade=upsell; got 'New Customer'", refused("kindMap", "New Customer"));
        assertEquals("kindMap (for 'Partner') must be one of new_business, upsell, cross_sell, renewal; got 'partner'",
                refused("kindMap", "New Customer=new_business,Partner=partner"));
        assertEquals("kindMap maps 'new customer' twice", refused("kindMap", "New Customer=new_business,new customer=upsell"));
        assertEquals("defaultKind must be one of new_business, upsell, cross_sell, renewal; got 'new'", refused("defaultKind", "new"));
        assertEquals("wonStages and lostStages both list 'Closed'; a stage is won or lost, not both",
                refused("wonStages", "Closed", "lostStages", "Closed"));
        assertEquals("interval must be 0 (only on demand) or a number of seconds; got -1", refused("interval", -1L));
        assertEquals("timeoutSeconds must be at least 1; got 0", refused("timeoutSeconds", 0));
    }

    @Test
    void theComponentListsAWrongFileAsMisconfiguredWithTheReason() {
        Map<String, Object> props = values("apiVersion", "latest");
        Source component = new SalesforceSourceComponent(SalesforceData.config(props), props, null);
        assertEquals("crm", component.id());
        assertEquals("salesforce", component.kind());
        assertEquals(Optional.of("apiVersion must be a REST API version such as 60.0; got 'latest'"), component.problem());
        Map<String, Object> good = values();
        Source working = new SalesforceSourceComponent(SalesforceData.config(good), good, null);
        assertEquals(Optional.empty(), working.problem());
        assertEquals(List.copyOf(defaults().values()), List.copyOf(working.settings().values()));
    }
}
