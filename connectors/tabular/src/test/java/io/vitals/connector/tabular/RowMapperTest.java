package io.vitals.connector.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourcePage;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.BillingInterval;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;

class RowMapperTest {

    static final String SOURCE = "src";

    /** key, value, key, value... */
    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static RowMapper mapper(boolean rowIds, String... config) {
        return new RowMapper(SOURCE, TabularMapping.of(map(config), rowIds));
    }

    static RowMapper mapper(String... config) {
        return mapper(false, config);
    }

    static RowMapper.Result ok(RowMapper mapper, Map<String, String> row) {
        RowMapper.Result r = mapper.map(row, null);
        assertTrue(r.mapped(), () -> "rejected: " + r.reason());
        return r;
    }

    static String reason(RowMapper mapper, Map<String, String> row) {
        RowMapper.Result r = mapper.map(row, null);
        assertFalse(r.mapped(), () -> "mapped: " + r.record());
        return r.reason();
    }

    static String refused(boolean rowIds, String... config) {
        return assertThrows(IllegalArgumentException.class, () -> TabularMapping.of(map(config), rowIds)).getMessage();
    }

    static String refused(String... config) {
        return refused(false, config);
    }

    static Instant at(String iso) {
        return Instant.parse(iso);
    }

    // ---------------------------------------------------------------- every entity

    @Nested
    class Customers {
        RowMapper m = mapper("entity", "customers", "map.externalId", "Id", "map.name", "Company", "map.email", "Email",
                "map.signupAt", "Created", "map.plan", "Plan", "map.region", "Region", "map.csmOwner", "Owner",
                "map.industry", "Industry", "map.attributes", "Size, Country", "attribute.employees", "Number of Employees");

        @Test
        void everyFieldAndAttributes() {
            Customer c = (Customer) ok(m, map("Id", "c-1", "Company", " Acme ", "Email", "ops@acme.test", "Created", "2025-03-14",
                    "Plan", "pro", "Region", "EMEA", "Owner", "alice", "Industry", "software", "Size", "51-200", "Country", "",
                    "Number of Employees", "120")).record();
            assertEquals(new Customer(0, SOURCE, "c-1", "Acme", "ops@acme.test", at("2025-03-14T00:00:00Z"), "pro", "EMEA",
                    "alice", "software", Map.of("Size", "51-200", "employees", "120")), c);
        }

        @Test
        void absentOptionalColumnsAreNull() {
            Customer c = (Customer) ok(m, map("Id", "c-2", "Created", "2025-03-14T09:30:00Z")).record();
            assertNull(c.name());
            assertNull(c.plan());
            assertEquals(Map.of(), c.attributes());
            assertEquals(at("2025-03-14T09:30:00Z"), c.signupAt());
        }

        @Test
        void columnsMatchIgnoringCase() {
            Customer c = (Customer) ok(m, map("ID", "c-3", "created", "2025-03-14", "COMPANY", "Upper")).record();
            assertEquals("c-3", c.externalId());
            assertEquals("Upper", c.name());
        }

        @Test
        void theRowIdStandsInForAMissingIdColumn() {
            RowMapper byRow = mapper(true, "entity", "customers", "map.signupAt", "Created");
            assertTrue(byRow.mapping().usesRowIds());
            Customer c = (Customer) byRow.map(map("Created", "2025-01-01"), "customers.csv:2").record();
            assertEquals("customers.csv:2", c.externalId());
        }

        @Test
        void aMissingIdIsRejectedEvenWithRowIdsWhenTheMappingNamesTheColumn() {
            RowMapper named = mapper(true, "entity", "customers", "map.externalId", "Id", "map.signupAt", "Created");
            assertFalse(named.mapping().usesRowIds());
            assertEquals("missing externalId (column Id)", named.map(map("Id", " ", "Created", "2025-01-01"), "f.csv:3").reason());
        }

        @Test
        void badRows() {
            assertEquals("missing externalId (column Id)", reason(m, map("Created", "2025-01-01")));
            assertEquals("missing signupAt (column Created)", reason(m, map("Id", "c-1", "Created", "")));
            assertEquals("signupAt: 'yesterday' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)",
                    reason(m, map("Id", "c-1", "Created", "yesterday")));
        }
    }

    @Nested
    class Subscriptions {
        RowMapper m = mapper("entity", "subscriptions", "map.externalId", "id", "map.customer", "Customer ID", "map.plan", "Plan",
                "map.status", "Status", "map.interval", "Interval", "map.intervalCount", "Interval Count",
                "map.quantity", "Quantity", "map.amount", "Amount", "map.currency", "Currency", "map.startedAt", "Start",
                "map.endedAt", "Ended", "value.interval.annual", "year", "value.status.Yes", "canceled");

        @Test
        void mrrIsDerivedFromThePrice() {
            RowMapper.Result r = ok(m, map("id", "sub_1", "Customer ID", "cus_1", "Plan", "team", "Status", "active",
                    "Interval", "annual", "Interval Count", "1", "Quantity", "3", "Amount", "1,200.00", "Currency", "usd",
                    "Start", "2025-01-01", "Ended", ""));
            assertEquals(new Subscription(0, SOURCE, "sub_1", 0, "team", "active", BillingInterval.YEAR, 1, 3, 360000, "USD",
                    30000, at("2025-01-01T00:00:00Z"), null), r.record(), "the amount column is the price of one unit");
            assertEquals(CustomerKey.of(SOURCE, "cus_1"), r.customer());
        }

        @Test
        void builtInDefaultsAreMonthlyOneUnit() {
            RowMapper plain = mapper("entity", "subscriptions", "map.externalId", "id", "map.customer", "cust",
                    "map.amount", "price", "default.currency", "EUR", "map.startedAt", "start");
            Subscription s = (Subscription) ok(plain, map("id", "s", "cust", "c", "price", "49.9", "start", "2025-01-01")).record();
            assertEquals(BillingInterval.MONTH, s.interval());
            assertEquals(1, s.intervalCount());
            assertEquals(1, s.quantity());
            assertEquals(4990, s.amountCents());
            assertEquals(4990, s.mrrCents());
            assertEquals("EUR", s.currency());
        }

        @Test
        void aQuarterlyPriceEveryTwoQuarters() {
            Subscription s = (Subscription) ok(m, map("id", "s", "Customer ID", "c", "Interval", "Quarter", "Interval Count", "2",
                    "Amount", "600", "Currency", "USD", "Start", "2025-01-01")).record();
            assertEquals(BillingInterval.QUARTER, s.interval());
            assertEquals(10000, s.mrrCents());
        }

