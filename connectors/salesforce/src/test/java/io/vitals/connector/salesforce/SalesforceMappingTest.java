package io.vitals.connector.salesforce;

import static io.vitals.connector.salesforce.SalesforceData.account;
import static io.vitals.connector.salesforce.SalesforceData.opportunity;
import static io.vitals.connector.salesforce.SalesforceData.owner;
import static io.vitals.connector.salesforce.SalesforceData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.testkit.SourceHarness;

/** How accounts and opportunities map: kinds, stages, values, fields and attributes, and the rows rejected with their reasons. */
class SalesforceMappingTest {

    static final String TOKEN = "00DFAKE0000002!MappingTestToken";
    static final String CREATED = "2025-05-01T00:00:00Z";

    @TempDir
    Path dir;
    FakeSalesforce fake;
    SourceHarness harness;
    int modified;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "salesforce=" + TOKEN + "\n");
        fake = new FakeSalesforce().acceptToken(TOKEN);
        harness = SourceHarness.in(dir, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    SyncReport sync(Object... kv) {
        SyncReport report = harness.sync(SalesforceData.source(fake, dir, kv));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        return report;
    }

    /** An opportunity without an account, modified a minute after the one before. */
    ObjectNode opp(String id, Object... kv) {
        modified++;
        return opportunity(id, null, CREATED, String.format("2025-06-01T08:%02d:00Z", modified), kv);
    }

    List<String> deals() {
        return harness.rows("SELECT * FROM deals ORDER BY external_id").stream()
                .map(d -> d.get("external_id") + " " + d.get("kind") + " " + d.get("stage") + " " + d.get("amount_cents")).toList();
    }

    List<String> reasons() {
        return harness.rejects("crm").stream().map(Rejected::reason).sorted().toList();
    }

    @Test
    void theStandardTypePicklistMapsToKinds() {
        fake.add("Opportunity", opp("006A", "Type", "New Customer"), opp("006B", "Type", "existing customer - upgrade"),
                opp("006C", "Type", "Existing Customer - Replacement"), opp("006D", "Type", "Existing Customer - Downgrade"),
                opp("006E"), opp("006F", "Type", " "), opp("006G", "Type", "Partner"));
        assertEquals(new PageCounts(7, 6, 0, 0, 1), sync().counts());
        assertEquals(List.of("006A new_business open 0", "006B upsell open 0", "006C renewal open 0", "006D renewal open 0",
                "006E new_business open 0", "006F new_business open 0"), deals());
        assertEquals(List.of("opportunity 006G: Type 'Partner' is not in kindMap (it maps New Customer, Existing Customer - Upgrade,"
                + " Existing Customer - Replacement, Existing Customer - Downgrade)"), reasons());
    }

    @Test
    void aCustomKindFieldMapAndDefault() {
        fake.add("Opportunity", opp("006A", "Deal_Kind__c", "Expansion", "Type", "New Customer"), opp("006B", "Deal_Kind__c", "Cross-sell"),
                opp("006C", "Deal_Kind__c", "renewal"), opp("006D", "Deal_Kind__c", null), opp("006E", "Deal_Kind__c", "New Customer"));
        sync("kindField", "Deal_Kind__c", "kindMap", "Expansion=upsell, Cross-sell=cross_sell, Renewal=renewal", "defaultKind", "renewal");
        assertTrue(fake.requests().get(1).contains("SystemModstamp, Deal_Kind__c FROM Opportunity"), fake.requests().get(1));
        assertEquals(List.of("006A upsell open 0", "006B cross_sell open 0", "006C renewal open 0", "006D renewal open 0"), deals());
        assertEquals(List.of("opportunity 006E: Deal_Kind__c 'New Customer' is not in kindMap (it maps Expansion, Cross-sell, Renewal)"),
                reasons());
    }

    @Test
    void theStageFromIsWonAndIsClosedElseFromTheStageName() {
        fake.add("Opportunity", opp("006A", "IsClosed", true, "IsWon", true, "StageName", "Negotiation"),
                opp("006B", "IsClosed", true, "IsWon", false, "StageName", "Closed Won"),
                opp("006C", "IsClosed", false, "IsWon", false, "StageName", "Closed Lost"),
                opp("006D", "IsClosed", "true", "IsWon", "false"),
                opp("006E", "IsWon", "yes"));
        sync();
        assertEquals(List.of("006A new_business won 0", "006B new_business lost 0", "006C new_business open 0", "006D new_business lost 0"),
                deals());
        assertEquals(List.of("opportunity 006E: IsWon 'yes' is neither true nor false"), reasons());
    }

    @Test
    void aQueryWithoutTheClosedFlagsTakesTheStageNames() {
        fake.add("Opportunity", opp("006A", "StageName", "Closed Won"), opp("006B", "StageName", "signed"),
                opp("006C", "StageName", "Closed Lost"), opp("006D", "StageName", "Lost to competitor"), opp("006E", "StageName", "Proposal"));
        sync("objects", "opportunities", "opportunityQuery", "SELECT Id, AccountId, Amount, CloseDate, CreatedDate, StageName,"
                + " SystemModstamp, Type FROM Opportunity WHERE SystemModstamp >= {since} ORDER BY SystemModstamp, Id",
                "wonStages", "Closed Won, Signed", "lostStages", "Closed Lost,Lost to competitor");
        assertEquals(List.of("006A new_business won 0", "006B new_business won 0", "006C new_business lost 0",
                "006D new_business lost 0", "006E new_business open 0"), deals());
    }

    @Test
    void valuesAreParsedAndWhatDoesNotParseIsRejectedNamingFieldAndValue() {
        ObjectNode noId = account("001X", "No id", "2025-03-04T10:15:00Z", "2025-06-01T07:00:00Z");
        noId.putNull("Id");
        ObjectNode badCreated = account("001D", "Bad date", "2025-03-04T10:15:00Z", "2025-06-01T07:00:04Z");
        badCreated.put("CreatedDate", "yesterday");
        ObjectNode noCreated = account("001E", "No date", "2025-03-04T10:15:00Z", "2025-06-01T07:00:05Z");
        noCreated.putNull("CreatedDate");
        fake.add("Account", noId,
                account("001A", "Plain", "2025-03-04T10:15:00Z", "2025-06-01T07:00:01Z"),
                account("001B", "Offset", "2025-03-04T10:15:00Z", "2025-06-01T07:00:02Z"),
                badCreated, noCreated);
        ((ObjectNode) fake.objects.get("Account").get(2)).put("CreatedDate", "2025-03-04T10:15:00.000+0100");
        fake.add("Opportunity",
                opp("006A", "Amount", new BigDecimal("1500.5"), "CloseDate", "2026-03-31", "CurrencyIsoCode", "usd"),
                opp("006B", "Amount", 1500),
                opp("006C", "Amount", new BigDecimal("99.995")),
                opp("006D", "Amount", null),
                opp("006E", "Amount", 0),
                opp("006F", "Amount", new BigDecimal("-5")),
                opp("006G", "Amount", "12,50"),
                opp("006H", "CloseDate", "31/03/2026"),
                opp("006I", "Amount", 250, "CurrencyIsoCode", "EUR"));
        SyncReport report = sync("currencyField", "CurrencyIsoCode");
        assertEquals(new PageCounts(14, 7, 0, 0, 7), report.counts());
        assertEquals(List.of("001A " + t("2025-03-04T10:15:00Z"), "001B " + t("2025-03-04T09:15:00Z")),
                harness.rows("SELECT external_id, signup_at FROM customers ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("signup_at")).toList());
        assertEquals(List.of("006A 150050 USD " + t("2026-03-31"), "006B 150000 null null", "006C 10000 null null", "006D 0 null null",
                "006E 0 null null"), harness.rows("SELECT external_id, amount_cents, currency, closed_at FROM deals ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("amount_cents") + " " + r.get("currency") + " " + r.get("closed_at"))
                        .toList());
        assertEquals(List.of(
                "account 001D: CreatedDate 'yesterday' is not a datetime",
                "account 001E: CreatedDate is missing",
                "account without an Id",
                "currency EUR is not the store's currency USD (Vitals keeps every amount in one currency)",
                "opportunity 006F: Amount -5 is negative",
                "opportunity 006G: Amount '12,50' is not a number",
                "opportunity 006H: CloseDate '31/03/2026' is not a date"), reasons());
        Rejected negative = harness.rejects("crm").stream().filter(r -> r.reason().startsWith("opportunity 006F")).findFirst().orElseThrow();
        assertTrue(negative.raw().startsWith("{\"attributes\":{\"type\":\"Opportunity\",\"url\":\"/services/data/v60.0/sobjects/Opportunity/006F\"},"
                + "\"Id\":\"006F\""), negative.raw());
        assertTrue(negative.raw().contains("\"Amount\":-5"), negative.raw());
    }

    @Test
    void configuredFieldsLandAsSegmentsAndAttributes() {
        fake.add("Account",
                account("001A", "Gold One", "2025-03-04T10:15:00Z", "2025-06-01T07:00:01Z", "BillingState", "Bavaria", "Industry", "Software",
                        "Owner", owner("Ana Li", "ana@example.com"), "Plan__c", "pro", "Tier__c", "gold", "NumberOfEmployees", 120,
                        "AnnualRevenue", new BigDecimal("1.5E7")),
                account("001B", "Silver", "2025-03-04T10:15:00Z", "2025-06-01T07:00:02Z", "BillingState", "Ohio",
                        "Owner", owner("Bo Chen", "bo@example.com"), "Plan__c", "basic", "Tier__c", "silver"),
                account("001C", "Gold Two", "2025-03-04T10:15:00Z", "2025-06-01T07:00:03Z", "Tier__c", "gold", "Owner", null));
        sync("objects", "accounts", "regionField", "BillingState", "ownerField", "Owner.Email", "planField", "Plan__c",
                "industryField", "", "attributes", "tier=Tier__c, employees=NumberOfEmployees, AnnualRevenue, Owner.Name");
        assertEquals("queryAll SELECT Id, Name, CreatedDate, SystemModstamp, IsDeleted, BillingState, Owner.Email, Plan__c, Tier__c, NumberOfEmployees,"
                + " AnnualRevenue, Owner.Name FROM Account WHERE SystemModstamp >= 1970-01-01T00:00:00Z ORDER BY SystemModstamp, Id",
                fake.requests().get(0));
        assertEquals(List.of("001A pro Bavaria ana@example.com null", "001B basic Ohio bo@example.com null", "001C null null null null"),
                harness.rows("SELECT external_id, plan, region, csm_owner, industry FROM customers ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("plan") + " " + r.get("region") + " " + r.get("csm_owner") + " "
                                + r.get("industry")).toList());
        assertEquals(List.of("001A AnnualRevenue=15000000", "001A Owner.Name=Ana Li", "001A employees=120", "001A tier=gold",
                "001B Owner.Name=Bo Chen", "001B tier=silver", "001C tier=gold"),
                harness.rows("SELECT c.external_id, a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " ORDER BY 1, 2").stream().map(r -> r.get("external_id") + " " + r.get("name") + "=" + r.get("value")).toList());
        assertEquals(List.of("Gold One", "Gold Two"), names(Segment.of("tier", "gold")));
        assertEquals(List.of("Gold One"), names(Segment.of(Map.of("tier", "gold", "plan", "pro"))));
        assertEquals(List.of("Silver"), names(Segment.of("csm", "bo@example.com")));
    }

    List<String> names(Segment segment) {
        KpiQuery query = new KpiQuery(Period.parse("2025-01-01", "2026-01-01"), segment);
        return harness.store().query("SELECT name FROM customers ORDER BY name", query, Map.of(), r -> (String) r.get("name"));
    }

    @Test
    void opportunitiesFindTheirAccountAndOneWithoutAKnownAccountIsKeptUnmatched() {
        fake.add("Account", account("001A", "Acme", "2025-03-04T10:15:00Z", "2025-06-01T07:00:01Z"));
        fake.add("Opportunity", opportunity("006A", "001A", CREATED, "2025-06-01T08:00:00Z", "Name", "Acme seats"),
                opportunity("006B", "001Z", CREATED, "2025-06-01T08:00:01Z", "Name", "Unknown account"),
                opportunity("006C", null, CREATED, "2025-06-01T08:00:02Z", "Name", "Prospect"));
        assertEquals(new PageCounts(4, 4, 0, 0, 0), sync("productField", "Name").counts());
        assertEquals(List.of("006A 001A Acme seats", "006B null Unknown account", "006C null Prospect"),
                harness.rows("SELECT d.external_id, c.external_id AS account, d.product FROM deals d"
                        + " LEFT JOIN customers c ON c.id = d.customer_id ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("account") + " " + r.get("product")).toList());
    }

    @Test
    void aRecordInTheRecycleBinIsADeletionWhateverElseItHolds() {
        fake.add("Account", account("001A", "Acme", CREATED, "2025-06-01T07:00:01Z"), account("001B", "Globex", CREATED, "2025-06-01T07:00:02Z"));
        fake.add("Opportunity", opp("006A", "Type", "New Customer", "Amount", 100));
        assertEquals(new PageCounts(3, 3, 0, 0, 0), sync().counts());

        // deleted with what would not map as a live deal: a Type not in kindMap, a negative Amount, no CreatedDate
        ObjectNode gone = opportunity("006A", null, CREATED, "2026-02-01T12:00:00Z", "Type", "Partner", "Amount", -5, "IsDeleted", true);
        gone.putNull("CreatedDate");
        fake.replace("Opportunity", gone);
        fake.replace("Account", account("001B", "Globex", CREATED, "2025-06-02T00:00:00Z", "IsDeleted", "maybe"));
        // 001B rejected, 006A's deletion (updated)
        assertEquals(new PageCounts(2, 0, 1, 0, 1), sync().counts());
        assertEquals(List.of("account 001B: IsDeleted 'maybe' is neither true nor false"), reasons());
        // 2026-01-01 is 1,767,225,600; 1 February 12:00 is 31 days (2,678,400) and 12 h (43,200) on
        assertEquals(1_769_947_200L, ((Number) harness.store().queryRow("SELECT deleted_at FROM deals WHERE external_id = '006A'",
                KpiQuery.of(Period.month(2026, 1)), Map.of()).get("deleted_at")).longValue());
        assertEquals(List.of("006A new_business open 10000"), deals(Period.month(2026, 1)));
        assertEquals(List.of(), deals(Period.month(2026, 2)));
    }

    @Test
    void aQueryOfYourOwnSeesDeletionsOnlyWhenItSelectsIsDeleted() {
        fake.add("Account", account("001A", "Acme", CREATED, "2025-06-01T07:00:01Z"), account("001B", "Globex", CREATED, "2025-06-01T07:00:02Z"));
        fake.delete("Account", "001A", "2026-02-02T00:00:00Z");
        String live = "SELECT Id, Name, CreatedDate FROM Account ORDER BY Id";
        String all = "SELECT Id, Name, CreatedDate, IsDeleted FROM Account ORDER BY Id";
        // without IsDeleted: through query, which leaves the recycle bin out, so 001A never passes for a live account
        assertEquals(new PageCounts(1, 1, 0, 0, 0), sync("objects", "accounts", "accountQuery", live).counts());
        // with IsDeleted but not SystemModstamp: through queryAll, and 001A's deletion has no moment
        assertEquals(new PageCounts(2, 0, 0, 1, 1), sync("objects", "accounts", "accountQuery", all).counts());
        assertEquals(List.of("query " + live, "queryAll " + all), fake.requests());
        assertEquals(List.of("account 001A: deleted (IsDeleted) but without SystemModstamp, the moment it was deleted"), reasons());
        assertEquals(List.of("001B"), harness.rows("SELECT external_id FROM customers").stream().map(r -> r.get("external_id")).toList());
    }

    /** The deals a KPI query of the period sees. */
    List<String> deals(Period period) {
        return harness.store().query("SELECT * FROM deals ORDER BY external_id", KpiQuery.of(period), Map.of(),
                d -> d.get("external_id") + " " + d.get("kind") + " " + d.get("stage") + " " + d.get("amount_cents"));
    }
}
