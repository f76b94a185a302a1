package io.vitals.connector.zendesk;

import static io.vitals.connector.zendesk.ZendeskData.fields;
import static io.vitals.connector.zendesk.ZendeskData.metrics;
import static io.vitals.connector.zendesk.ZendeskData.obj;
import static io.vitals.connector.zendesk.ZendeskData.organization;
import static io.vitals.connector.zendesk.ZendeskData.rating;
import static io.vitals.connector.zendesk.ZendeskData.t;
import static io.vitals.connector.zendesk.ZendeskData.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.model.Customer;
import io.vitals.store.Percentiles;
import io.vitals.store.Row;
import io.vitals.testkit.SourceHarness;

/**
 * What lands in the store: tickets with exactly the columns the support KPIs read, CSAT answers
 * from satisfaction ratings, customers from organizations (or another source's), deleted and
 * reopened tickets, and every kind of row that cannot be mapped in the rejects with its reason.
 */
class ZendeskTicketsTest {

    /** 2026 up to "now": every ticket of the clean data was created and resolved in it. */
    static final KpiQuery YEAR = KpiQuery.of(Period.parse("2026-01-01", "2026-12-01"));

    @TempDir
    Path dir;
    FakeZendesk fake;
    SourceHarness harness;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("secrets.properties"), "zendesk=" + ZendeskData.TOKEN + "\n");
        fake = new FakeZendesk(FakeZendesk.basic(ZendeskData.EMAIL, ZendeskData.TOKEN), ZendeskData.CLOCK);
        harness = SourceHarness.in(dir, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        harness.close();
        fake.close();
    }

    ZendeskSource source(Object... more) {
        Object[] all = new Object[more.length + 6];
        System.arraycopy(new Object[] {"planField", "plan", "regionField", "region", "attributes", "seats,tier"}, 0, all, 0, 6);
        System.arraycopy(more, 0, all, 6, more.length);
        return ZendeskData.source(fake, dir, 10, all);
    }

    SyncReport sync(Source source) {
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        return report;
    }

    /** Each ticket as "id customer priority channel status created first_response resolved reopens replies". */
    List<String> tickets() {
        return harness.rows("SELECT t.external_id AS id, c.source AS cs, c.external_id AS customer, t.priority, t.channel, t.status,"
                + " t.created_at, t.first_response_at, t.resolved_at, t.reopens, t.agent_replies"
                + " FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id ORDER BY t.external_id").stream()
                .map(r -> r.get("id") + " " + (r.get("customer") == null ? "-" : r.get("cs") + ":" + r.get("customer")) + " "
                        + r.get("priority") + " " + r.get("channel") + " " + r.get("status") + " " + iso(r.get("created_at")) + " "
                        + iso(r.get("first_response_at")) + " " + iso(r.get("resolved_at")) + " " + r.get("reopens") + " "
                        + r.get("agent_replies"))
                .toList();
    }

    /** Each survey response as "id customer email type score min..max answered comment". */
    List<String> responses() {
        return harness.rows("SELECT r.external_id AS id, c.source AS cs, c.external_id AS customer, r.respondent_email, r.survey_type,"
                + " r.score, r.scale_min, r.scale_max, r.answered_at, r.comment"
                + " FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.external_id").stream()
                .map(r -> r.get("id") + " " + (r.get("customer") == null ? "-" : r.get("cs") + ":" + r.get("customer")) + " "
                        + r.get("respondent_email") + " " + r.get("survey_type") + " " + r.get("score") + " " + r.get("scale_min") + ".."
                        + r.get("scale_max") + " " + iso(r.get("answered_at")) + " " + r.get("comment"))
                .toList();
    }

    static String iso(Object epoch) {
        return epoch == null ? "null" : Instant.ofEpochSecond(((Number) epoch).longValue()).toString();
    }

    static final List<String> CLEAN_TICKETS = List.of(
            "35436 support:5001 high email solved 2026-01-07T10:00:00Z 2026-01-07T10:42:00Z 2026-01-08T09:00:00Z 0 1",
            "35437 support:5002 normal web closed 2026-02-02T08:00:00Z 2026-02-02T09:30:00Z 2026-02-04T08:00:00Z 1 3",
            "35438 support:5001 urgent chat open 2026-03-03T09:30:00Z 2026-03-03T09:45:00Z null 0 1",
            "35439 - null api new 2026-04-01T12:00:00Z null null 0 0",
            "35440 support:5003 low voice pending 2026-05-05T00:00:00Z 2026-05-05T10:00:00Z null 0 2");

    @Test
    void ticketsLandWithExactlyTheColumnsTheSupportKpisRead() {
        ZendeskData.clean(fake);
        SyncReport report = sync(source());
        // 3 organizations and 5 tickets read; 3 customers, 5 tickets and 2 CSAT answers stored
        assertEquals(new PageCounts(8, 10, 0, 0, 0), report.counts());
        // first response = created + reply_time_in_minutes.calendar; resolved = solved_at while solved or closed
        assertEquals(CLEAN_TICKETS, tickets());
        assertEquals(List.of(), harness.rejects("support"));

        // first-response-time: median and p90 of the hours to the first reply over the tickets created in the period
        // that were answered (0.25, 0.7, 1.5, 10), the unanswered one (35439) counted apart
        Row frt = harness.store().queryRow(Percentiles.sql("SELECT (first_response_at - created_at) / 3600.0 AS x FROM tickets"
                + " WHERE created_at >= :from AND created_at < :to AND first_response_at IS NOT NULL",
                harness.store().dialect(), 0.5, 0.9), YEAR, Map.of());
        assertEquals(4, Percentiles.count(frt));
        Double[] p = Percentiles.read(frt, 0.5, 0.9);
        assertEquals(1.1, p[0], 1e-9);
        assertEquals(7.45, p[1], 1e-9);
        assertEquals(1L, ((Number) harness.value("SELECT count(*) FROM tickets WHERE created_at >= :from AND created_at < :to"
                + " AND first_response_at IS NULL")).longValue());

        // resolution-time: the tickets resolved in the period, 23 and 48 hours
        Row rt = harness.store().queryRow(Percentiles.sql("SELECT (resolved_at - created_at) / 3600.0 AS x FROM tickets"
                + " WHERE resolved_at >= :from AND resolved_at < :to", harness.store().dialect(), 0.5, 0.9), YEAR, Map.of());
        assertEquals(2, Percentiles.count(rt));
        assertEquals(35.5, Percentiles.read(rt, 0.5)[0], 1e-9);

        // first-contact-resolution, its SQL as it is: 35436 (one reply, no reopen) of the two resolved
        Row fcr = harness.store().queryRow("""
                SELECT count(*) AS resolved,
                       count(*) FILTER (WHERE agent_replies <= 1 AND reopens = 0) AS first_contact
                FROM tickets
                WHERE resolved_at >= :from AND resolved_at < :to""", YEAR, Map.of());
        assertEquals(2, fcr.count("resolved"));
        assertEquals(1, fcr.count("first_contact"));
    }

    @Test
    void satisfactionRatingsAreCsatAnswersGoodFiveBadOne() {
        ZendeskData.clean(fake);
        sync(source());
        // good = 5 and bad = 1 on 1..5, dated at the ticket's resolution, with the ticket's customer and the requester's address;
        // "offered" (35438) and "unoffered" (35439) are no answer: skipped, not rejected
        assertEquals(List.of("77 support:5001 ann@acme.com csat 5 1..5 2026-01-08T09:00:00Z thanks",
                "78 support:5002 bob@globex.com csat 1 1..5 2026-02-04T08:00:00Z slow"), responses());
        assertEquals(List.of(), harness.rejects("support"));
        // the CSAT KPI's default (4 and 5 of 1..5 satisfied) is then Zendesk's satisfaction score good / (good + bad)
        Row csat = harness.store().queryRow("""
                SELECT count(*) AS responses,
                       count(*) FILTER (WHERE score >= :satisfiedMin) AS satisfied
                FROM survey_responses
                WHERE survey_type = 'csat' AND scale_min = :scaleMin AND scale_max = :scaleMax AND
                answered_at >= :from AND answered_at < :to""", YEAR, Map.of("scaleMin", 1, "scaleMax", 5, "satisfiedMin", 4));
        assertEquals(2, csat.count("responses"));
        assertEquals(1, csat.count("satisfied"));

        // a rating changed from bad to good comes with its ticket and is updated
        ObjectNode t37 = ticket(35437, "2026-02-02T08:00:00Z", "2026-06-01T08:00:00Z", "closed", "normal", "web", ZendeskData.GLOBEX, 9002);
        t37.set("satisfaction_rating", rating(78, "good", "sorted after all"));
        fake.ticket(t37, metrics(35437, "2026-02-02T08:00:00Z", 90, "2026-02-04T08:00:00Z", 1, 3));
        SyncReport again = sync(source());
        assertEquals(new PageCounts(2, 0, 1, 2, 0), again.counts()); // Initech and 35437 unchanged, the rating updated
        assertEquals("78 support:5002 bob@globex.com csat 5 1..5 2026-02-04T08:00:00Z sorted after all", responses().get(1));
    }

    @Test
    void organizationsAreCustomersWithTheConfiguredFields() {
        ZendeskData.clean(fake);
        fake.organization(organization(5004, "Hooli", "2025-09-30T23:59:59Z", "2026-01-04T00:00:00Z",
                fields("plan", "pro", "region", "NA", "csm", "grace", "industry", "software", "modules", List.of("api", "sso"),
                        "seats", 120.0, "tier", "")));
        sync(source("csmField", "csm", "industryField", "industry", "attributes", "seats, tier,modules"));
        assertEquals(List.of("5001 Acme 2024-03 2024-03-01T09:00:00Z pro EMEA null null",
                "5002 Globex 2024-06 2024-06-15T00:00:00Z basic NA null null",
                "5003 Initech 2025-02 2025-02-01T00:00:00Z null null null null",
                "5004 Hooli 2025-09 2025-09-30T23:59:59Z pro NA grace software"),
                harness.rows("SELECT * FROM customers ORDER BY external_id").stream().map(r -> r.get("external_id") + " "
                        + r.get("name") + " " + r.get("cohort") + " " + iso(r.get("signup_at")) + " " + r.get("plan") + " "
                        + r.get("region") + " " + r.get("csm_owner") + " " + r.get("industry")).toList());
        assertEquals(List.of("5001 seats=40", "5001 tier=gold", "5002 seats=5", "5004 modules=api,sso", "5004 seats=120.0"),
                harness.rows("SELECT c.external_id, a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id"
                        + " ORDER BY 1, 2").stream().map(r -> r.get("external_id") + " " + r.get("name") + "=" + r.get("value")).toList());
    }

    @Test
    void aTicketDeletedInAprilStillCountsInMarchButNotInApril() {
        fake.organization(organization(ZendeskData.ACME, "Acme", "2024-03-01T09:00:00Z", "2026-01-01T00:00:00Z",
                fields("plan", "pro", "region", "EMEA")));
        fake.user(9001, "Ann", "ann@acme.com", ZendeskData.ACME);
        ObjectNode t50 = ticket(35450, "2026-03-10T09:00:00Z", "2026-03-11T15:00:00Z", "solved", "normal", "email",
                ZendeskData.ACME, 9001);
        t50.set("satisfaction_rating", rating(80, "good", "quick"));
        fake.ticket(t50, metrics(35450, "2026-03-10T09:00:00Z", 20, "2026-03-11T15:00:00Z", 0, 1));
        // Acme and 35450 read; the customer, the ticket and its CSAT answer stored
        assertEquals(new PageCounts(2, 3, 0, 0, 0), sync(source()).counts());
        assertEquals(List.of("35450 support:5001 normal email solved 2026-03-10T09:00:00Z 2026-03-10T09:20:00Z"
                + " 2026-03-11T15:00:00Z 0 1"), tickets());

        // deleted on 14 April: the export gives it once more, status "deleted", its rating still on it
        fake.delete(35450, "2026-04-14T16:20:00Z");
        SyncReport report = sync(source());
        // Acme read again at its end_time (unchanged); the deletion marks the ticket (updated); no CSAT answer taken
        // from the deleted ticket (it would be a second unchanged)
        assertEquals(new PageCounts(2, 0, 1, 1, 0), report.counts());

        KpiQuery march = KpiQuery.of(Period.month(2026, 3));
        KpiQuery april = KpiQuery.of(Period.month(2026, 4));
        // 2026-04-14T16:20:00Z: 2026-01-01 is 1,767,225,600; + (31 + 28 + 31 + 13) days x 86,400 = 8,899,200;
        // + 16 h 20 min = 58,800
        Row row = harness.store().queryRow("SELECT status, resolved_at, deleted_at FROM tickets WHERE external_id = '35450'",
                march, Map.of());
        assertEquals(1_776_183_600L, ((Number) row.get("deleted_at")).longValue());
        assertEquals("solved", row.get("status")); // otherwise as it was
        // tickets created before the period's end: March ended before the deletion, April after it
        String created = "SELECT count(*) AS n FROM tickets WHERE created_at < :to";
        assertEquals(1, harness.store().queryRow(created, march, Map.of()).count("n"));
        assertEquals(0, harness.store().queryRow(created, april, Map.of()).count("n"));
        // March's resolution time keeps it: 10 March 09:00 to 11 March 15:00 is 30 hours
        Row rt = harness.store().queryRow(Percentiles.sql("SELECT (resolved_at - created_at) / 3600.0 AS x FROM tickets"
                + " WHERE resolved_at >= :from AND resolved_at < :to", harness.store().dialect(), 0.5), march, Map.of());
        assertEquals(1, Percentiles.count(rt));
        assertEquals(30.0, Percentiles.read(rt, 0.5)[0], 1e-9);
        // as of now it is gone; its CSAT answer, dated 11 March, stays in March
        assertEquals(List.of(), tickets());
        assertEquals(List.of("80 support:5001 ann@acme.com csat 5 1..5 2026-03-11T15:00:00Z quick"), responses());
    }

    @Test
    void deletedTicketsLeaveTheSupportKpisOfPeriodsEndingAfterTheyWent() {
        ZendeskData.clean(fake);
        sync(source());
        assertEquals(1L, openAtEndFor("5001"));
        // 35438 deleted on 1 June; 35436 deleted on 3 June with a system update five minutes later (the export's
        // generated_timestamp moved, its updated_at did not); 35437 deleted on 4 June without a generated_timestamp;
        // 35441 deleted before any sync saw it
        fake.delete(35438, "2026-06-01T00:00:00Z");
        ObjectNode d36 = ticket(35436, "2026-01-07T10:00:00Z", "2026-06-03T00:00:00Z", "deleted", "high", "email",
                ZendeskData.ACME, 9001);
        d36.put("generated_timestamp", t("2026-06-03T00:05:00Z"));
        fake.ticket(35436, t("2026-06-03T00:05:00Z"), d36, null);
        ObjectNode d37 = ticket(35437, "2026-02-02T08:00:00Z", "2026-06-04T00:00:00Z", "deleted", "normal", "web",
                ZendeskData.GLOBEX, 9002);
        d37.remove("generated_timestamp");
        fake.ticket(d37, null);
        fake.ticket(ticket(35441, "2026-05-30T00:00:00Z", "2026-06-02T00:00:00Z", "deleted", "normal", "email", ZendeskData.ACME,
                9001), null);
        SyncReport report = sync(source());
        // Initech and four deleted tickets read: 35436, 35437 and 35438 marked deleted; Initech unchanged, and 35441 too,
        // with no row to mark
        assertEquals(new PageCounts(5, 0, 3, 2, 0), report.counts());

        // January to May ended at or before every deletion: there each ticket is, with the moment it went
        KpiQuery toJune = KpiQuery.of(Period.parse("2026-01-01", "2026-06-01"));
        assertEquals(List.of("35436 2026-06-03T00:05:00Z", "35437 2026-06-04T00:00:00Z", "35438 2026-06-01T00:00:00Z",
                "35439 null", "35440 null"), harness.store().query("SELECT external_id, deleted_at FROM tickets ORDER BY 1",
                        toJune, Map.of(), r -> r.get("external_id") + " " + iso(r.get("deleted_at"))));
        // and its resolution time still has 35436 (23 hours) and 35437 (48 hours)
        Row rt = harness.store().queryRow(Percentiles.sql("SELECT (resolved_at - created_at) / 3600.0 AS x FROM tickets"
                + " WHERE resolved_at >= :from AND resolved_at < :to", harness.store().dialect(), 0.5), toJune, Map.of());
        assertEquals(2, Percentiles.count(rt));
        assertEquals(35.5, Percentiles.read(rt, 0.5)[0], 1e-9);
        // the year to December no longer counts them: of the answered 35436, 35437, 35438 and 35440 only 35440 is left,
        // none is resolved, and Acme has no open ticket; at the end of March, 35438 was open
        assertEquals(1L, ((Number) harness.store().queryRow("SELECT count(*) AS n FROM tickets WHERE created_at >= :from"
                + " AND created_at < :to AND first_response_at IS NOT NULL", YEAR, Map.of()).get("n")).longValue());
        assertEquals(0, harness.store().queryRow("SELECT count(*) AS n FROM tickets WHERE resolved_at >= :from"
                + " AND resolved_at < :to", YEAR, Map.of()).count("n"));
        assertEquals(0L, openAtEndFor("5001"));
        assertEquals(1L, openAtEndFor("5001", KpiQuery.of(Period.month(2026, 3))));
        assertEquals(List.of(), harness.rejects("support"));
    }

    /** The health score's open tickets of a customer as of now. */
    long openAtEndFor(String organization) {
        return ((Number) harness.value("SELECT count(*) FROM tickets t JOIN customers c ON c.id = t.customer_id"
                + " WHERE c.external_id = '" + organization + "' AND t.created_at < :to"
                + " AND (t.resolved_at IS NULL OR t.resolved_at >= :to)")).longValue();
    }

    /** The health score's open tickets of a customer at the end of the query's period. */
    long openAtEndFor(String organization, KpiQuery query) {
        return harness.store().queryRow("SELECT count(*) AS n FROM tickets t JOIN customers c ON c.id = t.customer_id"
                + " WHERE c.external_id = :organization AND t.created_at < :to AND (t.resolved_at IS NULL OR t.resolved_at >= :to)",
                query, Map.of("organization", organization)).count("n");
    }

    @Test
    void aReopenedTicketIsNoLongerResolved() {
        ZendeskData.clean(fake);
        sync(source());
        // 35436 reopened: its metric set keeps the earlier solved_at, but it is open now
        fake.ticket(ticket(35436, "2026-01-07T10:00:00Z", "2026-06-01T00:00:00Z", "open", "high", "email", ZendeskData.ACME, 9001),
                metrics(35436, "2026-01-07T10:00:00Z", 42, "2026-01-08T09:00:00Z", 1, 2));
        sync(source());
        assertEquals("35436 support:5001 high email open 2026-01-07T10:00:00Z 2026-01-07T10:42:00Z null 1 2", tickets().get(0));
        assertEquals(2L, openAtEndFor("5001"));
        // solved again: resolved at the new solved_at, with the reopen counted
        fake.ticket(ticket(35436, "2026-01-07T10:00:00Z", "2026-06-03T00:00:00Z", "solved", "high", "email", ZendeskData.ACME, 9001),
                metrics(35436, "2026-01-07T10:00:00Z", 42, "2026-06-02T12:00:00Z", 1, 3));
        sync(source());
        assertEquals("35436 support:5001 high email solved 2026-01-07T10:00:00Z 2026-01-07T10:42:00Z 2026-06-02T12:00:00Z 1 3",
                tickets().get(0));
    }

    /** A source that brings customers of its own (a CRM, a billing system), for matching tickets against. */
    static Source customers(String id, Customer... customers) {
        return new Source() {
            @Override public String id() { return id; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public Duration interval() { return Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                SourcePage page = new SourcePage();
                for (Customer c : customers) {
                    page.customer(c, c.externalId());
                }
                context.commit(page.cursor("done"));
            }
        };
    }

    static Customer customer(String source, String id, String email) {
        return new Customer(0, source, id, id, email, Instant.parse("2024-01-01T00:00:00Z"), null, null, null, null, Map.of());
    }

    @Test
    void aTicketWithoutOrganizationFindsItsCustomerByTheRequestersAddress() {
        ZendeskData.clean(fake);
        sync(customers("billing", customer("billing", "cus_carol", "Carol@Nowhere.org")));
        sync(source());
        assertEquals("35439 billing:cus_carol null api new 2026-04-01T12:00:00Z null null 0 0", tickets().get(3));
        // the organization wins where there is one
        assertEquals("35440 support:5003 low voice pending 2026-05-05T00:00:00Z 2026-05-05T10:00:00Z null 0 2", tickets().get(4));

        // without the requesters side-loaded: no address to match by, so kept unmatched
        harness.store().resetCursor("support");
        int sent = fake.log().size();
        sync(source("matchRequesterEmail", false));
        assertEquals(FakeZendesk.TICKETS + "?start_time=" + ZendeskData.START_EPOCH + "&include=metric_sets&per_page=10",
                fake.log().get(sent + 1));
        assertEquals("35439 - null api new 2026-04-01T12:00:00Z null null 0 0", tickets().get(3));
        assertEquals(List.of("77 support:5001 null csat 5 1..5 2026-01-08T09:00:00Z thanks",
                "78 support:5002 null csat 1 1..5 2026-02-04T08:00:00Z slow"), responses());
    }

    @Test
    void withACustomerSourceTicketsBelongToTheCustomersItsOrganizationFieldNames() {
        ZendeskData.clean(fake);
        sync(customers("crm", customer("crm", "001A", null), customer("crm", "001B", null), customer("crm", "001D", "dave@initech.com")));
        SyncReport report = sync(source("customerSource", "crm", "organizationField", "crm_id"));
        assertEquals(new PageCounts(5, 7, 0, 0, 0), report.counts());
        // Initech has no crm_id: its requester's address finds the CRM customer; 35439 has neither: unmatched
        assertEquals(List.of(
                "35436 crm:001A high email solved 2026-01-07T10:00:00Z 2026-01-07T10:42:00Z 2026-01-08T09:00:00Z 0 1",
                "35437 crm:001B normal web closed 2026-02-02T08:00:00Z 2026-02-02T09:30:00Z 2026-02-04T08:00:00Z 1 3",
                "35438 crm:001A urgent chat open 2026-03-03T09:30:00Z 2026-03-03T09:45:00Z null 0 1",
                "35439 - null api new 2026-04-01T12:00:00Z null null 0 0",
                "35440 crm:001D low voice pending 2026-05-05T00:00:00Z 2026-05-05T10:00:00Z null 0 2"), tickets());
        assertEquals(List.of("77 crm:001A ann@acme.com csat 5 1..5 2026-01-08T09:00:00Z thanks",
                "78 crm:001B bob@globex.com csat 1 1..5 2026-02-04T08:00:00Z slow"), responses());
        // no customers made from organizations
        assertEquals(List.of("crm"), harness.rows("SELECT DISTINCT source FROM customers").stream().map(r -> r.get("source")).toList());
    }

    @Test
    void everyKindOfBadRowLandsInTheRejectsWithItsReason() {
        FakeZendesk f = fake;
        long s = t("2026-07-01T00:00:00Z");
        ObjectNode noId = organization(6000, "Nameless", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", fields());
        noId.remove("id");
        f.organization(6000, s, noId);
        f.organization(6001, s + 1, organization(6001, "Umbrella", "last tuesday", "2026-01-01T00:00:00Z", fields()));
        f.organization(6002, s + 2, organization(6002, "Cyberdyne", null, "2026-01-01T00:00:00Z", fields()));
        ObjectNode textId = organization(6003, "Tyrell", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", fields());
        textId.put("id", "x1");
        f.organization(6003, s + 3, textId);

        String c = "2026-01-02T00:00:00Z";
        List<ObjectNode> tickets = new ArrayList<>();
        List<ObjectNode> sets = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            long id = 900 + i;
            tickets.add(ticket(id, c, "2026-07-01T00:00:00Z", "open", "normal", "email", null, 9003));
            sets.add(metrics(id, c, 30, null, 0, 1));
        }
        tickets.get(0).remove("id");
        tickets.get(1).put("id", "abc");
        tickets.get(2).putNull("status");
        tickets.get(3).put("status", "escalated");
        tickets.get(4).put("created_at", "yesterday");
        tickets.get(5).putNull("created_at");
        tickets.get(6).put("priority", "p1");
        sets.set(7, null);
        ((ObjectNode) sets.get(8).get("reply_time_in_minutes")).put("calendar", -5);
        tickets.get(9).put("status", "solved");
        tickets.get(10).put("status", "solved");
        sets.set(10, metrics(910, c, 30, "2026-01-01T00:00:00Z", 0, 1));
        sets.get(11).put("reopens", -1);
        sets.get(12).put("solved_at", "soon");
        tickets.get(13).set("satisfaction_rating", rating(1913, "great", null));
        tickets.get(14).set("satisfaction_rating", obj("score", "good", "id", null, "comment", "no id"));
        sets.get(15).put("replies", 2.5);
        tickets.get(16).put("status", "deleted");
        tickets.get(16).remove("generated_timestamp");
        tickets.get(16).putNull("updated_at");
        sets.set(16, null);
        for (int i = 0; i < 17; i++) {
            f.ticket(900 + i, s + i, tickets.get(i), sets.get(i));
        }

        SyncReport report = sync(source());
        // 4 organizations and 17 tickets read; 913 and 914 stored, their ratings rejected
        assertEquals(new PageCounts(21, 2, 0, 0, 21), report.counts());
        assertEquals(List.of("913", "914"), harness.rows("SELECT external_id FROM tickets ORDER BY 1").stream()
                .map(r -> r.get("external_id")).toList());
        List<String> expected = List.of(
                "organization without an id",
                "organization 6001: created_at 'last tuesday' is not a time",
                "organization 6002: created_at is missing",
                "organization: id 'x1' is not a number",
                "ticket without an id",
                "ticket: id 'abc' is not a number",
                "ticket 902: status is missing",
                "ticket 903: status 'escalated' is none of new, open, pending, hold, solved, closed, deleted",
                "ticket 904: created_at 'yesterday' is not a time",
                "ticket 905: created_at is missing",
                "ticket 906: priority 'p1' is none of low, normal, high, urgent",
                "ticket 907: no metric set came with it (include=metric_sets), so its first reply, resolution, reopens and"
                        + " replies are unknown",
                "ticket 908: reply_time_in_minutes.calendar '-5' is not a number of minutes",
                "ticket 909: status solved but its metric set has no solved_at",
                "ticket 910: solved_at 2026-01-01T00:00:00Z is before created_at 2026-01-02T00:00:00Z",
                "ticket 911: reopens '-1' is not a count",
                "ticket 912: metric set: solved_at 'soon' is not a time",
                "ticket 913: satisfaction_rating score 'great' is none of good, bad (offered and unoffered are no answer)",
                "ticket 914: satisfaction_rating good has no id",
                "ticket 915: replies '2.5' is not a count",
                "ticket 916: status deleted, but neither generated_timestamp nor updated_at says when");
        assertEquals(expected.stream().sorted().toList(),
                harness.rejects("support").stream().map(r -> r.reason()).sorted().toList());
        // each with the row as Zendesk gave it
        Map<String, String> raw = harness.rejects("support").stream()
                .collect(Collectors.toMap(r -> r.reason(), r -> r.raw(), (a, b) -> a));
        assertEquals(tickets.get(3).toString(), raw.get(expected.get(7)));
        assertEquals(textId.toString(), raw.get(expected.get(3)));
        assertEquals(ZendeskData.parse(tickets.get(13).toString()), ZendeskData.parse(raw.get(expected.get(17))));

        // read again from the start: the same rows rejected for the same reasons are not kept twice
        harness.store().resetCursor("support");
        assertEquals(new PageCounts(21, 0, 0, 2, 21), sync(source()).counts());
        assertEquals(21, harness.rejects("support").size());
    }
}
