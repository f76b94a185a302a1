package io.vitals.connector.file;

import io.vitals.testkit.Configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncReport;
import io.vitals.testkit.SourceHarness;

/**
 * The example configurations shipped in {@code examples/}, each run as it is (paths relative to the
 * Vitals home) against a small file in the layout of the export it describes.
 */
class ExamplesTest {

    @TempDir
    Path home;
    SourceHarness harness;

    @BeforeEach
    void open() {
        harness = SourceHarness.in(home);
    }

    @AfterEach
    void close() {
        harness.close();
    }

    static final List<String> EXAMPLES = List.of("stripe-customers", "stripe-subscriptions", "hubspot", "zendesk", "delighted",
            "segment", "telco-customers", "telco");

    FileSource example(String name) throws IOException {
        String file = "vitals.source.file-" + name + ".cfg";
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/" + file)) {
            assertNotNull(in, file);
            p.load(in);
        }
        Map<String, Object> props = new HashMap<>();
        p.forEach((k, v) -> props.put((String) k, v));
        props.put("felix.fileinstall.filename", "file:" + home.resolve("etc").resolve(file));
        return new FileSource(Configs.of(FileSource.Config.class, props), props, home);
    }

    void write(String path, String... lines) throws IOException {
        Path file = home.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
    }

    PageCounts sync(String name) throws IOException {
        FileSource source = example(name);
        assertEquals(name, source.id());
        SyncReport report = harness.sync(source);
        assertEquals(SyncReport.Outcome.COMPLETE, report.outcome(), name + ": " + report.message());
        assertEquals(List.of(), harness.rejects(name), name);
        return report.counts();
    }

    static long epoch(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    List<Map<String, Object>> rows(String sql) {
        return harness.rows(sql).stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            r.forEach((k, v) -> row.put(k, v instanceof Integer i ? Long.valueOf(i) : v));
            return row;
        }).toList();
    }

    @Test
    void everyExampleReadsAFileInTheLayoutItDescribes() throws IOException {
        write("imports/stripe/customers.csv",
                "id,Description,Email,Name,Created (UTC),Currency,Delinquent",
                "cus_A,,ops@acme.test,Acme,2024-01-10 09:30,usd,false",
                "cus_B,big one,it@beta.test,\"Beta, Inc.\",2023-05-31 12:00,usd,false");
        write("imports/stripe/subscriptions.csv",
                "id,Customer ID,Customer Email,Plan,Product,Quantity,Interval,Amount,Status,Created (UTC),Start Date (UTC),Ended At (UTC)",
                "sub_1,cus_A,ops@acme.test,pro-monthly,Pro,1,month,49.00,active,2024-01-15 10:00,2024-01-15 10:00,",
                "sub_2,cus_B,it@beta.test,team-yearly,Team,3,year,\"1,200.00\",canceled,2023-06-01 00:00,2023-06-01 00:00,2024-05-31 23:59");
        write("imports/hubspot/companies.csv",
                "Record ID,Company name,Company Domain Name,Create Date,Company owner,Industry,Country/Region,Plan,Number of Employees,Lifecycle Stage",
                "9001,Acme,acme.test,2024-01-09 08:00,Alice Martin,COMPUTER_SOFTWARE,France,pro,120,customer",
                "9002,Gamma,gamma.test,2024-02-01 08:00,,RETAIL,,,,lead");
        write("imports/zendesk/2024-05.csv",
                "Summation column,Id,Requester,Requester email,Subject,Status,Priority,Via,Created at,Solved at,Reopens,Replies,First reply time in minutes",
                "1,101,Jo,ops@acme.test,\"Export, broken\",solved,High,Web form,2024-05-01 14:03:00 +0200,2024-05-02 09:00:00 +0200,0,2,45",
                "1,102,Stranger,who@nowhere.test,Hello,open,-,Mail,2024-05-03 08:00:00 +0200,,0,0,");
        write("imports/delighted/responses.csv",
                "Response ID,Score,Comment,Email,Name,Response Timestamp",
                "r-1,9,\"Great,\nreally\",ops@acme.test,Jo,2024-05-05 10:00:00 -0700",
                "r-2,3,,who@nowhere.test,,2024-05-06 10:00:00 -0700");
        write("imports/segment/2024-05-01.jsonl",
                "{\"type\":\"track\",\"event\":\"Report Created\",\"userId\":\"u_42\",\"messageId\":\"ajs-1\",\"timestamp\":\"2024-05-01T10:15:00.000Z\",\"context\":{\"groupId\":\"cus_A\"},\"properties\":{\"plan\":\"pro\"}}",
                "{\"type\":\"track\",\"event\":\"Dashboard Viewed\",\"userId\":\"u_43\",\"messageId\":\"ajs-2\",\"timestamp\":\"2024-05-01T11:00:00.000Z\",\"context\":{\"groupId\":\"cus_B\"}}");
        write("imports/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv",
                "customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,"
                        + "OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,"
                        + "MonthlyCharges,TotalCharges,Churn",
                "7590-VHVEG,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,Yes,Electronic check,29.85,29.85,No",
                "5575-GNVDE,Male,0,No,No,34,Yes,No,DSL,Yes,No,Yes,No,No,No,One year,No,Mailed check,56.95,1889.5,No",
                "3668-QPYBK,Male,0,No,No,2,Yes,No,DSL,Yes,Yes,No,No,No,No,Month-to-month,Yes,Mailed check,53.85,108.15,Yes",
                "4472-LVYGI,Female,0,Yes,Yes,0,No,No phone service,DSL,Yes,No,Yes,Yes,Yes,No,Two year,Yes,Bank transfer (automatic),52.55, ,No");

        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("stripe-customers"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("stripe-subscriptions"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("hubspot"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("zendesk"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("delighted"));
        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("segment"));
        assertEquals(new PageCounts(4, 4, 0, 0, 0), sync("telco-customers"));
        assertEquals(new PageCounts(4, 4, 0, 0, 0), sync("telco"));

        assertEquals(List.of(
                Map.of("external_id", "sub_1", "customer", "cus_A", "mrr_cents", 4900L, "started_at", epoch("2024-01-15T10:00:00Z"), "ended", 0L),
                Map.of("external_id", "sub_2", "customer", "cus_B", "mrr_cents", 30000L, "started_at", epoch("2023-06-01T00:00:00Z"), "ended", 1L)),
                rows("SELECT s.external_id, c.external_id AS customer, s.mrr_cents, s.started_at, s.ended_at IS NOT NULL AS ended"
                        + " FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE s.source = 'stripe-subscriptions' ORDER BY 1"));
        assertEquals(List.of(Map.of("name", "domain", "value", "acme.test"), Map.of("name", "employees", "value", "120"),
                Map.of("name", "lifecycle_stage", "value", "customer")),
                rows("SELECT a.name, a.value FROM customer_attributes a JOIN customers c ON c.id = a.customer_id WHERE c.external_id = '9001'"
                        + " ORDER BY a.name"));
        assertEquals(List.of(Map.of("name", "Acme", "csm_owner", "Alice Martin", "industry", "COMPUTER_SOFTWARE", "region", "France",
                "plan", "pro")), rows("SELECT name, csm_owner, industry, region, plan FROM customers WHERE external_id = '9001'"));
        assertEquals(List.of(
                Map.of("external_id", "101", "priority", "high", "created_at", epoch("2024-05-01T12:03:00Z"),
                        "first_response_at", epoch("2024-05-01T12:48:00Z"), "matched", 1L),
                Map.of("external_id", "102", "priority", "", "created_at", epoch("2024-05-03T06:00:00Z"),
                        "first_response_at", 0L, "matched", 0L)),
                rows("SELECT external_id, coalesce(priority, '') AS priority, created_at, coalesce(first_response_at, 0) AS first_response_at,"
                        + " customer_id IS NOT NULL AS matched FROM tickets ORDER BY external_id"));
        assertEquals(List.of(Map.of("score", 9L, "matched", 1L, "answered_at", epoch("2024-05-05T17:00:00Z")),
                Map.of("score", 3L, "matched", 0L, "answered_at", epoch("2024-05-06T17:00:00Z"))),
                rows("SELECT score, customer_id IS NOT NULL AS matched, answered_at FROM survey_responses ORDER BY external_id"));
        assertEquals(List.of(
                Map.of("external_id", "3668-QPYBK", "status", "canceled", "mrr_cents", 5385L, "started_at", epoch("2024-03-31T00:00:00Z"),
                        "ended_at", epoch("2024-06-01T00:00:00Z")),
                Map.of("external_id", "4472-LVYGI", "status", "active", "mrr_cents", 5255L, "started_at", epoch("2024-05-31T00:00:00Z"),
                        "ended_at", 0L),
                Map.of("external_id", "5575-GNVDE", "status", "active", "mrr_cents", 5695L, "started_at", epoch("2021-07-31T00:00:00Z"),
                        "ended_at", 0L),
                Map.of("external_id", "7590-VHVEG", "status", "active", "mrr_cents", 2985L, "started_at", epoch("2024-04-30T00:00:00Z"),
                        "ended_at", 0L)),
                rows("SELECT external_id, status, mrr_cents, started_at, coalesce(ended_at, 0) AS ended_at FROM subscriptions"
                        + " WHERE source = 'telco' ORDER BY external_id"));
        assertEquals(List.of(Map.of("plan", "Month-to-month", "n", 2L), Map.of("plan", "One year", "n", 1L), Map.of("plan", "Two year", "n", 1L)),
                rows("SELECT plan, count(*) AS n FROM customers WHERE source = 'telco-customers' GROUP BY plan ORDER BY plan"));
        // the churn the example suggests, by the churn rule (paying at the start, not at the end): every customer of the
        // sample is paying when [06-01, 06-02) begins, tenure 0 and 1 included, and the one with Churn = Yes is gone: 1 of 4
        long start = epoch("2024-06-01T00:00:00Z");
        long end = epoch("2024-06-02T00:00:00Z");
        assertEquals(List.of(Map.of("paying", 4L, "churned", 1L)), rows("SELECT count(*) AS paying, count(*) FILTER (WHERE ended_at IS NOT NULL"
                + " AND ended_at < " + end + ") AS churned FROM subscriptions WHERE source = 'telco' AND mrr_cents > 0 AND started_at < " + start
                + " AND (ended_at IS NULL OR ended_at >= " + start + ")"));
    }

    @Test
    void theAnnotatedExampleReadsTicketsOfAnotherSourcesCustomers() throws IOException {
        write("imports/crm.csv", "id,name,since", "acme-1,Acme,2023-01-01");
        Map<String, Object> crm = new HashMap<>(Map.of("path", "imports/crm.csv", "entity", "customers", "map.externalId", "id", "map.name", "name",
                "map.signupAt", "since",
                "felix.fileinstall.filename", "file:" + home.resolve("etc/vitals.source.file-crm.cfg")));
        assertEquals(SyncReport.Outcome.COMPLETE, harness.sync(new FileSource(Configs.of(FileSource.Config.class, crm), crm, home)).outcome());
        write("imports/tickets.csv", "Ticket ID,Organization,Created at,Priority", "T-1,acme-1,05/02/2024 14:30,P1", "T-2,acme-1,05/03/2024 09:05,low");

        assertEquals(new PageCounts(2, 2, 0, 0, 0), sync("example"));
        assertEquals(List.of(
                Map.of("external_id", "T-1", "customer", "acme-1", "created_at", epoch("2024-05-02T14:30:00Z"), "priority", "urgent", "channel", "email"),
                Map.of("external_id", "T-2", "customer", "acme-1", "created_at", epoch("2024-05-03T09:05:00Z"), "priority", "low", "channel", "email")),
                rows("SELECT t.external_id, c.external_id AS customer, t.created_at, t.priority, t.channel FROM tickets t"
                        + " JOIN customers c ON c.id = t.customer_id ORDER BY 1"));
    }
}
