package io.vitals.connector.salesforce;

import static io.vitals.connector.salesforce.FakeSalesforce.locator;
import static io.vitals.connector.salesforce.SalesforceData.account;
import static io.vitals.connector.salesforce.SalesforceData.opportunity;
import static io.vitals.connector.salesforce.SalesforceData.owner;
import static io.vitals.connector.salesforce.SalesforceData.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

/** Queries, batches, the high-water cursor, retries and the sync contract, against Salesforce's API on 127.0.0.1. */
class SalesforceSourceTest {

    static final String TOKEN = "00DFAKE0000001!AQ4AQHk3Configured.Access.Token.Value";
    /** Where a query that selects IsDeleted goes (the defaults), and where one that does not and every nextRecordsUrl go. */
    static final String QUERY_ALL = "/services/data/v60.0/queryAll/";
    static final String QUERY = "/services/data/v60.0/query";
    static final String ACCOUNTS = "SELECT Id, Name, CreatedDate, SystemModstamp, IsDeleted, Industry, BillingCountry, Owner.Name, Type,"
            + " NumberOfEmployees FROM Account WHERE SystemModstamp >= %s ORDER BY SystemModstamp, Id";
    static final String OPPORTUNITIES = "SELECT Id, AccountId, Amount, CloseDate, CreatedDate, IsClosed, IsDeleted, IsWon, StageName,"
            + " SystemModstamp, Type FROM Opportunity WHERE SystemModstamp >= %s ORDER BY SystemModstamp, Id";
    static final String BEGINNING = "1970-01-01T00:00:00Z";