        @Test
        void telcoStyleChurnColumnEndsTheSubscription() {
            RowMapper telco = mapper("entity", "subscriptions", "map.externalId", "customerID", "map.customer", "customerID",
                    "map.plan", "Contract", "map.status", "Churn", "value.status.Yes", "canceled", "value.status.No", "active",
                    "map.amount", "MonthlyCharges", "default.currency", "USD", "map.startedAt", "tenure",
                    "dateFormat.startedAt", "months_before:2024-06-01", "map.endedAt", "Churn",
                    "value.endedAt.Yes", "2024-06-01", "value.endedAt.No", "");
            Subscription churned = (Subscription) ok(telco, map("customerID", "7590-VHVEG", "Contract", "Month-to-month",
                    "Churn", "Yes", "MonthlyCharges", "29.85", "tenure", "13")).record();
            assertEquals("canceled", churned.status());
            assertEquals(at("2023-05-01T00:00:00Z"), churned.startedAt());
            assertEquals(at("2024-06-01T00:00:00Z"), churned.endedAt());
            assertEquals(2985, churned.mrrCents());
            Subscription staying = (Subscription) ok(telco, map("customerID", "5575-GNVDE", "Contract", "One year",
                    "Churn", "no", "MonthlyCharges", "56.95", "tenure", "0")).record();
            assertEquals("active", staying.status());
            assertNull(staying.endedAt());
            assertEquals(at("2024-06-01T00:00:00Z"), staying.startedAt());
        }

        @Test
        void customersOfAnotherSourceOrByEmail() {
            RowMapper crm = mapper("entity", "subscriptions", "map.externalId", "id", "map.customer", "account",
                    "map.amount", "a", "default.currency", "USD", "map.startedAt", "s", "customerSource", "CRM");
            assertEquals(CustomerKey.of("crm", "0017"), ok(crm, map("id", "1", "account", "0017", "a", "1", "s", "2025-01-01")).customer());
            RowMapper email = mapper("entity", "subscriptions", "map.externalId", "id", "map.customer", "email",
                    "map.amount", "a", "default.currency", "USD", "map.startedAt", "s", "customerBy", "email");
            assertEquals(CustomerKey.email("a@b.test"), ok(email, map("id", "1", "email", "a@b.test", "a", "1", "s", "2025-01-01")).customer());
        }

        @Test
        void amountsInMinorUnits() {
            RowMapper minor = mapper("entity", "subscriptions", "map.externalId", "id", "map.customer", "c", "map.amount", "a",
                    "default.currency", "USD", "map.startedAt", "s", "amountsIn", "minor");
            assertEquals(4990, ((Subscription) ok(minor, map("id", "1", "c", "c", "a", "4990", "s", "2025-01-01")).record()).amountCents());
            assertEquals("amount: '49.90' is not an amount in cents (a whole number; amountsIn = minor)",
                    reason(minor, map("id", "1", "c", "c", "a", "49.90", "s", "2025-01-01")));
        }

        Map<String, String> good() {
            return map("id", "s", "Customer ID", "c", "Amount", "10", "Currency", "USD", "Start", "2025-01-01");
        }

        Map<String, String> with(String... kv) {
            Map<String, String> row = new HashMap<>(good());
            row.putAll(map(kv));
            return row;
        }

        @Test
        void badRows() {
            assertEquals("missing customer (column Customer ID)", reason(m, with("Customer ID", "")));
            assertEquals("missing amount (column Amount)", reason(m, with("Amount", "")));
            assertEquals("missing currency (column Currency)", reason(m, with("Currency", "")));
            assertEquals("missing startedAt (column Start)", reason(m, with("Start", "")));
            assertEquals("amount: '-5.00' is negative", reason(m, with("Amount", "-5.00")));
            assertEquals("amount: 'ten' is not an amount (e.g. 49.90)", reason(m, with("Amount", "ten")));
            assertEquals("amount: '9.999' has more than two decimals", reason(m, with("Amount", "9.999")));
            assertEquals("interval: 'fortnight' is not one of day, week, month, quarter, year", reason(m, with("Interval", "fortnight")));
            assertEquals("intervalCount: '0' is less than 1", reason(m, with("Interval Count", "0")));
            assertEquals("quantity: '-1' is negative", reason(m, with("Quantity", "-1")));
            assertEquals("quantity: 'two' is not a whole number", reason(m, with("Quantity", "two")));
            assertEquals("currency: 'XYZ' is not an ISO 4217 currency code (e.g. USD, EUR)", reason(m, with("Currency", "XYZ")));
            assertEquals("endedAt 2024-01-01T00:00:00Z is before startedAt 2025-01-01T00:00:00Z", reason(m, with("Ended", "2024-01-01")));
            assertEquals("the amounts are too large to add up (long overflow)",
                    reason(m, with("Amount", "92233720368547758.07", "Quantity", "3")));
        }
    }

    @Nested
    class Invoices {
        RowMapper m = mapper("entity", "invoices", "map.externalId", "number", "map.customer", "customer",
                "map.subscription", "subscription", "map.issuedAt", "date", "map.dueAt", "due", "map.paidAt", "paid",
                "map.amount", "subtotal", "map.tax", "tax", "map.currency", "currency", "map.status", "status", "map.kind", "kind");

        @Test
        void paidOrOpenByDefault() {
            RowMapper.Result r = ok(m, map("number", "in_1", "customer", "c1", "subscription", "sub_1", "date", "2025-02-01",
                    "due", "2025-02-15", "paid", "2025-02-03T12:00:00Z", "subtotal", "100.00", "tax", "20.00", "currency", "USD"));
            assertEquals(new Invoice(0, SOURCE, "in_1", 0, null, at("2025-02-01T00:00:00Z"), at("2025-02-15T00:00:00Z"),
                    at("2025-02-03T12:00:00Z"), 10000, 2000, "USD", "paid", "recurring"), r.record());
            assertEquals("sub_1", r.subscription());
            Invoice open = (Invoice) ok(m, map("number", "in_2", "customer", "c1", "date", "2025-02-01", "subtotal", "5",
                    "currency", "USD")).record();
            assertEquals("open", open.status());
            assertEquals(0, open.taxCents());
            Invoice refund = (Invoice) ok(m, map("number", "in_3", "customer", "c1", "date", "2025-02-01", "subtotal", "5",
                    "currency", "USD", "status", "Paid", "kind", "One-off")).record();
            assertEquals("paid", refund.status());
            assertEquals("one_off", refund.kind());
        }

        @Test
        void badRows() {
            Map<String, String> row = map("number", "in_1", "customer", "c1", "date", "2025-02-01", "subtotal", "5", "currency", "USD");
            row.put("status", "draft");
            assertEquals("status: 'draft' is not one of paid, open, void, uncollectible", reason(m, row));
            row.put("status", "paid");
            row.put("kind", "gift");
            assertEquals("kind: 'gift' is not one of recurring, one_off, refund", reason(m, row));
            row.remove("kind");
            row.put("tax", "-1");
            assertEquals("tax: '-1' is negative", reason(m, row));
        }
    }

