package io.vitals.connector.hubspot;

import static io.vitals.connector.hubspot.FakeHubSpot.COMPANIES;
import static io.vitals.connector.hubspot.FakeHubSpot.DEALS;
import static io.vitals.connector.hubspot.FakeHubSpot.OWNERS;
import static io.vitals.connector.hubspot.HubSpotData.company;
import static io.vitals.connector.hubspot.HubSpotData.deal;
import static io.vitals.connector.hubspot.HubSpotData.owner;
import static io.vitals.connector.hubspot.HubSpotData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** How companies and deals map: kinds, stages, string values, owners, attributes, and the rows rejected with their reasons. */
class HubSpotMappingTest {

    static final String TOKEN = "pat-eu1-0badc0de-9876-4fed-8cba-fedcba987654";

    @TempDir
    Path dir;
    FakeHubSpot fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "hubspot=" + TOKEN + "\n");
        fake = new FakeHubSpot(TOKEN);
        harness = SourceHarness.in(dir, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    SyncReport sync(Object... kv) {
        SyncReport report = harness.sync(HubSpotData.source(fake, dir, 100, kv));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        return report;
    }

    List<String> deals() {
        return harness.rows("SELECT * FROM deals ORDER BY external_id").stream()
                .map(d -> d.get("external_id") + " " + d.get("kind") + " " + d.get("stage") + " " + d.get("amount_cents")).toList();
    }

    List<String> reasons() {
        return harness.rejects("crm").stream().map(Rejected::reason).sorted().toList();
    }

    static ObjectNode open(String id, String... kv) {
        String[] all = new String[kv.length + 4];
        all[0] = "hs_is_closed_won";
        all[1] = "false";
        all[2] = "hs_is_closed";
        all[3] = "false";
        System.arraycopy(kv, 0, all, 4, kv.length);
        return deal(id, null, "2025-05-01T00:00:00.000Z", all);
    }

    @Test
    void theKindComesFromTheConfiguredPropertyThroughTheMap() {
        fake.deals.add(open("1", "dealtype", "newbusiness"));
        fake.deals.add(open("2", "dealtype", "existingbusiness"));
        fake.deals.add(open("3", "dealtype", "NewBusiness"));
        fake.deals.add(open("4", "dealtype", ""));
        fake.deals.add(open("5"));
        fake.deals.add(open("6", "dealtype", "partner"));
        assertEquals(new PageCounts(6, 5, 0, 0, 1), sync().counts());
        assertEquals(List.of("1 new_business open 0", "2 upsell open 0", "3 new_business open 0", "4 new_business open 0",
                "5 new_business open 0"), deals());
        assertEquals(List.of("deal 6: dealtype 'partner' is not in kindMap (it maps newbusiness, existingbusiness)"), reasons());
    }

    @Test
    void aCustomKindPropertyMapAndDefault() {
        fake.deals.add(open("1", "deal_motion", "Renewal", "dealtype", "newbusiness"));
        fake.deals.add(open("2", "deal_motion", "Expansion"));
        fake.deals.add(open("3", "deal_motion", "cross"));
        fake.deals.add(open("4", "deal_motion", "First deal"));
        fake.deals.add(open("5"));
        fake.deals.add(open("6", "deal_motion", "newbusiness"));
        sync("kindProperty", "deal_motion", "kindMap", "renewal=renewal, Expansion=upsell, Cross=cross_sell, First deal=new_business",
                "defaultKind", "renewal");
        assertEquals("deal_motion", fake.api.requests(DEALS).get(0).param("properties").replaceAll(".*,", ""));
        assertEquals(List.of("1 renewal open 0", "2 upsell open 0", "3 cross_sell open 0", "4 new_business open 0",
                "5 renewal open 0"), deals());
        assertEquals(List.of("deal 6: deal_motion 'newbusiness' is not in kindMap (it maps renewal, expansion, cross, first deal)"),
                reasons());
    }

    @Test
    void theStageFromHubSpotsClosedFlagsElseFromTheStageIds() {
        fake.deals.add(deal("1", null, "2025-05-01T00:00:00.000Z", "hs_is_closed_won", "true", "hs_is_closed", "true",
                "dealstage", "contractsent"));
        fake.deals.add(deal("2", null, "2025-05-01T00:00:00.000Z", "hs_is_closed_won", "false", "hs_is_closed", "true",
                "dealstage", "closedwon"));
        fake.deals.add(deal("3", null, "2025-05-01T00:00:00.000Z", "hs_is_closed_won", "false", "hs_is_closed", "false",
                "dealstage", "closedlost"));
        // portals that do not give the flags: the stage ids
        fake.deals.add(deal("4", null, "2025-05-01T00:00:00.000Z", "dealstage", "closedwon"));
        fake.deals.add(deal("5", null, "2025-05-01T00:00:00.000Z", "dealstage", "closedlost"));
        fake.deals.add(deal("6", null, "2025-05-01T00:00:00.000Z", "dealstage", "qualifiedtobuy"));
        fake.deals.add(deal("7", null, "2025-05-01T00:00:00.000Z", "dealstage", "1234567"));
        fake.deals.add(deal("8", null, "2025-05-01T00:00:00.000Z", "dealstage", "7654321"));
        fake.deals.add(deal("9", null, "2025-05-01T00:00:00.000Z", "hs_is_closed_won", "yes"));
        fake.deals.add(deal("10", null, "2025-05-01T00:00:00.000Z", "hs_is_closed", "1"));
        sync("wonStages", "closedwon, 1234567", "lostStages", "closedlost,7654321");
        assertEquals(List.of("1 new_business won 0", "2 new_business lost 0", "3 new_business open 0", "4 new_business won 0",
                "5 new_business lost 0", "6 new_business open 0", "7 new_business won 0", "8 new_business lost 0"), deals());
        assertEquals(List.of("deal 10: hs_is_closed '1' is neither true nor false",
                "deal 9: hs_is_closed_won 'yes' is neither true nor false"), reasons());
    }

    @Test
    void stringPropertiesAreParsedAndWhatDoesNotParseIsRejectedNamingPropertyAndValue() {
        fake.companies.add(company("1", "2025-03-04T10:15:00.000Z", "name", "Plain"));
        fake.companies.add(company("2", "2025-03-04T10:15:00.000+01:00", "name", "Offset"));
        ObjectNode noCreatedate = company("3", "2025-03-04T10:15:00.000Z", "name", "From createdAt");
        ((ObjectNode) noCreatedate.get("properties")).putNull("createdate");
        fake.companies.add(noCreatedate);
        ObjectNode bad = company("4", "2025-03-04T10:15:00.000Z");
        ((ObjectNode) bad.get("properties")).put("createdate", "yesterday");
        fake.companies.add(bad);
        ObjectNode none = company("5", "2025-03-04T10:15:00.000Z");
        ((ObjectNode) none.get("properties")).put("createdate", "");
        none.remove("createdAt");
        fake.companies.add(none);

        fake.deals.add(open("11", "amount", "1500.50", "closedate", "2026-03-31"));
        fake.deals.add(open("12", "amount", "1500"));
        fake.deals.add(open("13", "amount", " 99.995 "));
        fake.deals.add(open("14", "amount", "1e3"));
        fake.deals.add(open("15", "amount", ""));
        ObjectNode millis = open("16", "amount", "0.01");
        ((ObjectNode) millis.get("properties")).put("createdate", "1741083300000");
        fake.deals.add(millis);
        fake.deals.add(open("17", "amount", "-5"));
        fake.deals.add(open("18", "amount", "12,50"));
        fake.deals.add(open("19", "amount", "ten"));
        fake.deals.add(open("20", "amount", "10", "closedate", "31/03/2026"));
        ObjectNode badCreated = open("21");
        ((ObjectNode) badCreated.get("properties")).put("createdate", "2025-13-01");
        fake.deals.add(badCreated);
        fake.deals.add(open("22", "amount", "250", "deal_currency_code", "eur"));

        SyncReport report = sync();
        assertEquals(new PageCounts(17, 9, 0, 0, 8), report.counts());
        assertEquals(List.of("1 " + t("2025-03-04T10:15:00Z"), "2 " + t("2025-03-04T09:15:00Z"), "3 " + t("2025-03-04T10:15:00Z")),
                harness.rows("SELECT external_id, signup_at FROM customers ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("signup_at")).toList());
        assertEquals(List.of("11 150050 " + t("2026-03-31"), "12 150000 null", "13 10000 null", "14 100000 null", "15 0 null",
                "16 1 null"), harness.rows("SELECT external_id, amount_cents, closed_at FROM deals ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("amount_cents") + " " + r.get("closed_at")).toList());
        assertEquals(1_741_083_300L, ((Number) harness.value("SELECT created_at FROM deals WHERE external_id = '16'")).longValue());
        assertEquals(List.of(
                "company 4: createdate 'yesterday' is not a date",
                "company 5: createdate is missing (and so is createdAt)",
                "currency EUR is not the store's currency USD (Vitals keeps every amount in one currency)",
                "deal 17: amount '-5' is negative",
                "deal 18: amount '12,50' is not a number",
                "deal 19: amount 'ten' is not a number",
                "deal 20: closedate '31/03/2026' is not a date",
                "deal 21: createdate '2025-13-01' is not a date"), reasons());
        // the raw row is kept as the API answered it
        Rejected negative = harness.rejects("crm").stream().filter(r -> r.reason().startsWith("deal 17")).findFirst().orElseThrow();
        assertTrue(negative.raw().startsWith("{\"id\":\"17\",\"properties\":{"), negative.raw());
        assertTrue(negative.raw().contains("\"amount\":\"-5\""), negative.raw());

        // rejected again on the next pass, the rejects are not stored twice
        assertEquals(new PageCounts(17, 0, 0, 9, 8), sync().counts());
        assertEquals(8, harness.rejects("crm").size());
    }

    @Test
    void rowsWithoutIdsAreRejected() {
        // (HubSpot always sends ids, and the fake sorts by them: straight through the mapping)
        HubSpotMapping mapping = new HubSpotMapping("crm", HubSpotData.source(fake, dir, 1).mappingSettings(), Map.of());
        io.vitals.connector.SourcePage page = new io.vitals.connector.SourcePage();
        ObjectNode noId = company("1", "2025-03-04T10:15:00.000Z");
        noId.remove("id");
        mapping.company(noId, page);
        ObjectNode blankId = open("2");
        blankId.put("id", " ");
        mapping.deal(blankId, page);
        assertEquals(List.of("company without an id", "deal without an id"),
                page.rejections().stream().map(io.vitals.connector.SourcePage.Rejection::reason).toList());
    }

    @Test
    void ownersAreNamedByNameOrEmailAndAnOwnerHubSpotDoesNotListKeepsItsId() {
        for (int i = 1; i <= 150; i++) {
            fake.owners.add(owner(String.valueOf(1000 + i), "owner" + i + "@example.com", "Owner", String.valueOf(i)));
        }
        ObjectNode nameless = owner("41", "solo@example.com", null, null);
        fake.owners.add(nameless);
        fake.companies.add(company("1", "2025-03-04T10:15:00.000Z", "hubspot_owner_id", "1150"));
        fake.companies.add(company("2", "2025-03-04T10:15:00.000Z", "hubspot_owner_id", "41"));
        fake.companies.add(company("3", "2025-03-04T10:15:00.000Z", "hubspot_owner_id", "77"));
        fake.companies.add(company("4", "2025-03-04T10:15:00.000Z"));

        sync();
        // the owners over two pages of 100
        assertEquals(List.of(OWNERS, OWNERS + "?after=" + FakeHubSpot.paging("1100"), COMPANIES, DEALS, COMPANIES + "?archived=true",
                DEALS + "?archived=true"), fake.requests());
        assertEquals(List.of("1 Owner 150", "2 solo@example.com", "3 77", "4 null"), csm());

        harness.sync(HubSpotData.source(fake, dir, 100, "ownerDisplay", "email"));
        assertEquals(List.of("1 owner150@example.com", "2 solo@example.com", "3 77", "4 null"), csm());

        int before = fake.requests().size();
        harness.sync(HubSpotData.source(fake, dir, 100, "ownerDisplay", "id"));
        assertEquals(List.of(COMPANIES, DEALS, COMPANIES + "?archived=true", DEALS + "?archived=true"),
                fake.requests().subList(before, fake.requests().size()));
        assertEquals(List.of("1 1150", "2 41", "3 77", "4 null"), csm());
    }

    List<String> csm() {
        return harness.rows("SELECT external_id, csm_owner FROM customers ORDER BY 1").stream()
                .map(r -> r.get("external_id") + " " + r.get("csm_owner")).toList();
    }

    @Test
    void withoutTheOwnersScopeTheSyncFailsSayingWhatToDo() {
        fake.failAt(OWNERS, null, 403, 1, Map.of());
        fake.companies.add(company("1", "2025-03-04T10:15:00.000Z"));
        SyncReport report = harness.sync(HubSpotData.source(fake, dir, 100));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 403 from " + fake.url() + OWNERS + ": scripted failure 403 (MISSING_SCOPES) (the private app needs"
                + " the scope crm.objects.owners.read, or set ownerDisplay = id)", report.message());
        assertEquals(0, harness.count("customers"));
    }

    @Test
    void configuredPropertiesLandAsSegmentsAndAttributes() {
        fake.companies.add(company("1", "2025-03-04T10:15:00.000Z", "name", "Gold One", "customer_tier", "gold", "plan_tier", "pro",
                "state", "Bavaria", "country", "Germany", "lifecyclestage", "customer", "hs_industry_group", "Software"));
        fake.companies.add(company("2", "2025-03-04T10:15:00.000Z", "name", "Silver", "customer_tier", "silver", "plan_tier", "basic",
                "state", "Ohio", "lifecyclestage", "customer"));
        fake.companies.add(company("3", "2025-03-04T10:15:00.000Z", "name", "Gold Two", "customer_tier", "gold", "state", "Bavaria"));
        sync("attributes", "tier=customer_tier, lifecyclestage", "planProperty", "plan_tier", "regionProperty", "state",
                "industryProperty", "hs_industry_group");
        assertEquals("name,createdate,hs_lastmodifieddate,hubspot_owner_id,state,hs_industry_group,plan_tier,customer_tier,lifecyclestage",
                fake.api.requests(COMPANIES).get(0).param("properties"));
        assertEquals(List.of("1 pro Bavaria Software", "2 basic Ohio null", "3 null Bavaria null"),
                harness.rows("SELECT external_id, plan, region, industry FROM customers ORDER BY 1").stream()
                        .map(r -> r.get("external_id") + " " + r.get("plan") + " " + r.get("region") + " " + r.get("industry")).toList());
        assertEquals(List.of("1 lifecyclestage=customer", "1 tier=gold", "2 lifecyclestage=customer", "2 tier=silver", "3 tier=gold"),
                harness.rows("SELECT c.external_id, a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " ORDER BY 1, 2").stream().map(r -> r.get("external_id") + " " + r.get("name") + "=" + r.get("value")).toList());
        // a segment on an attribute, as kpi:compute --segment tier=gold applies it
        assertEquals(List.of("Gold One", "Gold Two"), names(Segment.of("tier", "gold")));
        assertEquals(List.of("Gold One"), names(Segment.of(Map.of("tier", "gold", "plan", "pro"))));
        assertEquals(List.of("Gold One", "Silver"), names(Segment.of("lifecyclestage", "customer")));
    }

    List<String> names(Segment segment) {
        KpiQuery query = new KpiQuery(Period.parse("2025-01-01", "2026-01-01"), segment);
        return harness.store().query("SELECT name FROM customers ORDER BY name", query, Map.of(), r -> (String) r.get("name"));
    }

    @Test
    void dealsFindTheirCompanyThePrimaryOneFirstAndAnUnknownCompanyLeavesThemUnmatched() {
        fake.companies.add(company("501", "2025-03-04T10:15:00.000Z", "name", "Acme"));
        fake.companies.add(company("502", "2025-03-04T10:15:00.000Z", "name", "Globex"));
        ObjectNode two = open("1");
        ObjectNode results = FakeHubSpot.JSON.createObjectNode();
        results.putArray("results").add(FakeHubSpot.JSON.createObjectNode().put("id", "501").put("type", "deal_to_company_unlabeled"))
                .add(FakeHubSpot.JSON.createObjectNode().put("id", "502").put("type", "deal_to_company"));
        two.putObject("associations").set("companies", results);
        fake.deals.add(two);
        fake.deals.add(deal("2", "501", "2025-05-01T00:00:00.000Z"));
        fake.deals.add(deal("3", "999", "2025-05-01T00:00:00.000Z"));
        fake.deals.add(deal("4", null, "2025-05-01T00:00:00.000Z"));
        assertEquals(new PageCounts(6, 6, 0, 0, 0), sync().counts());
        assertEquals(List.of("1 502", "2 501", "3 null", "4 null"),
                harness.rows("SELECT d.external_id, c.external_id AS company FROM deals d LEFT JOIN customers c ON c.id = d.customer_id"
                        + " ORDER BY 1").stream().map(r -> r.get("external_id") + " " + r.get("company")).toList());
    }

    @Test
    void archivedObjectsAreDeletionsFromArchivedAtAndOneWithoutAUsableArchivedAtIsRejectedNamingIt() {
        fake.companies.add(company("1", "2025-03-04T10:15:00.000Z", "name", "Plain"));
        fake.deals.add(open("11"));
        fake.deals.add(open("12"));
        assertEquals(new PageCounts(3, 3, 0, 0, 0), sync().counts());

        fake.archive(fake.companies, "1", "2026-04-02T00:00:00.000+02:00");
        fake.archive(fake.deals, "11", "not yet");
        fake.archive(fake.deals, "12", "2026-04-02T00:00:00.000Z");
        ObjectNode noMoment = open("13");
        noMoment.put("archived", true);
        fake.archivedDeals.add(noMoment);
        // archived before this source ever read it: nothing to delete
        ObjectNode neverRead = open("14");
        neverRead.put("archived", true);
        neverRead.put("archivedAt", "2026-03-01T00:00:00.000Z");
        fake.archivedDeals.add(neverRead);

        assertEquals(new PageCounts(5, 0, 2, 1, 2), sync().counts());
        // 2026-04-02T00:00+02:00 is 2026-04-01T22:00Z: 1,775,001,600 (April 1) + 79,200; April 2 + 86,400
        assertEquals(List.of("1 1775080800"), HubSpotData.deletedAt(dir, "customers"));
        assertEquals(List.of("11 null", "12 1775088000"), HubSpotData.deletedAt(dir, "deals"));
        assertEquals(List.of("archived deal 11: archivedAt 'not yet' is not a date", "archived deal 13: archivedAt is missing"),
                reasons());
        Rejected notYet = harness.rejects("crm").stream().filter(r -> r.reason().startsWith("archived deal 11")).findFirst()
                .orElseThrow();
        assertTrue(notYet.raw().contains("\"archived\":true,\"archivedAt\":\"not yet\""), notYet.raw());
    }
}