    @TempDir
    Path dir;
    FakeSalesforce fake;
    SourceHarness harness;
    final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "# Salesforce\nsalesforce=" + TOKEN + "\nsfclient=client-secret-0123456789\n");
        fake = new FakeSalesforce().acceptToken(TOKEN);
        fake.batchCap = 2;
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
    SalesforceSource source(Object... kv) {
        return SalesforceData.source(fake, dir, kv).sleeper(waits::add);
    }

    static String accounts(String since) {
        return "queryAll " + String.format(ACCOUNTS, since);
    }

    static String opportunities(String since) {
        return "queryAll " + String.format(OPPORTUNITIES, since);
    }

    /**
     * Five accounts (two modified in the same second, 001B and 001C, which the batches of two split)
     * and four opportunities (one without an account): 9 records.
     */
    void clean() {
        fake.add("Account",
                account("001A", "Acme", "2025-01-05T10:00:00Z", "2025-06-01T08:00:00Z", "Industry", "Technology", "BillingCountry", "Germany",
                        "Owner", owner("Ana Li", "ana@example.com"), "Type", "Customer - Direct", "NumberOfEmployees", 120),
                account("001B", "Globex", "2025-02-10T08:30:00Z", "2025-06-02T09:00:00Z", "Industry", "Retail", "BillingCountry", "France",
                        "Owner", owner("Bo Chen", "bo@example.com"), "Type", "Customer - Channel"),
                account("001C", "Initech", "2025-03-15T12:00:00Z", "2025-06-02T09:00:00Z", "Owner", null),
                account("001D", "Umbrella", "2025-04-01T00:00:00Z", "2025-06-03T10:00:00Z"),
                account("001E", "Hooli", "2025-05-20T16:45:00Z", "2025-06-04T11:30:00.250Z", "Owner", owner("Ana Li", "ana@example.com")));
        fake.add("Opportunity",
                opportunity("006A", "001A", "2025-01-06T09:00:00Z", "2025-06-05T00:00:00Z", "Amount", new BigDecimal("1500.5"),
                        "CloseDate", "2025-01-20", "IsClosed", true, "IsWon", true, "StageName", "Closed Won", "Type", "New Customer"),
                opportunity("006B", "001B", "2025-06-01T09:00:00Z", "2025-06-06T00:00:00Z", "Amount", 12000, "CloseDate", "2026-03-31",
                        "StageName", "Negotiation/Review", "Type", "Existing Customer - Upgrade"),
                opportunity("006C", "001C", "2025-04-02T09:00:00Z", "2025-06-07T00:00:00Z", "Amount", 300, "CloseDate", "2025-04-30",
                        "IsClosed", true, "StageName", "Closed Lost", "Type", "Existing Customer - Replacement"),
                opportunity("006D", null, "2025-07-01T09:00:00Z", "2025-06-08T12:00:00Z", "StageName", "Qualification"));
    }

    static final PageCounts CLEAN_FIRST = new PageCounts(9, 9, 0, 0, 0);

    List<String> cleanRequests() {
        return List.of(accounts(BEGINNING), "more " + locator(1, 2), "more " + locator(1, 4), opportunities(BEGINNING),
                "more " + locator(2, 2));
    }

    String cursor(String accountsSince, String opportunitiesSince) {
        SalesforceSource s = source();
        StringBuilder json = new StringBuilder("{");
        if (accountsSince != null) {
            json.append("\"accounts\":{\"since\":\"").append(accountsSince).append("\",\"query\":\"")
                    .append(s.query("accounts").fingerprint()).append("\"}");
        }
        if (opportunitiesSince != null) {
            json.append(accountsSince == null ? "" : ",").append("\"opportunities\":{\"since\":\"").append(opportunitiesSince)
                    .append("\",\"query\":\"").append(s.query("opportunities").fingerprint()).append("\"}");
        }
        return json.append("}").toString();
    }

    Optional<String> cursor() {
        return harness.store().cursor("crm");
    }

    Map<String, Long> tables() {
        return Map.of("customers", harness.count("customers"), "deals", harness.count("deals"),
                "customer_attributes", harness.count("customer_attributes"));
    }

    List<String> since(int from) {
        List<String> r = fake.requests();
        return r.subList(from, r.size());
    }

    @Test
    void aFirstSyncFollowsEveryBatchAndMapsEveryField() {
        harness(RetryPolicy.DEFAULT);
        clean();
        List<PageCounts> pages = new ArrayList<>();
        SyncReport report = harness.sync(source(), (source, page, total) -> pages.add(page), () -> false);

        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(2L, 2L, 1L, 2L, 2L), pages.stream().map(PageCounts::read).toList());
        assertEquals(cleanRequests(), fake.requests());
        FakeApi.Request first = fake.api.requests(QUERY_ALL).get(0);
        assertEquals("Bearer " + TOKEN, first.header("Authorization"));
        assertEquals("batchSize=2000", first.header("Sforce-Query-Options"));

        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
        assertEquals(List.of(
                "001A Acme 2025-01 null Germany Ana Li Technology",
                "001B Globex 2025-02 null France Bo Chen Retail",
                "001C Initech 2025-03 null null null null",
                "001D Umbrella 2025-04 null null null null",
                "001E Hooli 2025-05 null null Ana Li null"),
                harness.rows("SELECT * FROM customers ORDER BY external_id").stream().map(c -> c.get("external_id") + " " + c.get("name")
                        + " " + c.get("cohort") + " " + c.get("plan") + " " + c.get("region") + " " + c.get("csm_owner") + " "
                        + c.get("industry")).toList());
        assertEquals(t("2025-01-05T10:00:00Z"), ((Number) harness.value("SELECT signup_at FROM customers WHERE external_id = '001A'")).longValue());
        assertEquals(List.of("001A NumberOfEmployees=120", "001A Type=Customer - Direct", "001B Type=Customer - Channel"),
                harness.rows("SELECT c.external_id, a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " ORDER BY 1, 2").stream().map(r -> r.get("external_id") + " " + r.get("name") + "=" + r.get("value")).toList());
        assertEquals(List.of(
                "006A 001A new_business won 150050 " + t("2025-01-06T09:00:00Z") + " " + t("2025-01-20"),
                "006B 001B upsell open 1200000 " + t("2025-06-01T09:00:00Z") + " " + t("2026-03-31"),
                "006C 001C renewal lost 30000 " + t("2025-04-02T09:00:00Z") + " " + t("2025-04-30"),
                "006D null new_business open 0 " + t("2025-07-01T09:00:00Z") + " null"),
                harness.rows("SELECT d.*, c.external_id AS account FROM deals d LEFT JOIN customers c ON c.id = d.customer_id"
                        + " ORDER BY d.external_id").stream().map(d -> d.get("external_id") + " " + d.get("account") + " " + d.get("kind")
                        + " " + d.get("stage") + " " + d.get("amount_cents") + " " + d.get("created_at") + " " + d.get("closed_at")).toList());
        assertEquals(List.of(), harness.rejects("crm"));
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2025-06-08T12:00:00Z")), cursor());
    }

    @Test
    void syncingTwiceChangesNothingAndReadsOnlyFromTheLastSecondOn() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        Map<String, Long> after = tables();
        int before = fake.requests().size();

        SyncReport second = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        // the records of the newest second committed are read again (001E, 006D), and land unchanged
        assertEquals(new PageCounts(2, 0, 0, 2, 0), second.counts());
        assertEquals(after, tables());
        assertEquals(List.of(accounts("2025-06-04T11:30:00Z"), opportunities("2025-06-08T12:00:00Z")), since(before));
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2025-06-08T12:00:00Z")), cursor());
    }

    @Test
    void aRecordEditedAtSalesforceIsUpdatedNotDuplicated() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        fake.replace("Account", account("001B", "Globex Corporation", "2025-02-10T08:30:00Z", "2025-07-01T00:00:00Z", "Industry", "Retail",
                "BillingCountry", "France", "Owner", owner("Ana Li", "ana@example.com"), "Type", "Customer - Direct"));
        fake.replace("Opportunity", opportunity("006B", "001B", "2025-06-01T09:00:00Z", "2025-07-02T00:00:00Z", "Amount",
                new BigDecimal("13000.25"), "CloseDate", "2025-07-01", "IsClosed", true, "IsWon", true, "StageName", "Closed Won",
                "Type", "Existing Customer - Upgrade"));

        SyncReport second = harness.sync(source());
        assertEquals(new PageCounts(4, 0, 2, 2, 0), second.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
        assertEquals("Globex Corporation Ana Li", harness.rows("SELECT name, csm_owner FROM customers WHERE external_id = '001B'").stream()
                .map(r -> r.get("name") + " " + r.get("csm_owner")).findFirst().orElseThrow());
        assertEquals("Customer - Direct", harness.value("SELECT a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                + " WHERE c.external_id = '001B' AND a.name = 'Type'"));
        assertEquals("won 1300025 " + t("2025-07-01"), harness.rows("SELECT stage, amount_cents, closed_at FROM deals WHERE external_id = '006B'")
                .stream().map(r -> r.get("stage") + " " + r.get("amount_cents") + " " + r.get("closed_at")).findFirst().orElseThrow());
        assertEquals(Optional.of(cursor("2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z")), cursor());
    }

    @Test
    void aCrashAfterACommittedBatchResumesFromItsLastSecondWithNothingLostOrDoubled() {
        harness(RetryPolicy.DEFAULT);
        clean();
        // the first batch (001A, 001B) commits; the second (001C, modified in the same second as 001B, and 001D) fails
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(), 2));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("injected failure before page 2", failed.message());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), failed.counts());
        assertEquals(Map.of("customers", 2L, "deals", 0L, "customer_attributes", 3L), tables());
        assertEquals(Optional.of(cursor("2025-06-02T09:00:00Z", null)), cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        // no stored locator: the query again from the last committed second; 001B again (unchanged), 001C not lost
        assertEquals(List.of(accounts("2025-06-02T09:00:00Z"), "more " + locator(2, 2), opportunities(BEGINNING),
                "more " + locator(3, 2)), since(before));
        assertEquals(new PageCounts(8, 7, 0, 1, 0), resumed.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
        for (String table : List.of("customers", "deals")) {
            assertEquals(harness.count(table), ((Number) harness.value("SELECT count(DISTINCT external_id) FROM " + table)).longValue());
        }
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2025-06-08T12:00:00Z")), cursor());
    }

    @Test
    void aFailureThatOutlastsTheRetriesResumesWithNothingLostOrDoubled() {
        harness(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
        clean();
        fake.api.failNext(QUERY + "/" + locator(2, 2), 503, 2, Map.of());

        SyncReport failed = harness.sync(source());
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("HTTP 503 from " + fake.url() + QUERY + "/" + locator(2, 2) + " after 2 attempts", failed.message());
        assertEquals(new PageCounts(7, 7, 0, 0, 0), failed.counts());
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2025-06-06T00:00:00Z")), cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of(accounts("2025-06-04T11:30:00Z"), opportunities("2025-06-06T00:00:00Z"), "more " + locator(4, 2)),
                since(before));
        // 001E and 006B again (unchanged), 006C and 006D new
        assertEquals(new PageCounts(4, 2, 0, 2, 0), resumed.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
    }

    @Test
    void anExpiredQueryLocatorRunsTheQueryAgainFromWhatIsCommitted() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean once = new AtomicBoolean();
        SyncReport report = harness.sync(source(), (source, page, total) -> {
            if (once.compareAndSet(false, true)) {
                fake.expireLocators();
            }
        }, () -> false);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(List.of(accounts(BEGINNING), "more " + locator(1, 2), accounts("2025-06-02T09:00:00Z"), "more " + locator(2, 2),
                opportunities(BEGINNING), "more " + locator(3, 2)), fake.requests());
        assertEquals(new PageCounts(10, 9, 0, 1, 0), report.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
    }

    @Test
    void aMalformedQueryFailsTheSyncWithSalesforcesMessageAndIsNotRetried() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source("accountQuery", "SELECT Id, CreatedDate FROM Account ORDER BY"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 400 from " + fake.url() + QUERY + ": MALFORMED_QUERY: SELECT Id, CreatedDate FROM Account ORDER BY ^"
                + " ERROR at Row:1:Column:1 unexpected token: <EOF>", report.message());
        assertEquals(1, fake.requests().size());
        assertEquals(List.of(), waits);
    }

    @Test
    void aFieldTheOrgDoesNotHaveFailsTheSyncNamingIt() {
        harness(RetryPolicy.DEFAULT);
        clean();
        SyncReport report = harness.sync(source("attributes", "tier=Tier__c"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertTrue(report.message().startsWith("HTTP 400 from " + fake.url() + QUERY_ALL + ": INVALID_FIELD: "), report.message());
        assertTrue(report.message().contains("No such column 'Tier__c' on entity 'Account'"), report.message());
    }

    @Test
    void aServerErrorIsRetriedAndTheSyncGoesOn() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10)));
        clean();
        fake.api.failNext(QUERY_ALL, 500, 1, Map.of());
        SyncReport report = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(Duration.ofMillis(1)), waits);
        assertEquals(6, fake.requests().size());
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        harness(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(30)));
        clean();
        fake.api.failNext(QUERY + "/" + locator(1, 2), 429, 1, Map.of("Retry-After", "7"));
        SyncReport report = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of(Duration.ofSeconds(7)), waits);
    }

    @Test
    void requestsArePacedWhenAsked() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source("requestsPerMinute", 1)).counts());
        assertEquals(5, fake.requests().size());
        assertEquals(4, waits.size(), waits.toString());
        for (Duration w : waits) {
            assertTrue(w.compareTo(Duration.ofSeconds(50)) > 0 && w.compareTo(Duration.ofSeconds(60)) <= 0, waits.toString());
        }
    }

    @Test
    void anExpiredConfiguredTokenFailsSayingSo() {
        harness(RetryPolicy.DEFAULT);
        clean();
        fake.expireSessions();
        SyncReport report = harness.sync(source());
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("HTTP 401 from " + fake.url() + QUERY_ALL + ": INVALID_SESSION_ID: Session expired or invalid", report.message());
        assertEquals(1, fake.requests().size());
    }

    @Test
    void theClientCredentialsFlowGetsATokenAndANewOneOnceWhenTheSessionExpires() {
        harness(RetryPolicy.DEFAULT);
        clean();
        fake.client("3MVG9FakeConsumerKey", "client-secret-0123456789");
        AtomicBoolean once = new AtomicBoolean();
        SalesforceSource source = SalesforceData.source(fake, dir, "accessToken", "", "clientId", "3MVG9FakeConsumerKey",
                "clientSecret", "file:secrets.properties#sfclient");
        SyncReport report = harness.sync(source, (s, page, total) -> {
            if (once.compareAndSet(false, true)) {
                fake.expireSessions();
            }
        }, () -> false);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(CLEAN_FIRST, report.counts());
        assertEquals(List.of("token", accounts(BEGINNING), "more " + locator(1, 2), "token", "more " + locator(1, 2),
                "more " + locator(1, 4), opportunities(BEGINNING), "more " + locator(2, 2)), fake.requests());
        FakeApi.Request token = fake.api.requests(FakeSalesforce.TOKEN_PATH).get(0);
        assertEquals("POST", token.method());
        assertEquals("application/x-www-form-urlencoded", token.header("Content-Type"));
        assertEquals("grant_type=client_credentials&client_id=3MVG9FakeConsumerKey&client_secret=client-secret-0123456789", token.body());
        assertEquals("Bearer 00DFAKE0000001!AQ4AQ2SessionTokenValue", fake.api.requests().get(4).header("Authorization"));
    }

    @Test
    void wrongClientCredentialsFailTheSyncWithTheOAuthError() {
        harness(RetryPolicy.DEFAULT);
        clean();
        fake.client("3MVG9FakeConsumerKey", "the-real-secret");
        SyncReport report = harness.sync(SalesforceData.source(fake, dir, "accessToken", "", "clientId", "3MVG9FakeConsumerKey",
                "clientSecret", "file:secrets.properties#sfclient"));
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertEquals("the token request to " + fake.url() + "/services/oauth2/token answered HTTP 400: invalid_client"
                + " (invalid client credentials)", report.message());
        assertEquals(List.of("token"), fake.requests());
    }

    @Test
    void aQueryWithoutSinceIsReadInFullEverySync() {
        harness(RetryPolicy.DEFAULT);
        clean();
        String full = "SELECT Id, Name, CreatedDate, Owner.Name FROM Account ORDER BY Id";
        assertEquals(new PageCounts(5, 5, 0, 0, 0), harness.sync(source("objects", "accounts", "accountQuery", full)).counts());
        assertEquals(Optional.of("{}"), cursor());
        int before = fake.requests().size();
        assertEquals(new PageCounts(5, 0, 0, 5, 0), harness.sync(source("objects", "accounts", "accountQuery", full)).counts());
        assertEquals(List.of("query " + full, "more " + locator(2, 2), "more " + locator(2, 4)), since(before));
    }

    @Test
    void aChangedQueryStartsItsObjectFromTheBeginning() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        int before = fake.requests().size();
        SalesforceSource more = source("attributes", "Type,NumberOfEmployees,owner=Owner.Email");
        SyncReport report = harness.sync(more);
        // the accounts again in full, for the new field; the opportunities from where they were
        assertEquals(accounts(BEGINNING).replace("NumberOfEmployees FROM", "NumberOfEmployees, Owner.Email FROM"),
                since(before).get(0));
        assertEquals(opportunities("2025-06-08T12:00:00Z"), since(before).get(3));
        assertEquals(new PageCounts(6, 0, 3, 3, 0), report.counts());
        assertEquals(List.of("001A ana@example.com", "001B bo@example.com", "001E ana@example.com"),
                harness.rows("SELECT c.external_id, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " WHERE a.name = 'owner' ORDER BY 1").stream().map(r -> r.get("external_id") + " " + r.get("value")).toList());
    }

    @Test
    void aStopBetweenBatchesKeepsWhatWasCommittedAndResumes() {
        harness(RetryPolicy.DEFAULT);
        clean();
        AtomicBoolean stop = new AtomicBoolean();
        SyncReport stopped = harness.sync(source(), (source, page, total) -> stop.set(true), stop::get);
        assertEquals(SyncReport.Outcome.STOPPED, stopped.outcome());
        assertEquals(new PageCounts(2, 2, 0, 0, 0), stopped.counts());
        SyncReport rest = harness.sync(source());
        // from 001B's second: 001B again, then the rest
        assertEquals(new PageCounts(8, 7, 0, 1, 0), rest.counts());
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
    }

    /**
     * A record's deleted_at as its table holds it (epoch seconds), or null: read beside the store, whose
     * queries see a deal only when it was not deleted before the period's end.
     */
    Long deletedAt(String table, String externalId) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db"));
                PreparedStatement ps = c.prepareStatement("SELECT deleted_at FROM " + table + " WHERE source = 'crm' AND external_id = ?")) {
            ps.setString(1, externalId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), table + " has no " + externalId);
                long at = rs.getLong(1);
                return rs.wasNull() ? null : at;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** What a KPI query of that month sees: deals not deleted before the month's end. */
    long deals(int year, int month, String where) {
        return harness.store().queryRow("SELECT count(*) AS n FROM deals" + where, KpiQuery.of(Period.month(year, month)), Map.of())
                .count("n");
    }

    // 2026-01-01T00:00:00Z is 1,767,225,600: 56 years of 365 days and 14 leap days (1972 to 2024), 20,454 days of 86,400 s
    static final long MARCH_15_10H = 1_773_568_800L;    // + 31 + 28 + 14 days (6,393,600) + 10 h (36,000)
    static final long APRIL_10_9H30 = 1_775_813_400L;   // + 31 + 28 + 31 + 9 days (8,553,600) + 9.5 h (34,200)
    static final long APRIL_20_14H = 1_776_693_600L;    // + 31 + 28 + 31 + 19 days (9,417,600) + 14 h (50,400)

    @Test
    void anOpportunityAndThenItsAccountDeletedAtSalesforceAreDeletedFromTheirMomentAndOnlyOnce() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        assertEquals(null, deletedAt("deals", "006B"));

        // 006B (001B's upsell, open) goes to the recycle bin on 10 April 2026: queryAll answers it with IsDeleted, moved to then
        fake.delete("Opportunity", "006B", "2026-04-10T09:30:00Z");
        int before = fake.requests().size();
        SyncReport second = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, second.outcome(), second.message());
        assertEquals(List.of(accounts("2025-06-04T11:30:00Z"), opportunities("2025-06-08T12:00:00Z")), since(before));
        // 001E and 006D again (unchanged); 006B's deletion (updated)
        assertEquals(new PageCounts(3, 0, 1, 2, 0), second.counts());
        assertEquals(APRIL_10_9H30, deletedAt("deals", "006B"));
        assertEquals(null, deletedAt("customers", "001B"));
        // marked, not removed
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2026-04-10T09:30:00Z")), cursor());
        // March ended before the deletion and still counts the deal; April does not
        assertEquals(4L, deals(2026, 3, ""));
        assertEquals(1L, deals(2026, 3, " WHERE external_id = '006B'"));
        assertEquals(3L, deals(2026, 4, ""));
        assertEquals(0L, deals(2026, 4, " WHERE external_id = '006B'"));

        // again: 001E and 006B's deletion read again, nothing changes
        before = fake.requests().size();
        SyncReport third = harness.sync(source());
        assertEquals(List.of(accounts("2025-06-04T11:30:00Z"), opportunities("2026-04-10T09:30:00Z")), since(before));
        assertEquals(new PageCounts(2, 0, 0, 2, 0), third.counts());
        assertEquals(APRIL_10_9H30, deletedAt("deals", "006B"));

        // then its account, on 20 April
        fake.delete("Account", "001B", "2026-04-20T14:00:00Z");
        SyncReport fourth = harness.sync(source());
        // 001E again and 001B's deletion (updated); 006B's deletion again (unchanged)
        assertEquals(new PageCounts(3, 0, 1, 2, 0), fourth.counts());
        assertEquals(APRIL_20_14H, deletedAt("customers", "001B"));
        assertEquals(APRIL_10_9H30, deletedAt("deals", "006B"));
        assertEquals(Optional.of(cursor("2026-04-20T14:00:00Z", "2026-04-10T09:30:00Z")), cursor());

        SyncReport fifth = harness.sync(source());
        assertEquals(new PageCounts(2, 0, 0, 2, 0), fifth.counts());
        assertEquals(APRIL_20_14H, deletedAt("customers", "001B"));
        for (String id : List.of("001A", "001C", "001D", "001E")) {
            assertEquals(null, deletedAt("customers", id), id);
        }
        for (String id : List.of("006A", "006C", "006D")) {
            assertEquals(null, deletedAt("deals", id), id);
        }
        assertEquals(Map.of("customers", 5L, "deals", 4L, "customer_attributes", 3L), tables());
        assertEquals(List.of(), harness.rejects("crm"));
    }

    @Test
    void aSyncKilledBetweenTwoDeletionsResumesFromItsLastSecondWithNeitherLostNorDoubled() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        fake.delete("Opportunity", "006A", "2026-03-15T10:00:00Z");
        fake.delete("Opportunity", "006C", "2026-04-10T09:30:00Z");
        // page 1: 001E; page 2: 006D, 006A's deletion; page 3 (006C's deletion) fails
        SyncReport failed = harness.sync(SourceHarness.failingOnCommit(source(), 3));
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals(new PageCounts(3, 0, 1, 2, 0), failed.counts());
        assertEquals(MARCH_15_10H, deletedAt("deals", "006A"));
        assertEquals(null, deletedAt("deals", "006C"));
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2026-03-15T10:00:00Z")), cursor());

        int before = fake.requests().size();
        SyncReport resumed = harness.sync(source());
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome(), resumed.message());
        assertEquals(List.of(accounts("2025-06-04T11:30:00Z"), opportunities("2026-03-15T10:00:00Z")), since(before));
        // 001E and 006A's deletion again (unchanged), 006C's (updated)
        assertEquals(new PageCounts(3, 0, 1, 2, 0), resumed.counts());
        assertEquals(MARCH_15_10H, deletedAt("deals", "006A"));
        assertEquals(APRIL_10_9H30, deletedAt("deals", "006C"));
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2026-04-10T09:30:00Z")), cursor());
        // 006A counts in February (deleted after its end), not in March; 006C in March, not in April
        assertEquals(4L, deals(2026, 2, ""));
        assertEquals(3L, deals(2026, 3, ""));
        assertEquals(2L, deals(2026, 4, ""));
    }

    @Test
    void anOpportunityRestoredFromTheRecycleBinCountsAgain() {
        harness(RetryPolicy.DEFAULT);
        clean();
        assertEquals(CLEAN_FIRST, harness.sync(source()).counts());
        fake.delete("Opportunity", "006B", "2026-04-10T09:30:00Z");
        assertEquals(new PageCounts(3, 0, 1, 2, 0), harness.sync(source()).counts());
        assertEquals(3L, deals(2026, 4, ""));

        fake.undelete("Opportunity", "006B", "2026-04-12T08:00:00Z");
        SyncReport restored = harness.sync(source());
        // 001E again (unchanged); 006B read as a live deal again (updated)
        assertEquals(new PageCounts(2, 0, 1, 1, 0), restored.counts());
        assertEquals(null, deletedAt("deals", "006B"));
        assertEquals(4L, deals(2026, 4, ""));
        assertEquals(Optional.of(cursor("2025-06-04T11:30:00Z", "2026-04-12T08:00:00Z")), cursor());
    }
}