    @Nested
    class SurveyResponses {
        RowMapper m = mapper("entity", "survey_responses", "map.externalId", "Response ID", "map.customer", "Account",
                "map.email", "Email", "map.type", "Survey", "map.score", "Score", "map.answeredAt", "Date", "map.comment", "Comment",
                "default.type", "nps");

        @Test
        void scaleDefaultsByType() {
            RowMapper.Result r = ok(m, map("Response ID", "r1", "Account", "c1", "Email", "x@a.test", "Score", "9",
                    "Date", "2026-01-15T08:00:00Z", "Comment", "great"));
            assertEquals(new SurveyResponse(0, SOURCE, "r1", null, "x@a.test", SurveyType.NPS, 9, 0, 10,
                    at("2026-01-15T08:00:00Z"), "great"), r.record());
            assertEquals(new CustomerKey(SOURCE, "c1", "x@a.test"), r.customer(), "by id, and by e-mail if the id is unknown");
            SurveyResponse csat = (SurveyResponse) ok(m, map("Response ID", "r2", "Survey", "CSAT", "Score", "4", "Date", "2026-01-15")).record();
            assertEquals(1, csat.scaleMin());
            assertEquals(5, csat.scaleMax());
            SurveyResponse ces = (SurveyResponse) ok(m, map("Response ID", "r3", "Survey", "ces", "Score", "7.0", "Date", "2026-01-15")).record();
            assertEquals(7, ces.score());
            assertEquals(7, ces.scaleMax());
        }

        @Test
        void matchedByEmailOrUnmatched() {
            assertEquals(CustomerKey.email("x@a.test"), ok(m, map("Response ID", "r1", "Email", "x@a.test", "Score", "3",
                    "Date", "2026-01-15")).customer());
            assertNull(ok(m, map("Response ID", "r1", "Score", "3", "Date", "2026-01-15")).customer(), "kept unmatched");
        }

        @Test
        void aConfiguredScale() {
            RowMapper tenPoint = mapper("entity", "survey_responses", "map.externalId", "id", "map.score", "s",
                    "map.answeredAt", "d", "default.type", "csat", "default.scaleMin", "0", "default.scaleMax", "10");
            SurveyResponse r = (SurveyResponse) ok(tenPoint, map("id", "1", "s", "10", "d", "2026-01-01")).record();
            assertEquals(0, r.scaleMin());
            assertEquals(10, r.scaleMax());
        }

        @Test
        void badRows() {
            assertEquals("score: '11' is outside the nps scale 0..10",
                    reason(m, map("Response ID", "r1", "Score", "11", "Date", "2026-01-15")));
            assertEquals("score: '6' is outside the csat scale 1..5",
                    reason(m, map("Response ID", "r1", "Survey", "csat", "Score", "6", "Date", "2026-01-15")));
            assertEquals("missing score (column Score)", reason(m, map("Response ID", "r1", "Date", "2026-01-15")));
            assertEquals("score: 'nine' is not a whole number", reason(m, map("Response ID", "r1", "Score", "nine", "Date", "2026-01-15")));
            assertEquals("type: 'poll' is not one of nps, csat, ces",
                    reason(m, map("Response ID", "r1", "Survey", "poll", "Score", "1", "Date", "2026-01-15")));
            assertEquals("missing externalId (column Response ID)", reason(m, map("Score", "1", "Date", "2026-01-15")));
        }
    }

    @Nested
    class Tickets {
        RowMapper m = mapper("entity", "tickets", "map.externalId", "Id", "map.customer", "Requester email", "customerBy", "email",
                "map.priority", "Priority", "map.channel", "Via", "map.status", "Status", "map.createdAt", "Created at",
                "map.firstResponseAt", "First reply", "map.resolvedAt", "Solved at", "map.reopens", "Reopens",
                "map.agentReplies", "Replies", "dateFormat", "yyyy-MM-dd HH:mm:ss", "value.priority.-", "");

        @Test
        void everyField() {
            RowMapper.Result r = ok(m, map("Id", "101", "Requester email", "jo@acme.test", "Priority", "High", "Via", "email",
                    "Status", "solved", "Created at", "2026-02-01 09:00:00", "First reply", "2026-02-01 10:30:00",
                    "Solved at", "2026-02-02 09:00:00", "Reopens", "1", "Replies", "3"));
            assertEquals(new SupportTicket(0, SOURCE, "101", null, "high", "email", "solved", at("2026-02-01T09:00:00Z"),
                    at("2026-02-01T10:30:00Z"), at("2026-02-02T09:00:00Z"), 1, 3), r.record());
            assertEquals(CustomerKey.email("jo@acme.test"), r.customer());
        }

        @Test
        void aTicketFromNobodyKnown() {
            RowMapper.Result r = ok(m, map("Id", "102", "Priority", "-", "Created at", "2026-02-01 09:00:00"));
            assertNull(r.customer());
            SupportTicket t = (SupportTicket) r.record();
            assertNull(t.priority(), "'-' translated to nothing");
            assertEquals(0, t.reopens());
            assertEquals(0, t.agentReplies());
        }

        @Test
        void customFieldsBecomeTheTicketsAttributes() {
            RowMapper withFields = mapper("entity", "tickets", "map.externalId", "Id", "map.createdAt", "Created at",
                    "map.attributes", "Product area", "attribute.tier", "Support tier");
            SupportTicket t = (SupportTicket) ok(withFields, map("Id", "7", "Created at", "2026-02-01T09:00:00Z",
                    "Product area", " Billing ", "Support tier", "")).record();
            assertEquals(Map.of("Product area", "Billing"), t.attributes(), "an empty value is no attribute");
            assertEquals(Map.of("Product area", "map.attributes", "Support tier", "attribute.tier", "Id", "map.externalId",
                    "Created at", "map.createdAt"), withFields.mapping().columns());
        }

        @Test
        void badRows() {
            assertEquals("priority: 'medium' is not one of low, normal, high, urgent",
                    reason(m, map("Id", "1", "Priority", "medium", "Created at", "2026-02-01 09:00:00")));
            assertEquals("createdAt: '2026-02-01' is not a date in format yyyy-MM-dd HH:mm:ss",
                    reason(m, map("Id", "1", "Created at", "2026-02-01")));
            assertEquals("reopens: '-2' is negative", reason(m, map("Id", "1", "Created at", "2026-02-01 09:00:00", "Reopens", "-2")));
        }
    }

    @Nested
    class Users {
        RowMapper m = mapper("entity", "users", "map.userId", "id", "map.customer", "account_id", "map.createdAt", "created",
                "dateFormat", "epoch");

