package io.vitals.connector.hubspot;

import static io.vitals.connector.hubspot.FakeHubSpot.COMPANIES;
import static io.vitals.connector.hubspot.FakeHubSpot.DEALS;
import static io.vitals.connector.hubspot.FakeHubSpot.OWNERS;
import static io.vitals.connector.hubspot.FakeHubSpot.paging;
import static io.vitals.connector.hubspot.HubSpotData.company;
import static io.vitals.connector.hubspot.HubSpotData.deal;
import static io.vitals.connector.hubspot.HubSpotData.owner;
import static io.vitals.connector.hubspot.HubSpotData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.testkit.FakeApi;
import io.vitals.testkit.SourceHarness;

/** Paging, cursors, retries, pacing and the sync contract, against HubSpot's API on 127.0.0.1. */
class HubSpotSourceTest {

    static final String TOKEN = "pat-na1-5c0ffee0-1234-4abc-9def-0123456789ab";

    @TempDir
    Path dir;
    FakeHubSpot fake;
    SourceHarness harness;
    final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "# HubSpot\nhubspot=" + TOKEN + "\n");
        fake = new FakeHubSpot(TOKEN);
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        fake.close();
    }

    SourceHarness harness(RetryPolicy policy) {
        harness = SourceHarness.in(dir, policy);
        return harness;
    }

    /** A source whose waits (retries, pacing) are recorded, not slept. */
    HubSpotSource source(int pageSize, Object... kv) {
        return HubSpotData.source(fake, dir, pageSize, kv).sleeper(waits::add);
    }

    /** Two owners, five companies, four deals (one without a company): 9 records. */
    void clean() {
        fake.owners.add(owner("41", "ana@example.com", "Ana", "Li"));
        fake.owners.add(owner("42", "bo@example.com", "Bo", "Chen"));
        fake.companies.add(company("501", "2025-01-05T10:00:00.000Z", "name", "Acme", "industry", "COMPUTER_SOFTWARE",
                "country", "Germany", "hubspot_owner_id", "41", "domain", "acme.example", "lifecyclestage", "customer",
                "numberofemployees", "120"));
        fake.companies.add(company("502", "2025-02-10T08:30:00.000Z", "name", "Globex", "industry", "RETAIL", "country", "France",
                "hubspot_owner_id", "42", "lifecyclestage", "customer"));
        fake.companies.add(company("503", "2025-03-15T12:00:00.000Z", "name", "Initech", "hubspot_owner_id", "99",
                "lifecyclestage", "opportunity"));
        fake.companies.add(company("504", "2025-04-01T00:00:00.000Z", "name", "Umbrella"));
        fake.companies.add(company("505", "2025-05-20T16:45:00.000Z", "name", "Hooli", "domain", ""));
        fake.deals.add(deal("901", "501", "2025-01-06T09:00:00.000Z", "dealname", "Acme first", "amount", "1500.50",
                "dealtype", "newbusiness", "dealstage", "closedwon", "hs_is_closed_won", "true", "hs_is_closed", "true",
                "closedate", "2025-01-20T15:00:00.000Z", "deal_currency_code", "USD"));
        fake.deals.add(deal("902", "502", "2025-06-01T09:00:00.000Z", "dealname", "Globex seats", "amount", "12000",
                "dealtype", "existingbusiness", "dealstage", "contractsent", "hs_is_closed_won", "false", "hs_is_closed", "false",
                "closedate", "2026-03-31T00:00:00.000Z"));
        fake.deals.add(deal("903", "503", "2025-04-02T09:00:00.000Z", "dealname", "Initech", "amount", "300",
                "dealtype", "newbusiness", "dealstage", "closedlost", "hs_is_closed_won", "false", "hs_is_closed", "true",
                "closedate", "2025-04-30T10:00:00.000Z"));
        fake.deals.add(deal("904", null, "2025-07-01T09:00:00.000Z", "dealname", "Prospect", "amount", "",
                "dealtype", "", "dealstage", "appointmentscheduled", "hs_is_closed_won", "false", "hs_is_closed", "false",
                "hs_lastmodifieddate", "2025-09-09T09:09:09.123Z"));
    }

    static final PageCounts CLEAN_FIRST = new PageCounts(9, 9, 0, 0, 0);
    static final PageCounts CLEAN_AGAIN = new PageCounts(9, 0, 0, 9, 0);
    static final String DONE = "{\"list\":\"done\",\"highWater\":\"2025-09-09T09:09:09.123Z\"}";

    static final String ARCHIVED_COMPANIES = COMPANIES + "?archived=true";
    static final String ARCHIVED_DEALS = DEALS + "?archived=true";

    static final List<String> CLEAN_REQUESTS = List.of(OWNERS, COMPANIES, COMPANIES + "?after=" + paging("503"),
            COMPANIES + "?after=" + paging("505"), DEALS, DEALS + "?after=" + paging("903"), ARCHIVED_COMPANIES, ARCHIVED_DEALS);

    Map<String, Long> tables() {
        return Map.of("customers", harness.count("customers"), "deals", harness.count("deals"),
                "customer_attributes", harness.count("customer_attributes"));
    }

    Optional<String> cursor() {
        return harness.store().cursor("crm");
    }

    @Test
    void aFirstSyncPagesToTheLastPageAndMapsEveryField() {
        harness(RetryPolicy.DEFAULT);
        clean();
        List<PageCounts> pages = new ArrayList<>();
        SyncReport report = harness.sync(source(2), (source, page, total) -> pages.add(page), () -> false);

        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        // one commit per API page: companies 2 + 2 + 1, deals 2 + 2, no archived companies, no archived deals
        assertEquals(List.of(2L, 2L, 1L, 2L, 2L, 0L, 0L), pages.stream().map(PageCounts::read).toList());
        assertEquals(CLEAN_REQUESTS, fake.requests());
        FakeApi.Request first = fake.api.requests(COMPANIES).get(0);
        assertEquals("Bearer " + TOKEN, first.header("Authorization"));
        assertEquals("2", first.param("limit"));
        assertEquals("name,createdate,hs_lastmodifieddate,hubspot_owner_id,country,industry,domain,lifecyclestage,numberofemployees",
                first.param("properties"));
        FakeApi.Request deals = fake.api.requests(DEALS).get(0);
        assertEquals("companies", deals.param("associations"));
        assertEquals("dealname,amount,closedate,createdate,dealstage,pipeline,hs_is_closed_won,hs_is_closed,deal_currency_code,"
                + "hs_lastmodifieddate,dealtype", deals.param("properties"));

        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());
        assertEquals(List.of(
                "501 Acme 2025-01 null Germany Ana Li COMPUTER_SOFTWARE",
                "502 Globex 2025-02 null France Bo Chen RETAIL",
                "503 Initech 2025-03 null null 99 null",
                "504 Umbrella 2025-04 null null null null",
                "505 Hooli 2025-05 null null null null"),
                harness.rows("SELECT * FROM customers ORDER BY external_id").stream().map(c -> c.get("external_id") + " " + c.get("name")
                        + " " + c.get("cohort") + " " + c.get("plan") + " " + c.get("region") + " " + c.get("csm_owner") + " "
                        + c.get("industry")).toList());
        assertEquals(t("2025-01-05T10:00:00Z"), ((Number) harness.value("SELECT signup_at FROM customers WHERE external_id = '501'")).longValue());
        // the configured properties as attributes; an empty value (505's domain) is not kept
        assertEquals(List.of("501 domain=acme.example", "501 lifecyclestage=customer", "501 numberofemployees=120",
                "502 lifecyclestage=customer", "503 lifecyclestage=opportunity"),
                harness.rows("SELECT c.external_id, a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " ORDER BY 1, 2").stream().map(r -> r.get("external_id") + " " + r.get("name") + "=" + r.get("value")).toList());

        assertEquals(List.of(
                "901 501 new_business won 150050 USD " + t("2025-01-06T09:00:00Z") + " " + t("2025-01-20T15:00:00Z"),
                "902 502 upsell open 1200000 null " + t("2025-06-01T09:00:00Z") + " " + t("2026-03-31"),
                "903 503 new_business lost 30000 null " + t("2025-04-02T09:00:00Z") + " " + t("2025-04-30T10:00:00Z"),
                "904 null new_business open 0 null " + t("2025-07-01T09:00:00Z") + " null"),
                harness.rows("SELECT d.*, c.external_id AS company FROM deals d LEFT JOIN customers c ON c.id = d.customer_id"
                        + " ORDER BY d.external_id").stream().map(d -> d.get("external_id") + " " + d.get("company") + " " + d.get("kind")
                        + " " + d.get("stage") + " " + d.get("amount_cents") + " " + d.get("currency") + " " + d.get("created_at") + " "
                        + d.get("closed_at")).toList());
        assertEquals(List.of(), harness.rejects("crm"));
        assertEquals(Optional.of(DONE), cursor());
    }

    @Test
    void syncingTwiceChangesNothing() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source(2)).counts());
        Map<String, Long> after = tables();
        int before = fake.api.requests().size();

        SyncReport second = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        assertEquals(CLEAN_AGAIN, second.counts());
        assertEquals(after, tables());
        // a whole new pass, from the owners and the first page of companies
        assertEquals(CLEAN_REQUESTS, fake.requests().subList(before, fake.requests().size()));
        assertEquals(Optional.of(DONE), cursor());
    }

    @Test
    void aRecordEditedAtHubSpotIsUpdatedNotDuplicated() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source(2)).counts());
        fake.replace(fake.companies, company("502", "2025-02-10T08:30:00.000Z", "name", "Globex Corporation", "industry", "RETAIL",
                "country", "France", "hubspot_owner_id", "41", "lifecyclestage", "evangelist",
                "hs_lastmodifieddate", "2025-10-01T00:00:00.000Z"));
        fake.replace(fake.deals, deal("902", "502", "2025-06-01T09:00:00.000Z", "dealname", "Globex seats", "amount", "13000.25",
                "dealtype", "existingbusiness", "dealstage", "closedwon", "hs_is_closed_won", "true", "hs_is_closed", "true",
                "closedate", "2025-10-01T00:00:00.000Z", "hs_lastmodifieddate", "2025-10-01T00:00:01.000Z"));

        SyncReport second = harness.sync(source(2));
        assertEquals(new PageCounts(9, 0, 2, 7, 0), second.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());
        assertEquals("Globex Corporation Ana Li", harness.rows("SELECT name, csm_owner FROM customers WHERE external_id = '502'").stream()
                .map(r -> r.get("name") + " " + r.get("csm_owner")).findFirst().orElseThrow());
        assertEquals("evangelist", harness.value("SELECT a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                + " WHERE c.external_id = '502' AND a.name = 'lifecyclestage'"));
        assertEquals("won 1300025 " + t("2025-10-01"), harness.rows("SELECT stage, amount_cents, closed_at FROM deals WHERE external_id = '902'")
                .stream().map(r -> r.get("stage") + " " + r.get("amount_cents") + " " + r.get("closed_at")).findFirst().orElseThrow());
        assertEquals(Optional.of("{\"list\":\"done\",\"highWater\":\"2025-10-01T00:00:01Z\"}"), cursor());
    }

    @Test
    void aCrashAfterACommittedPageResumesAtTheNextPageWithNothingLostOrDoubled() {
        harness(RetryPolicy.DEFAULT);
        clean();
        // commits: companies 1, 2, 3, deals 4, 5; the fourth (the first page of deals) fails
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(2), 4));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 4", failed.message());
        assertEquals(new PageCounts(5, 5, 0, 0, 0), failed.counts());
        assertEquals(Map.of("customers", 5L, "deals", 0L, "customer_attributes", 5L), tables());
        assertEquals(Optional.of("{\"list\":\"deals\",\"passHighWater\":\"2025-05-21T16:45:00Z\"}"), cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // the deals only, from their first page, and no owners (no companies left to name); then the archived
        assertEquals(List.of(DEALS, DEALS + "?after=" + paging("903"), ARCHIVED_COMPANIES, ARCHIVED_DEALS),
                fake.requests().subList(before, fake.requests().size()));
        assertEquals(new PageCounts(4, 4, 0, 0, 0), resumed.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());
        for (String table : List.of("customers", "deals")) {
            assertEquals(harness.count(table), ((Number) harness.value("SELECT count(DISTINCT external_id) FROM " + table)).longValue());
        }
        assertEquals(Optional.of(DONE), cursor());
        assertEquals(CLEAN_AGAIN, harness.sync(source(2)).counts());
    }

    @Test
    void aFailureThatOutlastsTheRetriesMidListResumesAtThatPage() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
        clean();
        fake.failAt(COMPANIES, paging("503"), 503, 2, Map.of());

        SyncReport failed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("HTTP 503 from " + fake.url() + COMPANIES + " after 2 attempts: scripted failure 503 (INTERNAL_ERROR)",
                failed.message());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), failed.counts());
        assertEquals(Optional.of("{\"list\":\"companies\",\"after\":\"" + paging("503") + "\",\"passHighWater\":\"2025-02-11T08:30:00Z\"}"),
                cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // the owners again (to name the companies still to come), then the page that failed and on
        assertEquals(List.of(OWNERS, COMPANIES + "?after=" + paging("503"), COMPANIES + "?after=" + paging("505"), DEALS,
                DEALS + "?after=" + paging("903"), ARCHIVED_COMPANIES, ARCHIVED_DEALS),
                fake.requests().subList(before, fake.requests().size()));
        assertEquals(new PageCounts(7, 7, 0, 0, 0), resumed.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());
        assertEquals("99", harness.value("SELECT csm_owner FROM customers WHERE external_id = '503'"));
        assertEquals(Optional.of(DONE), cursor());
    }

    @Test
    void aServerErrorIsRetriedAndTheSyncGoesOn() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.failAt(DEALS, paging("903"), 500, 1, Map.of());
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(2, fake.api.requests(DEALS).stream().filter(r -> paging("903").equals(r.param("after"))).count());
        assertEquals(List.of(Duration.ofMillis(1)), waits); // the policy's first backoff
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(30)));
        clean();
        fake.failAt(COMPANIES, paging("505"), 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits); // Retry-After, not the 1 ms backoff
    }

    @Test
    void aRateLimitReallyWaitsWithTheEnginesOwnSleeper() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(5)));
        clean();
        fake.failAt(OWNERS, null, 429, 1, Map.of("Retry-After", "1"));
        long started = System.nanoTime();
        SyncReport report = harness.sync(HubSpotData.source(fake, dir, 2));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(CLEAN_FIRST, report.counts());
        assertTrue(tookMillis >= 1_000, "waited " + tookMillis + " ms");
    }

    @Test
    void requestsArePacedToTheConfiguredRate() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(2, "requestsPerMinute", 1));
        assertEquals(CLEAN_FIRST, report.counts());
        // eight requests, a minute apart at 1 a minute: seven waits of a little under 60 s each (recorded, not slept)
        assertEquals(8, fake.requests().size());
        assertEquals(7, waits.size(), waits.toString());
        for (Duration w : waits) {
            assertTrue(w.compareTo(Duration.ofSeconds(50)) > 0 && w.compareTo(Duration.ofSeconds(60)) <= 0, waits.toString());
        }
    }

    @Test
    void aStopBetweenPagesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(2), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), stopped.counts());
        SyncReport rest = harness.sync(source(2));
        assertEquals(new PageCounts(7, 7, 0, 0, 0), rest.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());
    }

    @Test
    void aPagingTokenHubSpotNoLongerTakesRestartsItsList() {
        harness(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5)));
        clean();
        fake.failAt(DEALS, paging("903"), 503, 1, Map.of());
        assertEquals(SyncReport.Outcome.FAILED, harness.sync(source(2)).outcome());
        fake.failAt(DEALS, paging("903"), 400, 1, Map.of());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of(DEALS + "?after=" + paging("903"), DEALS, DEALS + "?after=" + paging("903"), ARCHIVED_COMPANIES,
                ARCHIVED_DEALS), fake.requests().subList(before, fake.requests().size()));
        // 901 and 902 again (unchanged), 903 and 904 new
        assertEquals(new PageCounts(4, 2, 0, 2, 0), resumed.counts());
        assertEquals(4, harness.count("deals"));
    }

    @Test
    void onlyTheConfiguredListsAreRead() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source(100, "objects", "deals"));
        assertEquals(List.of(DEALS, ARCHIVED_DEALS), fake.requests());
        // deals whose companies this source did not read are kept unmatched
        assertEquals(new PageCounts(4, 4, 0, 0, 0), report.counts());
        assertEquals(0L, ((Number) harness.value("SELECT count(*) FROM deals WHERE customer_id IS NOT NULL")).longValue());
        assertEquals(Optional.of(DONE), cursor());
    }

    List<String> deletedAt(String table) {
        return HubSpotData.deletedAt(dir, table);
    }

    /** The deals a KPI of {@code period} sees, and their won amount in cents. */
    String dealsSeenIn(Period period) {
        io.vitals.store.Row row = harness.store().queryRow("SELECT count(*) AS n, sum(CASE WHEN stage = 'won' THEN amount_cents END) AS won"
                + " FROM deals", KpiQuery.of(period), Map.of());
        return row.count("n") + " deals, won " + row.count("won");
    }

    @Test
    void aDealArchivedAtHubSpotThenItsCompanyAreDeletedFromTheirArchivedAtAndMarchKeepsTheDeal() {
        harness(RetryPolicy.DEFAULT);
        fake.companies.add(company("601", "2026-01-05T10:00:00.000Z", "name", "Northwind"));
        fake.deals.add(deal("951", "601", "2026-02-02T09:00:00.000Z", "dealname", "Northwind seats", "amount", "4800",
                "dealtype", "newbusiness", "dealstage", "closedwon", "hs_is_closed_won", "true", "hs_is_closed", "true",
                "closedate", "2026-02-20T15:00:00.000Z"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), harness.sync(source(100)).counts());
        assertEquals("1 deals, won 480000", dealsSeenIn(Period.month(2026, 4)));

        // archived at HubSpot before the next sync: gone from the deals list, in the archived one
        fake.archive(fake.deals, "951", "2026-04-14T08:30:00.000Z");
        int before = fake.requests().size();
        SyncReport second = harness.sync(source(100));
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        // the company unchanged, the deal's deletion an update
        assertEquals(new PageCounts(2, 0, 1, 1, 0), second.counts());
        assertEquals(List.of(OWNERS, COMPANIES, DEALS, ARCHIVED_COMPANIES, ARCHIVED_DEALS),
                fake.requests().subList(before, fake.requests().size()));
        // 2026-01-01 is 20,454 days after 1970 (56 years, 14 leap days): 1,767,225,600; April 14 is day 103
        // (31 + 28 + 31 + 13 days on): + 8,899,200; 08:30: + 30,600
        assertEquals(List.of("951 1776155400"), deletedAt("deals"));
        assertEquals(List.of("601 null"), deletedAt("customers"));

        fake.archive(fake.companies, "601", "2026-04-28T12:00:00.000Z");
        SyncReport third = harness.sync(source(100));
        assertEquals(SyncReport.Outcome.COMPLETE, third.outcome(), third.message());
        // the company's deletion an update; the deal, archived still, told again: unchanged, its moment stays
        assertEquals(new PageCounts(2, 0, 1, 1, 0), third.counts());
        // 14 days and 3.5 hours after the deal: 1,776,155,400 + 1,209,600 + 12,600
        assertEquals(List.of("601 1777377600"), deletedAt("customers"));
        assertEquals(List.of("951 1776155400"), deletedAt("deals"));

        assertEquals(new PageCounts(2, 0, 0, 2, 0), harness.sync(source(100)).counts());
        assertEquals(List.of("601 1777377600"), deletedAt("customers"));
        assertEquals(List.of("951 1776155400"), deletedAt("deals"));
        assertEquals(List.of(), harness.rejects("crm"));
        // the high water is that of the last live objects read (the company, a day after its creation)
        assertEquals(Optional.of("{\"list\":\"done\",\"highWater\":\"2026-01-06T10:00:00Z\"}"), cursor());

        // March ended before the deal was archived and keeps it; April no longer counts it
        assertEquals("1 deals, won 480000", dealsSeenIn(Period.month(2026, 3)));
        assertEquals("0 deals, won 0", dealsSeenIn(Period.month(2026, 4)));
    }

    @Test
    void aCrashInTheArchivedListResumesAtItsNextPage() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source(2)).counts());
        fake.archive(fake.companies, "505", "2026-04-02T00:00:00.000Z");
        fake.archive(fake.deals, "902", "2026-04-03T00:00:00.000Z");
        fake.archive(fake.deals, "903", "2026-04-06T00:00:00.000Z");
        fake.archive(fake.deals, "904", "2026-04-09T12:00:00.000Z");

        // commits: companies 1 (501, 502), 2 (503, 504), deals 3 (901), archived companies 4 (505),
        // archived deals 5 (902, 903), 6 (904); the sixth fails
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(2), 6));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 6", failed.message());
        assertEquals(new PageCounts(8, 0, 3, 5, 0), failed.counts());
        // passHighWater: 504's, modified 2025-04-02, the newest of the live objects read
        assertEquals(Optional.of("{\"list\":\"archived-deals\",\"after\":\"" + paging("904") + "\",\"passHighWater\":"
                + "\"2025-04-02T00:00:00Z\",\"highWater\":\"2025-09-09T09:09:09.123Z\"}"), cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source(2));
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of(ARCHIVED_DEALS + "&after=" + paging("904")), fake.requests().subList(before, fake.requests().size()));
        assertEquals(new PageCounts(1, 0, 1, 0, 0), resumed.counts());
        assertEquals(Optional.of("{\"list\":\"done\",\"highWater\":\"2025-04-02T00:00:00Z\"}"), cursor());
        // 2026-04-01 is 1,767,225,600 + 90 days of 86,400 s = 1,775,001,600; April 2, 3 and 6 are 1, 2 and 5 days
        // on, April 9 at noon 8.5 days
        assertEquals(List.of("501 null", "502 null", "503 null", "504 null", "505 1775088000"), deletedAt("customers"));
        assertEquals(List.of("901 null", "902 1775174400", "903 1775433600", "904 1775736000"), deletedAt("deals"));
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 5L), tables());

        // 4 companies, 1 deal, 1 archived company and 3 archived deals, all as the store has them
        assertEquals(new PageCounts(9, 0, 0, 9, 0), harness.sync(source(2)).counts());
    }
}
