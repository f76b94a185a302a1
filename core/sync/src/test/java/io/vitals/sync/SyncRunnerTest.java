package io.vitals.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.PageCounts;
import io.vitals.connector.Rejected;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.model.BillingInterval;
import io.vitals.model.Customer;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;
import io.vitals.store.sql.SqlStore;
import io.vitals.testdb.TestStores;

class SyncRunnerTest {

    static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;
    String url;
    /** False once a test changed the schema itself (a trigger), so it is not handed to the next test. */
    boolean reusable = true;
    SqlStore store;
    SyncRunner runner;

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "sync");
        store = SqlStore.open(url, 2);
        runner = new SyncRunner(store, "USD", RetryPolicy.DEFAULT);
    }

    @AfterEach
    void close() {
        store.close();
        if (reusable) {
            TestStores.release(url);
        }
    }

    /** A source that serves the pages a function builds from the cursor, and may fail on a page. */
    static final class PagedSource implements Source {
        final List<Function<String, SourcePage>> pages;
        int failOnPage = -1;
        int syncs;

        PagedSource(List<Function<String, SourcePage>> pages) {
            this.pages = pages;
        }

        @Override public String id() { return "crm"; }
        @Override public String kind() { return "test"; }
        @Override public Map<String, String> settings() { return Map.of(); }
        @Override public Duration interval() { return Duration.ZERO; }

        @Override
        public void sync(SyncContext context) {
            syncs++;
            int start = context.cursor().map(Integer::parseInt).orElse(0);
            for (int i = start; i < pages.size(); i++) {
                if (i == failOnPage) {
                    throw new IllegalStateException("the CRM hung up on page " + i);
                }
                context.commit(pages.get(i).apply(null).cursor(String.valueOf(i + 1)));
            }
        }
    }

    static Customer customer(String id, String name, String email, Map<String, String> attributes) {
        return new Customer(0, "crm", id, name, email, T, "pro", "EMEA", "alice", "software", attributes);
    }

    static SourcePage customers(int from, int to) {
        SourcePage page = new SourcePage();
        for (int i = from; i < to; i++) {
            page.customer(customer("c" + i, "Customer " + i, "c" + i + "@example.com", Map.of("tier", "gold")), "row " + i);
        }
        return page;
    }

    long count(String table) {
        return store.counts().get(table);
    }

    SyncReport run(PagedSource source) {
        return runner.run(source, SyncListener.NONE, () -> false);
    }

    @Test
    void syncingTwiceChangesNothing() {
        PagedSource source = new PagedSource(List.of(c -> customers(0, 50), c -> customers(50, 100)));
        SyncReport first = run(source);
        assertEquals(SyncReport.Outcome.COMPLETE, first.outcome());
        assertEquals(new PageCounts(100, 100, 0, 0, 0), first.counts());
        store.resetCursor("crm"); // read everything again
        SyncReport second = run(source);
        assertEquals(new PageCounts(100, 0, 0, 100, 0), second.counts());
        assertEquals(100, count("customers"));
        assertEquals(100, count("customer_attributes"));
    }

    @Test
    void aRecordEditedAtTheSourceIsUpdatedNotDuplicated() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 3))));
        store.resetCursor("crm");
        PagedSource edited = new PagedSource(List.of(c -> new SourcePage()
                .customer(customer("c0", "Customer 0", "c0@example.com", Map.of("tier", "gold")), "same")
                .customer(customer("c1", "Renamed", "c1@example.com", Map.of("tier", "gold")), "renamed")
                .customer(customer("c2", "Customer 2", "c2@example.com", Map.of("tier", "silver")), "new attribute")));
        assertEquals(new PageCounts(3, 0, 2, 1, 0), run(edited).counts());
        assertEquals(3, count("customers"));
        assertEquals(Map.of("tier", "silver"), attributes("c2"));

        store.resetCursor("crm");
        // the same customer twice in a page: its last row's attributes are what the store keeps
        assertEquals(new PageCounts(2, 0, 2, 0, 0), run(new PagedSource(List.of(c -> new SourcePage()
                .customer(customer("c1", "Renamed", "c1@example.com", Map.of("tier", "bronze")), "first")
                .customer(customer("c1", "Renamed", "c1@example.com", Map.of("tier", "platinum", "size", "big")), "second"))))
                .counts());
        assertEquals(Map.of("tier", "platinum", "size", "big"), attributes("c1"));
        assertEquals(Map.of("tier", "gold"), attributes("c0"));
    }

    Map<String, String> attributes(String customer) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection(url); var st = c.prepareStatement("SELECT a.name, a.value"
                + " FROM customer_attributes a JOIN customers c ON c.id = a.customer_id WHERE c.source = 'crm' AND c.external_id = ?")) {
            st.setString(1, customer);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    @Test
    void aSyncThatFailsResumesFromItsLastCommittedPageAndLosesNothing() {
        List<Function<String, SourcePage>> pages = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            int first = p * 10;
            pages.add(c -> customers(first, first + 10));
        }
        PagedSource source = new PagedSource(pages);
        source.failOnPage = 3;
        SyncReport failed = run(source);
        assertEquals(SyncReport.Outcome.FAILED, failed.outcome());
        assertEquals("the CRM hung up on page 3", failed.message());
        assertEquals(30, count("customers"));
        assertEquals("3", store.cursor("crm").orElseThrow());

        source.failOnPage = -1;
        SyncReport resumed = run(source);
        assertEquals(SyncReport.Outcome.COMPLETE, resumed.outcome());
        assertEquals(new PageCounts(20, 20, 0, 0, 0), resumed.counts(), "only the two pages it had not committed");
        assertEquals(50, count("customers"));
        assertEquals(resumed, store.lastReport("crm").orElseThrow());
    }

    @Test
    void aPageThatFailsInsideTheDatabaseLeavesNoTrace() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 2))));
        reusable = false;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            if (TestStores.postgresql()) {
                st.execute("CREATE FUNCTION injected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.external_id = 't-boom' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$");
                st.execute("CREATE TRIGGER injected BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION injected()");
            } else {
                st.execute("CREATE TRIGGER injected BEFORE INSERT ON tickets WHEN NEW.external_id = 't-boom'"
                        + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
            }
        }
        PagedSource source = new PagedSource(List.of(c -> new SourcePage()
                .customer(customer("c9", "Written first", null, Map.of()), "customer")
                .ticket(ticket("t-ok"), CustomerKey.of("crm", "c0"), "ticket")
                .ticket(ticket("t-boom"), CustomerKey.of("crm", "c0"), "ticket")));
        store.resetCursor("crm");
        SyncReport report = run(source);
        assertEquals(SyncReport.Outcome.FAILED, report.outcome());
        assertTrue(report.message().contains("injected failure"), report.message());
        assertEquals(2, count("customers"), "the page's customer was rolled back with it");
        assertEquals(0, count("tickets"));
        assertTrue(store.cursor("crm").isEmpty(), "the cursor did not move");
    }

    // ---- customer ids known from page to page: never older than the data

    long customerOfEvent(String eventId) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT customer_id FROM usage_events WHERE external_id = '" + eventId + "'")) {
            assertTrue(rs.next(), "no event " + eventId);
            return rs.getLong(1);
        }
    }

    long customerId(String externalId) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT id FROM customers WHERE external_id = '" + externalId + "'")) {
            assertTrue(rs.next(), "no customer " + externalId);
            return rs.getLong(1);
        }
    }

    static SourcePage event(String id, CustomerKey customer) {
        return new SourcePage().event(new UsageEvent("crm", id, 0, "u1", "login", T), customer, id);
    }

    @Test
    void aCustomerAnotherProcessMadeAfreshBetweenTwoPagesIsFoundUnderItsNewId() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 2))));
        long before = customerId("c0");
        store.resetCursor("crm");
        SyncReport report = run(new PagedSource(List.of(
                c -> event("ev-1", CustomerKey.of("crm", "c0")),
                c -> {
                    // another Vitals on the same database deletes the source and syncs its customers again, a new
                    // one first: c0's old id now belongs to that one (SQLite reuses the ids of deleted rows)
                    try (SqlStore other = SqlStore.open(url, 1)) {
                        other.deleteSource("crm");
                        new SyncRunner(other, "USD", RetryPolicy.DEFAULT).run(new PagedSource(List.of(
                                x -> customers(5, 6).customer(customer("c0", "Customer 0", "c0@example.com", Map.of()), "c0"))),
                                SyncListener.NONE, () -> false);
                    }
                    return event("ev-2", CustomerKey.of("crm", "c0"));
                })));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertTrue(customerId("c0") != before, "the customer was not made afresh");
        assertEquals(customerId("c0"), customerOfEvent("ev-2"));
    }

    @Test
    void aSourceDeletedBetweenTwoPagesTakesTheIdsKnownOfItsCustomersWithIt() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 2))));
        store.resetCursor("crm");
        SyncReport report = run(new PagedSource(List.of(
                c -> event("ev-1", CustomerKey.of("crm", "c0")),
                c -> {
                    store.deleteSource("crm");
                    return event("ev-2", CustomerKey.of("crm", "c0"));
                })));
        assertEquals(new PageCounts(2, 1, 0, 0, 1), report.counts(), "ev-2's customer is gone: a reject, not a row without one");
        assertEquals(0, count("usage_events"));
    }

    @Test
    void anEmailAddressThatMovedToAnotherCustomerOnAnEarlierPageIsFollowed() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 2))));
        store.resetCursor("crm");
        SyncReport report = run(new PagedSource(List.of(
                c -> event("ev-1", CustomerKey.email("c0@example.com")),
                c -> new SourcePage()
                        .customer(customer("c0", "Customer 0", "left@example.com", Map.of("tier", "gold")), "c0 moved")
                        .customer(customer("c1", "Customer 1", "c0@example.com", Map.of("tier", "gold")), "c1 took it"),
                c -> event("ev-2", CustomerKey.email("c0@example.com")))));
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), report.message());
        assertEquals(customerId("c0"), customerOfEvent("ev-1"));
        assertEquals(customerId("c1"), customerOfEvent("ev-2"));
    }

    static SupportTicket ticket(String id) {
        return new SupportTicket(0, "crm", id, 0L, "normal", "email", "open", T, null, null, 0, 0);
    }

    @Test
    void badRowsLandInRejectsWithTheirReasonsAndNothingIsDropped() {
        run(new PagedSource(List.of(c -> customers(0, 1))));
        store.resetCursor("crm");
        PagedSource source = new PagedSource(List.of(c -> new SourcePage()
                .reject("id=;name=Nobody", "missing id")
                .subscription(sub("s-eur", "EUR"), CustomerKey.of("crm", "c0"), "s-eur raw")
                .subscription(sub("s-xyz", "XYZ"), CustomerKey.of("crm", "c0"), "s-xyz raw")
                .subscription(sub("s-orphan", "USD"), CustomerKey.of("crm", "c404"), "s-orphan raw")
                .subscription(sub("s-ok", "usd"), CustomerKey.of("crm", "c0"), "s-ok raw")
                .response(new SurveyResponse(0, "crm", "r1", null, "stranger@example.org", SurveyType.NPS, 9, 0, 10, T, null),
                        CustomerKey.email("stranger@example.org"), "r1 raw")
                .response(new SurveyResponse(0, "crm", "r2", null, "C0@Example.com", SurveyType.NPS, 3, 0, 10, T, null),
                        CustomerKey.email("C0@Example.com"), "r2 raw")));
        SyncReport report = run(source);
        assertEquals(new PageCounts(7, 3, 0, 0, 4), report.counts());
        List<Rejected> rejects = store.rejects("crm", 10);
        assertEquals(4, rejects.size());
        List<String> reasons = rejects.stream().map(Rejected::reason).sorted().toList();
        assertEquals(List.of("currency EUR is not the store's currency USD (Vitals keeps every amount in one currency)",
                "missing id", "no customer crm:c404 in the store", "unknown currency 'XYZ'"), reasons);
        assertTrue(rejects.stream().anyMatch(r -> r.raw().equals("s-orphan raw")), "the raw row is kept");
        assertEquals(1, count("subscriptions"));
        assertEquals(2, count("survey_responses"), "the unmatched respondent is kept");
        assertEquals(4, store.rejectCount("crm"));

        store.resetCursor("crm");
        assertEquals(4, run(source).counts().rejected(), "a second pass rejects the same rows again...");
        assertEquals(4, store.rejectCount("crm"), "...but keeps each bad row once");
    }

    static Subscription sub(String id, String currency) {
        return Subscription.priced(0, "crm", id, 0, "pro", "active", BillingInterval.MONTH, 1, 1, 10_000, currency, T, null);
    }

    @Test
    void usageEventsWithoutIdsAreNotDoubledByARereadAndCustomersAreFoundByEmail() {
        run(new PagedSource(List.of(c -> customers(0, 1))));
        store.resetCursor("crm");
        PagedSource events = new PagedSource(List.of(c -> new SourcePage()
                .event(new UsageEvent("crm", null, 0, "u1", "login", T), CustomerKey.email("c0@example.com"), "e1")
                .event(new UsageEvent("crm", null, 0, "u1", "login", T.plusSeconds(60)), CustomerKey.email("c0@example.com"), "e2")));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), run(events).counts());
        store.resetCursor("crm");
        assertEquals(new PageCounts(2, 0, 0, 2, 0), run(events).counts());
        assertEquals(2, count("usage_events"));
    }

    @Test
    void usageEventsWithIdsAreCountedAsInsertedUpdatedOrUnchanged() {
        run(new PagedSource(List.of(c -> customers(0, 1))));
        CustomerKey c0 = CustomerKey.email("c0@example.com");
        store.resetCursor("crm");
        // the same event twice in one page: one row, inserted then updated
        assertEquals(new PageCounts(3, 2, 1, 0, 0), run(new PagedSource(List.of(c -> new SourcePage()
                .event(new UsageEvent("crm", "ev-1", 0, "u1", "login", T), c0, "e1")
                .event(new UsageEvent("crm", "ev-2", 0, "u1", "export", T), c0, "e2")
                .event(new UsageEvent("crm", "ev-1", 0, "u1", "login", T.plusSeconds(5)), c0, "e1 again")))).counts());
        store.resetCursor("crm");
        assertEquals(new PageCounts(3, 1, 1, 1, 0), run(new PagedSource(List.of(c -> new SourcePage()
                .event(new UsageEvent("crm", "ev-1", 0, "u1", "login", T.plusSeconds(5)), c0, "unchanged")
                .event(new UsageEvent("crm", "ev-2", 0, "u2", "export", T), c0, "another user")
                .event(new UsageEvent("crm", "ev-3", 0, "u1", "invite", T), c0, "new")))).counts());
        assertEquals(3, count("usage_events"));
    }

    @Test
    void recordsNamingMoreCustomersThanOneLookupTakesEachFindTheirOwn() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 1200))));
        store.resetCursor("crm");
        SourcePage page = new SourcePage();
        for (int i = 1199; i >= 0; i--) {
            // the user id names the customer, so every row can be checked against the id it got
            page.event(new UsageEvent("crm", "ev-" + i, 0, "c" + i, "login", T), CustomerKey.of("crm", "c" + i), "e" + i);
        }
        for (int i = 0; i < 30; i++) {
            page.event(new UsageEvent("crm", "stray-" + i, 0, "u", "login", T), CustomerKey.of("crm", "nobody-" + i), "s" + i);
        }
        assertEquals(new PageCounts(1230, 1200, 0, 0, 30), run(new PagedSource(List.of(c -> page))).counts());
        assertEquals(1200, eventsOnTheirOwnCustomer());

        store.resetCursor("crm");
        // by e-mail address, written in another case; by an id that matches nobody but an address that does
        SourcePage byEmail = new SourcePage();
        for (int i = 0; i < 600; i++) {
            byEmail.event(new UsageEvent("crm", "mail-" + i, 0, "c" + i, "login", T), CustomerKey.email("C" + i + "@Example.COM"), "m" + i);
        }
        for (int i = 600; i < 605; i++) {
            byEmail.event(new UsageEvent("crm", "mail-" + i, 0, "c" + i, "login", T),
                    new CustomerKey("crm", "old-" + i, "c" + i + "@example.com"), "m" + i);
        }
        byEmail.event(new UsageEvent("crm", "mail-x", 0, "u", "login", T), CustomerKey.email("nobody@example.com"), "mx");
        assertEquals(new PageCounts(606, 605, 0, 0, 1), run(new PagedSource(List.of(c -> byEmail))).counts());
        assertEquals(1805, eventsOnTheirOwnCustomer());
    }

    long eventsOnTheirOwnCustomer() throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM usage_events e JOIN customers c ON c.id = e.customer_id"
                        + " WHERE c.external_id = e.user_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void manyRowsRejectedForTheSameReasonAreEachKeptOnceAcrossPasses() {
        List<Function<String, SourcePage>> pages = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int first = p * 1000;
            pages.add(c -> {
                SourcePage page = new SourcePage();
                for (int i = first; i < first + 1000; i++) {
                    // rows alike for their first 200 characters: found again by the whole row, not its beginning
                    page.reject("x".repeat(200) + ",row " + i, "no customer given");
                }
                return page;
            });
        }
        assertEquals(new PageCounts(3000, 0, 0, 0, 3000), run(new PagedSource(pages)).counts());
        assertEquals(3000, store.rejectCount("crm"));
        store.resetCursor("crm");
        run(new PagedSource(pages));
        assertEquals(3000, store.rejectCount("crm"), "the same rows rejected again are not kept twice");
    }

    @Test
    void theSameRecordTwiceInOnePageIsOneRow() {
        PagedSource source = new PagedSource(List.of(c -> new SourcePage()
                .customer(customer("c0", "First", null, Map.of()), "a")
                .customer(customer("c0", "Second", null, Map.of()), "b")));
        assertEquals(new PageCounts(2, 1, 1, 0, 0), run(source).counts());
        assertEquals(1, count("customers"));
        assertNull(store.lastReport("nobody").orElse(null));
    }

    @Test
    void aUserSeenAgainKeepsTheTimeItWasFirstSeen() throws Exception {
        run(new PagedSource(List.of(c -> customers(0, 1))));
        CustomerKey c0 = CustomerKey.of("crm", "c0");
        store.resetCursor("crm");
        PagedSource later = new PagedSource(List.of(c -> new SourcePage()
                .user(new ProductUser("crm", "u1", 0, T.plusSeconds(3600)), c0, "seen at 11:00")));
        assertEquals(new PageCounts(1, 1, 0, 0, 0), run(later).counts());
        store.resetCursor("crm");
        PagedSource earlier = new PagedSource(List.of(c -> new SourcePage()
                .user(new ProductUser("crm", "u1", 0, T), c0, "seen at 10:00")
                .user(new ProductUser("crm", "u1", 0, T.plusSeconds(7200)), c0, "seen at 12:00")));
        assertEquals(new PageCounts(2, 0, 1, 1, 0), run(earlier).counts(), "10:00 moves it back, 12:00 changes nothing");
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement(); var rs = st.executeQuery("SELECT created_at FROM users")) {
            rs.next();
            assertEquals(T.getEpochSecond(), rs.getLong(1));
        }
    }

    /** A source of the given id that sends one page per sync from the pages given, in turn. */
    static Source pages(String id, List<SourcePage> pages) {
        return new Source() {
            int next;
            @Override public String id() { return id; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public Duration interval() { return Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                context.commit(pages.get(Math.min(next++, pages.size() - 1)));
            }
        };
    }

    @Test
    void rowsThatWaitedForTheirCustomerLandAtTheNextSyncAndLeaveTheRejects() {
        SourcePage tickets = new SourcePage();
        for (int i = 0; i < 3; i++) {
            tickets.invoice(new io.vitals.model.Invoice(0, "desk", "in" + i, 0, null, T, null, T, 5_000, 0, "USD", "paid", "recurring"),
                    CustomerKey.of("crm", "c" + i), null, "invoice row " + i);
        }
        Subscription late = Subscription.priced(0, "desk", "sub_9", 0, "pro", "active", BillingInterval.MONTH, 1, 2, 1_500, "USD", T, null);
        tickets.subscription(late, CustomerKey.of("crm", "c1"), "subscription row");
        Source desk = pages("desk", List.of(tickets, new SourcePage()));
        SyncReport first = runner.run(desk, SyncListener.NONE, () -> false);
        assertEquals(new PageCounts(4, 0, 0, 0, 4), first.counts());
        assertEquals(4, store.rejectCount("desk"));

        // two of the three customers arrive from the CRM; the desk's next sync reads nothing new, yet lands them
        runner.run(new PagedSource(List.of(c -> customers(0, 2))), SyncListener.NONE, () -> false);
        SyncReport second = runner.run(desk, SyncListener.NONE, () -> false);
        assertEquals(new PageCounts(0, 0, 0, 0, 0, 0, 3), second.counts());
        assertEquals(new PageCounts(0, 0, 0, 0, 0, 0, 3), store.lastReport("desk").orElseThrow().counts(), "kept with the run");
        assertEquals(2, count("invoices"));
        assertEquals(1L, count("subscriptions"));
        assertEquals(3_000L, store.queryRow("SELECT mrr_cents AS m FROM subscriptions WHERE external_id = 'sub_9'",
                io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3)), Map.of()).count("m"));
        assertEquals(1, store.rejectCount("desk"), "the one whose customer is still missing stays");
        assertEquals(List.of("no customer crm:c2 in the store"), store.rejects("desk", 10).stream().map(Rejected::reason).toList());
        SyncReport third = runner.run(desk, SyncListener.NONE, () -> false);
        assertEquals(PageCounts.NONE, third.counts(), "nothing lands twice");
    }

    @Test
    void erasingACustomerRemovesItsPersonalDataAndLeavesItsFigures() {
        SourcePage page = customers(0, 2);
        page.response(new SurveyResponse(0, "crm", "r1", 0L, "c0@example.com", SurveyType.NPS, 9, 0, 10, T, "Great, ask Ann at +1 555"),
                CustomerKey.of("crm", "c0"), "r1");
        page.response(new SurveyResponse(0, "crm", "r2", null, "C0@example.com", SurveyType.NPS, 3, 0, 10, T, "call me"),
                CustomerKey.email("C0@example.com"), "r2");
        page.reject("c0,c0@example.com,a row that named the customer", "a reason");
        runner.run(new PagedSource(List.of(c -> page)), SyncListener.NONE, () -> false);
        io.vitals.store.SyncStore.Erasure erased = store.erase("crm", "c0");
        assertEquals(new io.vitals.store.SyncStore.Erasure(true, 1, 2, 1), erased);
        assertEquals(0, store.rejectCount("crm"));
        io.vitals.kpi.KpiQuery any = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3));
        assertEquals("erased", store.queryRow("SELECT name AS n FROM customers WHERE external_id = 'c0'", any, Map.of()).string("n"));
        assertEquals(0L, store.queryRow("SELECT count(*) AS n FROM survey_responses WHERE comment IS NOT NULL OR respondent_email IS NOT NULL",
                any, Map.of()).count("n"));
        assertEquals(2L, store.queryRow("SELECT count(*) AS n FROM survey_responses", any, Map.of()).count("n"), "the answers still count");
        assertEquals("Customer 1", store.queryRow("SELECT name AS n FROM customers WHERE external_id = 'c1'", any, Map.of()).string("n"));
        assertEquals(new io.vitals.store.SyncStore.Erasure(false, 0, 0, 0), store.erase("crm", "nobody"));
    }

    @Test
    void ticketAttributesCountedEventsAndCancellationsFoundThroughTheirSubscription() {
        runner.run(new PagedSource(List.of(c -> customers(0, 2))), SyncListener.NONE, () -> false);
        io.vitals.kpi.KpiQuery any = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3));
        CustomerKey c0 = CustomerKey.of("crm", "c0");
        java.util.function.Function<Map<String, String>, SourcePage> ticketPage = attributes -> new SourcePage()
                .ticket(new SupportTicket(0, "desk", "t1", null, "high", "email", "open", T, null, null, 0, 0, attributes), c0, "t1")
                .event(new UsageEvent("desk", null, 0, "u1", "export", T, 14), c0, "14 exports")
                .skip();
        Source desk = pages("desk", List.of(ticketPage.apply(Map.of("area", "billing", "tier", "gold"))));
        assertEquals(new PageCounts(3, 2, 0, 0, 0, 0, 0, 1), runner.run(desk, SyncListener.NONE, () -> false).counts());
        assertEquals(1L, store.lastReport("desk").orElseThrow().counts().skipped(), "kept with the run");
        assertEquals(2L, store.queryRow("SELECT count(*) AS n FROM ticket_attributes", any, Map.of()).count("n"));
        assertEquals(14L, store.queryRow("SELECT event_count AS n FROM usage_events", any, Map.of()).count("n"));
        // the same ticket with one attribute changed is updated; read again as it is, unchanged
        Source edited = pages("desk", List.of(ticketPage.apply(Map.of("area", "invoices", "tier", "gold"))));
        assertEquals(new PageCounts(3, 0, 1, 1, 0, 0, 0, 1), runner.run(edited, SyncListener.NONE, () -> false).counts());
        assertEquals("invoices", store.queryRow("SELECT value AS v FROM ticket_attributes WHERE name = 'area'", any, Map.of()).string("v"));
        assertEquals(new PageCounts(3, 0, 0, 2, 0, 0, 0, 1), runner.run(edited, SyncListener.NONE, () -> false).counts());

        // a cancellation names only its subscription: it waits for it, then lands with that subscription's customer
        SourcePage cancellations = new SourcePage().cancellation(new io.vitals.model.Cancellation(0, "churn-survey", "x1", null, "sub_9",
                T, "too_expensive", "Our budget was cut"), CustomerKey.ofSubscription("billing", "sub_9"), "x1,sub_9,too_expensive");
        Source survey = pages("churn-survey", List.of(cancellations, new SourcePage()));
        assertEquals(1, runner.run(survey, SyncListener.NONE, () -> false).counts().rejected());
        assertEquals(List.of("no customer of subscription billing:sub_9 in the store"),
                store.rejects("churn-survey", 10).stream().map(Rejected::reason).toList());
        Subscription sub9 = Subscription.priced(0, "billing", "sub_9", 0, "pro", "active", BillingInterval.MONTH, 1, 1, 1_500, "USD", T, null);
        runner.run(pages("billing", List.of(new SourcePage().subscription(sub9, CustomerKey.of("crm", "c1"), "sub_9"))),
                SyncListener.NONE, () -> false);
        assertEquals(1L, runner.run(survey, SyncListener.NONE, () -> false).counts().landed());
        assertEquals("c1", store.queryRow("SELECT c.external_id AS c FROM cancellations x JOIN customers c ON c.id = x.customer_id",
                any, Map.of()).string("c"));
        assertEquals(0, store.rejectCount("churn-survey"));

        // erasing c1 forgets what it said; erasing c0 its ticket's attributes
        assertEquals(1L, store.erase("crm", "c1").cancellations());
        assertNull(store.queryRow("SELECT feedback AS f FROM cancellations", any, Map.of()).string("f"));
        assertEquals("too_expensive", store.queryRow("SELECT reason AS r FROM cancellations", any, Map.of()).string("r"));
        assertEquals(2L, store.erase("crm", "c0").attributes() - 1, "its own attribute and its ticket's two");
        assertEquals(0L, store.queryRow("SELECT count(*) AS n FROM ticket_attributes", any, Map.of()).count("n"));
    }

    @Test
    void aTicketOrDealDeletedAtItsSourceCountsOnlyInPeriodsThatEndedBefore() {
        runner.run(new PagedSource(List.of(c -> customers(0, 1))), SyncListener.NONE, () -> false);
        CustomerKey c0 = CustomerKey.of("crm", "c0");
        Instant april10 = Instant.parse("2026-04-10T00:00:00Z");
        SupportTicket t1 = new SupportTicket(0, "desk", "t1", null, "high", "email", "open", T, null, null, 0, 0);
        SupportTicket t2 = new SupportTicket(0, "desk", "t2", null, "low", "email", "open", T.plusSeconds(60), null, null, 0, 0);
        io.vitals.model.Deal d1 = new io.vitals.model.Deal(0, "desk", "d1", null, io.vitals.model.DealKind.UPSELL,
                io.vitals.model.DealStage.WON, 5_000, "USD", null, T, T);
        // a page that reads t1 and then tells it was deleted: deleted it stays
        SourcePage page = new SourcePage().ticket(t1, c0, "t1").ticket(t2, c0, "t2").deal(d1, c0, "d1")
                .deleted(new io.vitals.connector.Deletion("tickets", "t1", april10), "t1 deleted")
                .deleted(new io.vitals.connector.Deletion("deals", "d1", april10), "d1 archived");
        assertEquals(new PageCounts(5, 3, 2, 0, 0), runner.run(pages("desk", List.of(page)), SyncListener.NONE, () -> false).counts());
        java.util.function.BiFunction<String, io.vitals.kpi.KpiQuery, Long> count = (table, q) ->
                store.queryRow("SELECT count(*) AS n FROM " + table, q, Map.of()).count("n");
        io.vitals.kpi.KpiQuery march = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3));
        io.vitals.kpi.KpiQuery april = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 4));
        io.vitals.kpi.KpiQuery aprilForPro = new io.vitals.kpi.KpiQuery(io.vitals.kpi.Period.month(2026, 4),
                io.vitals.kpi.Segment.of("plan", "pro"));
        assertEquals(2L, count.apply("tickets", march), "March ended before the deletion");
        assertEquals(1L, count.apply("tickets", april));
        assertEquals(1L, count.apply("tickets", aprilForPro), "with a segment too");
        assertEquals(1L, count.apply("deals", march));
        assertEquals(0L, count.apply("deals", april));

        // told again, later: the earliest moment stays; read again from the source, the ticket is back
        assertEquals(new PageCounts(1, 0, 0, 1, 0), runner.run(pages("desk", List.of(new SourcePage()
                .deleted(new io.vitals.connector.Deletion("tickets", "t1", april10.plusSeconds(86_400)), "again"))),
                SyncListener.NONE, () -> false).counts());
        assertEquals(new PageCounts(1, 0, 1, 0, 0), runner.run(pages("desk", List.of(new SourcePage().ticket(t1, c0, "restored"))),
                SyncListener.NONE, () -> false).counts());
        assertEquals(2L, count.apply("tickets", april));
    }

    @Test
    void aCustomerDeletedAndThenReadAgainFromItsSourceIsThereAgain() {
        run(new PagedSource(List.of(c -> customers(0, 1))));
        Instant gone = Instant.parse("2026-04-01T00:00:00Z");
        assertEquals(new PageCounts(1, 0, 1, 0, 0), runner.run(pages("crm", List.of(new SourcePage()
                .deleted(new io.vitals.connector.Deletion("customers", "c0", gone), "c0 deleted"))), SyncListener.NONE, () -> false).counts());
        io.vitals.kpi.KpiQuery any = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3));
        assertEquals(gone.getEpochSecond(), store.queryRow("SELECT deleted_at AS d FROM customers", any, Map.of()).count("d"));
        store.resetCursor("crm");
        assertEquals(new PageCounts(1, 0, 1, 0, 0), run(new PagedSource(List.of(c -> customers(0, 1)))).counts(), "restored in the CRM");
        assertNull(store.queryRow("SELECT deleted_at AS d FROM customers", any, Map.of()).get("d"));
    }

    @Test
    void aDealEditedLaterKeepsItsEarlierStateForPeriodsThatEndedBefore() {
        runner.run(new PagedSource(List.of(c -> customers(0, 1))), SyncListener.NONE, () -> false);
        CustomerKey c0 = CustomerKey.of("crm", "c0");
        Instant march10 = Instant.parse("2026-03-10T00:00:00Z");
        java.util.function.BiFunction<io.vitals.model.DealStage, Long, SourcePage> deal = (stage, cents) -> new SourcePage().deal(
                new io.vitals.model.Deal(0, "crm-deals", "d1", null, io.vitals.model.DealKind.UPSELL, stage, cents, "USD", null,
                        T, march10), c0, "d1");
        runner.run(pages("crm-deals", List.of(deal.apply(io.vitals.model.DealStage.WON, 1_000_000L))), SyncListener.NONE, () -> false);
        // later (this sync, after March) the deal is raised to 12,000.00
        assertEquals(new PageCounts(1, 0, 1, 0, 0), runner.run(pages("crm-deals",
                List.of(deal.apply(io.vitals.model.DealStage.WON, 1_200_000L))), SyncListener.NONE, () -> false).counts());
        String sql = "SELECT sum(amount_cents) AS won FROM deals WHERE stage = 'won' AND closed_at >= :from AND closed_at < :to";
        io.vitals.kpi.KpiQuery march = io.vitals.kpi.KpiQuery.of(io.vitals.kpi.Period.month(2026, 3));
        assertEquals(1_000_000L, store.queryRow(sql, march, Map.of()).count("won"), "March as it stood when March ended");
        io.vitals.kpi.KpiQuery upToNow = new io.vitals.kpi.KpiQuery(new io.vitals.kpi.Period(java.time.LocalDate.of(2026, 3, 1),
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2)), io.vitals.kpi.Segment.ALL);
        assertEquals(1_200_000L, store.queryRow(sql, upToNow, Map.of()).count("won"), "a period ending after the edit sees it");
        assertEquals(1_000_000L, store.queryRow(sql, new io.vitals.kpi.KpiQuery(io.vitals.kpi.Period.month(2026, 3),
                io.vitals.kpi.Segment.of("plan", "pro")), Map.of()).count("won"), "with a segment too");

        // read again unchanged: no further history; then lost
        runner.run(pages("crm-deals", List.of(deal.apply(io.vitals.model.DealStage.WON, 1_200_000L))), SyncListener.NONE, () -> false);
        assertEquals(1L, store.queryRow("SELECT count(*) AS n FROM deal_history", march, Map.of()).count("n"));
        store.deleteSource("crm-deals");
        assertEquals(0L, store.queryRow("SELECT count(*) AS n FROM deal_history", march, Map.of()).count("n"), "gone with its source");
    }
}