        @Test
        void aUser() {
            RowMapper.Result r = ok(m, map("id", "u1", "account_id", "a1", "created", "1767225600"));
            assertEquals(new ProductUser(SOURCE, "u1", 0, at("2026-01-01T00:00:00Z")), r.record());
            assertEquals(CustomerKey.of(SOURCE, "a1"), r.customer());
        }

        @Test
        void badRows() {
            assertEquals("missing userId (column id)", m.map(map("account_id", "a1", "created", "1"), "users.csv:2").reason(),
                    "a user's id never comes from the row number");
            assertEquals("missing customer (column account_id)", reason(m, map("id", "u1", "created", "1")));
            assertEquals("createdAt: '2026-01-01' is not a time in epoch seconds", reason(m, map("id", "u1", "account_id", "a", "created", "2026-01-01")));
        }
    }

    @Nested
    class UsageEvents {
        RowMapper m = mapper("entity", "usage_events", "map.customer", "properties.account", "map.userId", "userId",
                "map.event", "event", "map.occurredAt", "timestamp", "dateFormat", "epoch_ms");

        @Test
        void anEventWithoutIdOrWithTheRowId() {
            Map<String, String> row = map("properties.account", "a1", "userId", "u1", "event", "create_report", "timestamp", "1767225600123");
            assertEquals(new UsageEvent(SOURCE, null, 0, "u1", "create_report", Instant.ofEpochMilli(1767225600123L)), ok(m, row).record());
            RowMapper withRows = mapper(true, "entity", "usage_events", "map.customer", "properties.account", "map.userId", "userId",
                    "map.event", "event", "map.occurredAt", "timestamp", "dateFormat", "epoch_ms");
            assertEquals("events.jsonl:4", ((UsageEvent) withRows.map(row, "events.jsonl:4").record()).externalId());
        }

        @Test
        void aRowOfDailyCountsIsOneRecordOfThatManyEvents() {
            RowMapper daily = mapper("entity", "usage_events", "map.customer", "account", "map.userId", "user", "map.event", "feature",
                    "map.occurredAt", "day", "map.count", "uses");
            assertEquals(new UsageEvent(SOURCE, null, 0, "u1", "export", at("2026-03-02T00:00:00Z"), 14),
                    ok(daily, map("account", "a1", "user", "u1", "feature", "export", "day", "2026-03-02", "uses", "14")).record());
            assertEquals(1, ((UsageEvent) ok(daily, map("account", "a1", "user", "u1", "feature", "export", "day", "2026-03-02"))
                    .record()).count(), "no count: one event");
            RowMapper.Result none = daily.map(map("account", "a1", "user", "u1", "feature", "export", "day", "2026-03-03", "uses", "0"), null);
            assertTrue(none.skipped(), "a day the feature was not used is no event");
            assertEquals("count: '-1' is negative",
                    reason(daily, map("account", "a1", "user", "u1", "feature", "export", "day", "2026-03-02", "uses", "-1")));
            SourcePage page = new SourcePage();
            daily.addTo(page, map("account", "a1", "user", "u1", "feature", "export", "day", "2026-03-03", "uses", "0"), null, "r");
            assertEquals(List.of(), page.entries());
            assertEquals(List.of(), page.rejections());
            assertEquals(1, page.skipped());
            assertEquals(1, page.read());
        }

        @Test
        void badRows() {
            assertEquals("missing event (column event)", reason(m, map("properties.account", "a1", "userId", "u1", "timestamp", "1")));
            assertEquals("missing userId (column userId)", reason(m, map("properties.account", "a1", "event", "x", "timestamp", "1")));
        }
    }

    @Nested
    class Deals {
        RowMapper m = mapper("entity", "deals", "map.externalId", "Deal ID", "map.customer", "Company ID", "customerSource", "hubspot",
                "map.kind", "Type", "map.stage", "Stage", "map.amount", "Amount", "map.currency", "Currency", "map.product", "Product",
                "map.createdAt", "Created", "map.closedAt", "Close Date", "value.stage.closedwon", "won", "value.stage.closedlost", "lost",
                "value.kind.existingbusiness", "upsell", "dateFormat", "M/d/yyyy");

        @Test
        void aDeal() {
            RowMapper.Result r = ok(m, map("Deal ID", "d1", "Company ID", "900", "Type", "Cross-sell", "Stage", "closedwon",
                    "Amount", "5000", "Currency", "USD", "Product", "Analytics", "Created", "1/15/2026", "Close Date", "2/28/2026"));
            assertEquals(new Deal(0, SOURCE, "d1", null, DealKind.CROSS_SELL, DealStage.WON, 500000, "USD", "Analytics",
                    at("2026-01-15T00:00:00Z"), at("2026-02-28T00:00:00Z")), r.record());
            assertEquals(CustomerKey.of("hubspot", "900"), r.customer());
            Deal prospect = (Deal) ok(m, map("Deal ID", "d2", "Type", "existingbusiness", "Stage", "open", "Created", "1/15/2026")).record();
            assertEquals(DealKind.UPSELL, prospect.kind());
            assertEquals(0, prospect.amountCents());
            assertNull(ok(m, map("Deal ID", "d2", "Type", "renewal", "Stage", "open", "Created", "1/15/2026")).customer());
        }

        @Test
        void badRows() {
            assertEquals("stage: 'closedwon2' is not one of open, won, lost",
                    reason(m, map("Deal ID", "d1", "Type", "upsell", "Stage", "closedwon2", "Created", "1/15/2026")));
            assertEquals("missing kind (column Type)", reason(m, map("Deal ID", "d1", "Stage", "open", "Created", "1/15/2026")));
            assertEquals("createdAt: '2/30/2026' is not a date in format M/d/yyyy",
                    reason(m, map("Deal ID", "d1", "Type", "upsell", "Stage", "open", "Created", "2/30/2026")));
        }
    }

    @Nested
    class AdvocacyEvents {
        RowMapper m = mapper("entity", "advocacy_events", "map.externalId", "id", "map.customer", "customer", "map.kind", "kind",
                "map.occurredAt", "date");

        @Test
        void kindsAreNormalised() {
            RowMapper.Result r = ok(m, map("id", "a1", "customer", "c1", "kind", "Case Study", "date", "2026-01-10"));
            assertEquals(new AdvocacyEvent(0, SOURCE, "a1", 0, "case_study", at("2026-01-10T00:00:00Z")), r.record());
        }

        @Test
        void badRows() {
            assertEquals("kind: 'G2 ★' is not a name of letters, digits and underscores",
                    reason(m, map("id", "a1", "customer", "c1", "kind", "G2 ★", "date", "2026-01-10")));
            assertEquals("missing customer (column customer)", reason(m, map("id", "a1", "kind", "review", "date", "2026-01-10")));
        }
    }

    @Nested
    class OnboardingMilestones {
        RowMapper m = mapper("entity", "onboarding_milestones", "map.externalId", "id", "map.customer", "customer",
                "map.milestone", "step", "map.occurredAt", "at", "value.milestone.kickoff", "started", "value.milestone.live", "completed");

        @Test
        void translatedMilestones() {
            RowMapper.Result r = ok(m, map("id", "m1", "customer", "c1", "step", "Kickoff", "at", "2026-01-10T10:00:00+01:00"));
            assertEquals(new OnboardingMilestone(0, SOURCE, "m1", 0, "started", at("2026-01-10T09:00:00Z")), r.record());
            assertEquals("data_import", ((OnboardingMilestone) ok(m, map("id", "m2", "customer", "c1", "step", "data_import",
                    "at", "2026-01-11")).record()).milestone());
        }

        @Test
        void badRows() {
            assertEquals("missing milestone (column step)", reason(m, map("id", "m1", "customer", "c1", "at", "2026-01-10")));
        }
    }

    @Nested
    class Costs {
        RowMapper m = mapper("entity", "costs", "map.externalId", "id", "map.customer", "customer", "map.category", "category",
                "map.amount", "amount", "map.incurredAt", "month", "dateFormat", "yyyy-MM-dd");

        @Test
        void sharedAndAttributedCosts() {
            RowMapper.Result shared = ok(m, map("id", "k1", "category", "Infrastructure", "amount", "1200.50", "month", "2026-01-01"));
            assertEquals(new CostEntry(0, SOURCE, "k1", null, "infrastructure", 120050, at("2026-01-01T00:00:00Z")), shared.record());
            assertNull(shared.customer());
            assertEquals(CustomerKey.of(SOURCE, "c9"), ok(m, map("id", "k2", "customer", "c9", "category", "support", "amount", "1",
                    "month", "2026-01-01")).customer());
        }

        @Test
        void badRows() {
            assertEquals("amount: '-3' is negative", reason(m, map("id", "k1", "category", "support", "amount", "-3", "month", "2026-01-01")));
            assertEquals("missing category (column category)", reason(m, map("id", "k1", "amount", "3", "month", "2026-01-01")));
        }
    }

    // ---------------------------------------------------------------- dates

    @Nested
    class Cancellations {
        RowMapper m = mapper("entity", "cancellations", "map.externalId", "id", "map.customer", "account", "map.subscription", "sub",
                "map.canceledAt", "at", "map.reason", "why", "map.feedback", "said");

        @Test
        void aCancellationWithItsReason() {
            RowMapper.Result r = ok(m, map("id", "x1", "account", "a1", "sub", "s1", "at", "2026-04-30", "why", "too_expensive",
                    "said", "We cut our budget"));
            assertEquals(new io.vitals.model.Cancellation(0, SOURCE, "x1", null, "s1", at("2026-04-30T00:00:00Z"), "too_expensive",
                    "We cut our budget"), r.record());
            assertEquals(CustomerKey.of(SOURCE, "a1"), r.customer());
            assertEquals("missing canceledAt (column at)", reason(m, map("id", "x2", "account", "a1")));
        }
    }

    @Nested
    class WhatMappingsCanSay {

        /** A Telco-style export: one row per customer, churn told by two columns. */
        RowMapper churned = mapper("entity", "cancellations", "map.externalId", "customerID", "map.customer", "customerID",
                "map.canceledAt", "Snapshot", "map.reason", "Churn + Contract", "value.reason.Yes|Month-to-month", "no commitment",
                "value.reason.Yes|One year", "contract ended", "where.Churn", "Yes, True");

        @Test
        void whereLeavesRowsOut() {
            SourcePage page = new SourcePage();
            assertTrue(churned.addTo(page, map("customerID", "c1", "Churn", "Yes", "Contract", "Month-to-month", "Snapshot", "2024-06-01"),
                    null, "r1"));
            assertFalse(churned.addTo(page, map("customerID", "c2", "Churn", "No", "Contract", "Two year", "Snapshot", "2024-06-01"),
                    null, "r2"));
            assertFalse(churned.addTo(page, map("customerID", "c3", "Contract", "One year", "Snapshot", "2024-06-01"), null, "r3"));
            assertTrue(churned.addTo(page, map("customerID", "c4", "Churn", " true ", "Contract", "Two year", "Snapshot", "2024-06-01"),
                    null, "r4"));
            assertEquals(2, page.skipped());
            assertEquals(4, page.read());
            assertEquals(List.of(), page.rejections());
            List<String> reasons = page.entries().stream().map(e -> ((io.vitals.model.Cancellation) e.record()).reason()).toList();
            assertEquals(List.of("no commitment", "true|Two year"), reasons, "untranslated, the joined value is kept as it is");
        }

        @Test
        void whereNotAndAnyValue() {
            RowMapper m = mapper("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "whereNot.Tags", "test, internal",
                    "where.Requester", "*");
            assertTrue(m.map(map("id", "1", "at", "2026-01-01", "Tags", "Internal", "Requester", "jo"), null).skipped());
            assertTrue(m.map(map("id", "2", "at", "2026-01-01", "Tags", "vip", "Requester", " "), null).skipped());
            assertTrue(m.map(map("id", "3", "at", "2026-01-01", "Requester", "jo"), null).mapped());
            assertEquals("whereNot.Tags", m.mapping().columns().get("Tags"), "a filter's column is checked in the header too");
            assertEquals("internal, test", m.mapping().settings().get("whereNot.Tags"));
            assertTrue(refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "where.Tags", "*, vip")
                    .contains("* (any value) stands alone"));
            assertTrue(refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "where.", "x")
                    .startsWith("where.: write where.<column> = <value>"));
        }

        @Test
        void twoColumnsGiveOneField() {
            assertEquals(Map.of("customerID", "map.externalId", "Snapshot", "map.canceledAt", "Churn", "map.reason",
                    "Contract", "map.reason"), churned.mapping().columns());
            assertEquals("Churn + Contract", churned.mapping().settings().get("map.reason"));
            RowMapper.Result partly = ok(churned, map("customerID", "c5", "Churn", "Yes", "Snapshot", "2024-06-01"));
            assertEquals("Yes|", ((io.vitals.model.Cancellation) partly.record()).reason(), "an empty column is an empty part");
            assertTrue(refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "map.status", "a + ")
                    .contains("write the columns as A + B"));
        }

        @Test
        void aCustomerFoundThroughItsSubscription() {
            RowMapper m = mapper("entity", "cancellations", "map.externalId", "id", "map.customer", "subscription", "map.subscription",
                    "subscription", "map.canceledAt", "at", "customerSource", "billing", "customerThrough", "subscriptions");
            RowMapper.Result r = ok(m, map("id", "x", "subscription", "sub_9", "at", "2026-05-01"));
            assertEquals(CustomerKey.ofSubscription("billing", "sub_9"), r.customer());
            assertEquals("subscriptions", m.mapping().settings().get("customerThrough"));
            assertTrue(refused("entity", "subscriptions", "map.externalId", "id", "map.customer", "c", "map.amount", "a",
                    "default.currency", "USD", "map.startedAt", "s", "customerThrough", "subscriptions")
                    .contains("subscriptions cannot be found that way"));
            assertTrue(refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "customerThrough", "deals")
                    .startsWith("customerThrough can only be subscriptions"));
            assertTrue(refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "at", "customerThrough", "subscriptions",
                    "customerBy", "email").contains("contradict"));
        }
    }

    @Nested
    class Dates {
        Instant signup(String format, String zone, String text) {
            RowMapper m = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "d", "dateFormat", format, "timezone", zone);
            RowMapper.Result r = m.map(map("id", "1", "d", text), null);
            assertTrue(r.mapped(), r::reason);
            return ((Customer) r.record()).signupAt();
        }

        @Test
        void iso() {
            assertEquals(at("2026-03-01T00:00:00Z"), signup("", "", "2026-03-01"));
            assertEquals(at("2026-03-01T10:15:30Z"), signup("iso", "", "2026-03-01T10:15:30Z"));
            assertEquals(at("2026-03-01T08:15:30Z"), signup("iso", "", "2026-03-01T10:15:30+02:00"));
            assertEquals(at("2026-03-01T08:15:30Z"), signup("iso", "", "2026-03-01T10:15:30+0200"));
            assertEquals(at("2026-03-01T10:15:30.250Z"), signup("iso", "", "2026-03-01 10:15:30.25"));
            assertEquals(at("2026-03-01T10:15:00Z"), signup("iso", "", "2026-03-01T10:15"));
            assertEquals(at("2026-03-01T10:15:30Z"), signup("iso", "", "2026-03-01 10:15:30 UTC"));
            assertEquals(at("2026-03-01T15:15:30Z"), signup("iso", "", "2026-03-01 10:15:30 -0500"));
            assertEquals(at("2026-03-01T09:15:30Z"), signup("iso", "", "2026-03-01 10:15:30 +01:00"));
        }

        @Test
        void localTimesInTheConfiguredZone() {
            assertEquals(at("2026-02-28T23:00:00Z"), signup("iso", "Europe/Paris", "2026-03-01"));
            assertEquals(at("2026-07-01T08:00:00Z"), signup("iso", "Europe/Paris", "2026-07-01T10:00:00"));
            assertEquals(at("2026-07-01T10:00:00Z"), signup("iso", "Europe/Paris", "2026-07-01T10:00:00Z"), "an offset wins");
            assertEquals(at("2026-03-01T14:30:00Z"), signup("dd.MM.yyyy HH:mm", "America/New_York", "01.03.2026 09:30"));
        }

        @Test
        void epochsAndPatterns() {
            assertEquals(at("2026-01-01T00:00:00Z"), signup("epoch", "", "1767225600"));
            assertEquals(at("2026-01-01T00:00:00.500Z"), signup("epoch", "", "1767225600.5"));
            assertEquals(at("2026-01-01T00:00:01.250Z"), signup("epoch_ms", "", "1767225601250"));
            assertEquals(at("2026-03-01T00:00:00Z"), signup("MM/dd/yyyy", "", "03/01/2026"));
            assertEquals(at("2026-03-01T13:05:00Z"), signup("M/d/yyyy h:mm a", "", "3/1/2026 1:05 pm"));
            assertEquals(at("2026-03-01T00:00:00Z"), signup("d MMM uuuu", "", "1 Mar 2026"));
            assertEquals(at("2024-02-01T00:00:00Z"), signup("months_before:2026-02-01", "", "24"));
        }

        @Test
        void aFieldWithItsOwnFormat() {
            RowMapper m = mapper("entity", "tickets", "map.externalId", "id", "map.createdAt", "c", "map.resolvedAt", "r",
                    "dateFormat", "dd/MM/yyyy", "dateFormat.resolvedAt", "epoch");
            SupportTicket t = (SupportTicket) ok(m, map("id", "1", "c", "01/02/2026", "r", "1767225600")).record();
            assertEquals(at("2026-02-01T00:00:00Z"), t.createdAt());
            assertEquals(at("2026-01-01T00:00:00Z"), t.resolvedAt());
        }

        @Test
        void timesCountedFromAnotherField() {
            RowMapper m = mapper("entity", "tickets", "map.externalId", "Id", "map.createdAt", "Created at",
                    "map.firstResponseAt", "First reply time in minutes", "dateFormat.firstResponseAt", "minutes_after:createdAt",
                    "map.resolvedAt", "Full resolution time in minutes", "dateFormat.resolvedAt", "MINUTES_AFTER:createdat");
            SupportTicket t = (SupportTicket) ok(m, map("Id", "1", "Created at", "2026-02-01 09:00:00 +0100",
                    "First reply time in minutes", "90", "Full resolution time in minutes", "1440.5")).record();
            assertEquals(at("2026-02-01T08:00:00Z"), t.createdAt());
            assertEquals(at("2026-02-01T09:30:00Z"), t.firstResponseAt());
            assertEquals(at("2026-02-02T08:00:30Z"), t.resolvedAt());
            assertNull(((SupportTicket) ok(m, map("Id", "2", "Created at", "2026-02-01")).record()).firstResponseAt());
            assertEquals("firstResponseAt: 'soon' is not a number of minutes after createdAt",
                    reason(m, map("Id", "1", "Created at", "2026-02-01", "First reply time in minutes", "soon")));
            RowMapper chained = mapper("entity", "tickets", "map.externalId", "Id", "map.createdAt", "c", "map.firstResponseAt", "f",
                    "map.resolvedAt", "r", "dateFormat.resolvedAt", "hours_after:firstResponseAt");
            assertEquals("resolvedAt: '2' counts from firstResponseAt, which is missing", reason(chained, map("Id", "1", "c", "2026-02-01", "r", "2")));
            assertEquals(at("2026-02-01T03:00:00Z"), ((SupportTicket) ok(chained, map("Id", "1", "c", "2026-02-01", "f", "2026-02-01T01:00:00Z",
                    "r", "2")).record()).resolvedAt());
        }

        @Test
        void relativeFormatsAreChecked() {
            String[] base = {"entity", "tickets", "map.externalId", "Id", "map.createdAt", "c", "map.resolvedAt", "r"};
            assertEquals("dateFormat = minutes_after:createdAt: only one field's format can count from another field;"
                    + " write dateFormat.<field> = minutes_after:createdAt",
                    assertThrows(IllegalArgumentException.class, () -> TabularMapping.of(map(with(base, "dateFormat", "minutes_after:createdAt")), false)).getMessage());
            assertEquals("dateFormat.resolvedAt = minutes_after:openedAt: tickets have no date field 'openedAt'",
                    assertThrows(IllegalArgumentException.class, () -> TabularMapping.of(map(with(base, "dateFormat.resolvedAt", "minutes_after:openedAt")), false)).getMessage());
            assertEquals("dateFormat.resolvedAt = minutes_after:resolvedAt: it must count from a field that is itself a date, not a count",
                    assertThrows(IllegalArgumentException.class, () -> TabularMapping.of(map(with(base, "dateFormat.resolvedAt", "minutes_after:resolvedAt")), false)).getMessage());
        }

        String[] with(String[] base, String... more) {
            String[] all = new String[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return all;
        }

        @Test
        void datesThatDoNotParse() {
            RowMapper m = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "signup", "dateFormat", "dd/MM/yyyy");
            assertEquals("signupAt: '31/02/2026' is not a date in format dd/MM/yyyy", reason(m, map("id", "1", "signup", "31/02/2026")));
            assertEquals("signupAt: '2026-02-01' is not a date in format dd/MM/yyyy", reason(m, map("id", "1", "signup", "2026-02-01")));
            RowMapper iso = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "signup");
            assertEquals("signupAt: '2026-02-30' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)",
                    reason(iso, map("id", "1", "signup", "2026-02-30")));
            assertEquals("signupAt: '2026-13-01T00:00:00Z' is not an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:00:00Z)",
                    reason(iso, map("id", "1", "signup", "2026-13-01T00:00:00Z")));
            RowMapper epoch = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "signup", "dateFormat", "epoch");
            assertEquals("signupAt: '17e8' is not a time in epoch seconds", reason(epoch, map("id", "1", "signup", "17e8")));
            RowMapper tenure = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "t", "dateFormat", "months_before:2026-01-01");
            assertEquals("signupAt: '-1' is not a whole number of months before 2026-01-01", reason(tenure, map("id", "1", "t", "-1")));
        }

        @Test
        void aRawValueInAReasonIsOneShortLine() {
            RowMapper m = mapper("entity", "customers", "map.externalId", "id", "map.signupAt", "signup");
            String r = reason(m, map("id", "1", "signup", "not\na date " + "x".repeat(200)));
            assertTrue(r.startsWith("signupAt: 'not a date xxx"), r);
            assertFalse(r.contains("\n"));
            assertTrue(r.length() < 200, r);
        }
    }

    // ---------------------------------------------------------------- configuration

    @Nested
    class Configuration {

        @Test
        void theEntity() {
            assertTrue(refused().startsWith("entity must be one of customers, subscriptions, invoices, survey_responses, tickets,"
                    + " users, usage_events, deals, advocacy_events, onboarding_milestones, costs"));
            assertTrue(refused("entity", "customer").endsWith("; got 'customer'"));
            assertEquals(Entity.SURVEY_RESPONSES, TabularMapping.of(map("entity", "Survey-Responses", "map.externalId", "i",
                    "map.type", "t", "map.score", "s", "map.answeredAt", "a"), false).entity());
        }

        @Test
        void unknownFieldsAreNamed() {
            assertEquals("map.sigupAt: customers have no field 'sigupAt'; their fields are externalId, name, email, signupAt, plan,"
                    + " region, csmOwner, industry, attributes",
                    refused("entity", "customers", "map.externalId", "id", "map.sigupAt", "Created"));
            assertEquals("default.colour: tickets have no field 'colour'; their fields are externalId, customer, priority, channel,"
                    + " status, createdAt, firstResponseAt, resolvedAt, reopens, agentReplies, attributes",
                    refused("entity", "tickets", "map.externalId", "id", "map.createdAt", "c", "default.colour", "red"));
            assertTrue(refused("entity", "deals", "map.externalId", "id", "map.createdAt", "c", "default.kind", "upsell",
                    "default.stage", "won", "map.attributes", "a").startsWith("map.attributes: only customers and tickets have attributes"));
        }

        @Test
        void requiredFieldsMustBeGiven() {
            assertEquals("subscriptions need map.currency (the column with the ISO 4217 currency code) or default.currency",
                    refused("entity", "subscriptions", "map.externalId", "id", "map.customer", "c", "map.amount", "a", "map.startedAt", "s"));
            assertEquals("customers need map.externalId (the column with the customer's id in this source)",
                    refused("entity", "customers", "map.signupAt", "s"));
            assertEquals("users need map.userId (the column with the user's id in the product)",
                    refused(true, "entity", "users", "map.customer", "c", "map.createdAt", "s"));
            assertEquals("survey_responses need map.type (the column with nps, csat or ces) or default.type",
                    refused(true, "entity", "survey_responses", "map.score", "s", "map.answeredAt", "a"));
            // an event needs no id; with row ids nothing else does
            TabularMapping.of(map("entity", "usage_events", "map.customer", "c", "map.userId", "u", "map.event", "e", "map.occurredAt", "t"), false);
            TabularMapping.of(map("entity", "costs", "map.category", "c", "map.amount", "a", "map.incurredAt", "t"), true);
        }

        @Test
        void defaultsAndTranslationsMustRead() {
            assertEquals("default.type: 'nsp' is not one of nps, csat, ces",
                    refused("entity", "survey_responses", "map.externalId", "i", "map.score", "s", "map.answeredAt", "a", "default.type", "nsp"));
            assertEquals("value.interval.fortnightly: 'fortnight' is not one of day, week, month, quarter, year",
                    refused("entity", "subscriptions", "map.externalId", "id", "map.customer", "c", "map.amount", "a", "map.startedAt", "s",
                            "default.currency", "USD", "value.interval.Fortnightly", "fortnight"));
            assertEquals("value.status: write value.<field>.<raw value> = <value>, e.g. value.status.Yes = canceled",
                    refused("entity", "customers", "map.externalId", "id", "map.signupAt", "s", "value.status", "x"));
        }

        @Test
        void formatsAndOptions() {
            String[] base = {"entity", "customers", "map.externalId", "id", "map.signupAt", "s"};
            assertTrue(refused(with(base, "dateFormat", "MM/dd/yyyyQQQQQQ")).startsWith("dateFormat = MM/dd/yyyyQQQQQQ is not iso, epoch, epoch_ms or a java.time pattern"));
            assertEquals("dateFormat = HH:mm does not describe a date (it needs a year, a month and a day, e.g. MM/dd/yyyy or dd.MM.yyyy HH:mm)",
                    refused(with(base, "dateFormat", "HH:mm")));
            assertEquals("dateFormat.name: name is not a date", refused(with(base, "dateFormat.name", "epoch")));
            assertEquals("timezone = Mars/Olympus is not a time zone (e.g. UTC, Europe/Paris, America/New_York)",
                    refused(with(base, "timezone", "Mars/Olympus")));
            assertEquals("amountsIn must be major (\"49.90\" is 49.90) or minor (\"4990\" is 49.90); got 'cents'",
                    refused(with(base, "amountsIn", "cents")));
            assertEquals("customerBy must be id (the customer column holds customer ids) or email; got 'name'",
                    refused(with(base, "customerBy", "name")));
            assertTrue(refused(with(base, "customerSource", "My CRM")).startsWith("customerSource must be a source id"));
            assertEquals("dateFormat = months_before:soon: months_before needs a date, e.g. months_before:2024-06-01",
                    refused(with(base, "dateFormat", "months_before:soon")));
        }

        String[] with(String[] base, String... more) {
            String[] all = new String[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return all;
        }

        @Test
        void settingsSayWhatIsInForce() {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("entity", "subscriptions");
            props.put("map.externalId", "id");
            props.put("map.customer", "Customer");
            props.put("map.amount", "Amount");
            props.put("map.startedAt", "Start");
            props.put("default.currency", "USD");
            props.put("value.status.Yes", "canceled");
            props.put("customerSource", "crm");
            props.put("component.id", 12L);
            props.put("path", "exports");
            TabularMapping m = TabularMapping.of(props, true);
            assertEquals(List.of("entity", "map.externalId", "map.customer", "map.amount", "map.startedAt", "default.currency",
                    "value.status.Yes", "dateFormat", "timezone", "amountsIn", "duplicates", "customerSource", "customerBy"),
                    List.copyOf(m.settings().keySet()));
            assertEquals("iso", m.settings().get("dateFormat"));
            assertEquals("UTC", m.settings().get("timezone"));
            assertEquals("crm", m.settings().get("customerSource"));
            assertEquals(Map.of("id", "map.externalId", "Customer", "map.customer", "Amount", "map.amount", "Start", "map.startedAt"),
                    m.columns());
        }

        @Test
        void listValuedAttributes() {
            Map<String, Object> props = new HashMap<>(map("entity", "customers", "map.externalId", "id", "map.signupAt", "s"));
            props.put("map.attributes", new String[] {"Size", "Country"});
            TabularMapping m = TabularMapping.of(props, false);
            assertEquals(Map.of("id", "map.externalId", "s", "map.signupAt", "Size", "map.attributes", "Country", "map.attributes"), m.columns());
            Customer c = (Customer) new RowMapper("s", m).map(map("id", "1", "s", "2026-01-01", "Size", "S", "Country", "FR"), null).record();
            assertEquals(Map.of("Size", "S", "Country", "FR"), c.attributes());
        }
    }

    // ---------------------------------------------------------------- pages and raw text

    @Test
    void rowsLandInThePageOrItsRejects() {
        RowMapper m = mapper("entity", "invoices", "map.externalId", "n", "map.customer", "c", "map.subscription", "s",
                "map.issuedAt", "d", "map.amount", "a", "default.currency", "USD");
        SourcePage page = new SourcePage();
        assertTrue(m.addTo(page, map("n", "1", "c", "c1", "s", "sub", "d", "2026-01-01", "a", "5"), null, "raw 1"));
        assertFalse(m.addTo(page, map("n", "2", "c", "c1", "d", "2026-01-01", "a", "-5"), null, "raw 2"));
        assertEquals(1, page.entries().size());
        SourcePage.Entry e = page.entries().get(0);
        assertEquals(CustomerKey.of(SOURCE, "c1"), e.customer());
        assertEquals("sub", e.subscription());
        assertEquals("raw 1", e.raw());
        assertEquals(List.of(new SourcePage.Rejection("raw 2", "amount: '-5' is negative")), page.rejections());
    }

    @Test
    void everyEntityAddsItsKindOfRecord() {
        SourcePage page = new SourcePage();
        mapper("entity", "customers", "map.externalId", "i", "map.signupAt", "d").addTo(page, map("i", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "subscriptions", "map.externalId", "i", "map.customer", "c", "map.amount", "a", "default.currency", "USD",
                "map.startedAt", "d").addTo(page, map("i", "1", "c", "1", "a", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "invoices", "map.externalId", "i", "map.customer", "c", "map.amount", "a", "default.currency", "USD",
                "map.issuedAt", "d").addTo(page, map("i", "1", "c", "1", "a", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "survey_responses", "map.externalId", "i", "default.type", "nps", "map.score", "s", "map.answeredAt", "d")
                .addTo(page, map("i", "1", "s", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "tickets", "map.externalId", "i", "map.createdAt", "d").addTo(page, map("i", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "users", "map.userId", "i", "map.customer", "c", "map.createdAt", "d")
                .addTo(page, map("i", "1", "c", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "usage_events", "map.userId", "i", "map.customer", "c", "map.event", "e", "map.occurredAt", "d")
                .addTo(page, map("i", "1", "c", "1", "e", "x", "d", "2026-01-01"), null, "r");
        mapper("entity", "deals", "map.externalId", "i", "default.kind", "upsell", "default.stage", "won", "map.createdAt", "d")
                .addTo(page, map("i", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "advocacy_events", "map.externalId", "i", "map.customer", "c", "default.kind", "referral", "map.occurredAt", "d")
                .addTo(page, map("i", "1", "c", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "onboarding_milestones", "map.externalId", "i", "map.customer", "c", "default.milestone", "started",
                "map.occurredAt", "d").addTo(page, map("i", "1", "c", "1", "d", "2026-01-01"), null, "r");
        mapper("entity", "costs", "map.externalId", "i", "default.category", "support", "map.amount", "a", "map.incurredAt", "d")
                .addTo(page, map("i", "1", "a", "1", "d", "2026-01-01"), null, "r");
        assertEquals(List.of(), page.rejections());
        assertEquals(List.of(Customer.class, Subscription.class, Invoice.class, SurveyResponse.class, SupportTicket.class,
                ProductUser.class, UsageEvent.class, Deal.class, AdvocacyEvent.class, OnboardingMilestone.class, CostEntry.class),
                page.entries().stream().map(e -> e.record().getClass()).toList());
    }

    @Test
    void aDatabaseRowDescribedAsJson() {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", "7");
        row.put("name", "Ac\"me\n");
        row.put("gone", null);
        assertEquals("{\"id\":\"7\",\"name\":\"Ac\\\"me\\n\",\"gone\":null}", RowMapper.describe(row));
    }
}
