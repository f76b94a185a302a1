package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/**
 * Vitals over HTTP against one started distribution on its demo data: the REST API answers what the
 * shell answers, the OpenAPI document describes what the server does, /metrics parses with
 * Prometheus' own parser and carries the registry's numbers, a token is asked for off loopback, and
 * the dashboard works in a real browser ({@link DashboardBrowser}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpIT {

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static String base;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws IOException {
        home = Distribution.copy(folder, 300);
        int port = Distribution.httpOnFreePort(home);
        Distribution.write(home.resolve("etc/vitals.metrics.cfg"), "segments = plan=pro, region=EMEA&plan=pro\nrefreshSeconds = 300\nsyncPollSeconds = 1\n");
        vitals = Distribution.start(home, true);
        List<String> endpoints = vitals.httpEndpoints(Duration.ofSeconds(30));
        assertFalse(endpoints.isEmpty(), "the HTTP server did not start");
        base = endpoints.get(0).replaceAll("/$", "");
        assertEquals("http://127.0.0.1:" + port, base);
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    record Answer(int status, String type, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Answer get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    static JsonNode shell(String command) throws IOException {
        CommandOutcome out = vitals.execute(command);
        assertTrue(out.succeeded(), command + ": " + out.failureMessage());
        return JSON.readTree(out.output());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- the REST API

    @Test
    @Order(1)
    void theCatalogueListsEveryKpiWithWhereItComesFrom() throws Exception {
        Answer a = get("/api/kpis");
        assertEquals(200, a.status(), a.body());
        assertTrue(a.type().startsWith("application/json"), a.type());
        List<String> ids = new ArrayList<>();
        for (JsonNode k : a.json()) {
            ids.add(k.get("id").asText());
            for (String field : List.of("name", "category", "unit", "direction", "source")) {
                assertTrue(k.hasNonNull(field), field + " missing in " + k);
            }
        }
        assertEquals(CatalogueIT.SHIPPED, ids.stream().sorted().toList());
        JsonNode nps = find(a.json(), "nps");
        assertEquals("bundle", nps.get("source").asText());
        assertEquals("Satisfaction and loyalty", nps.get("category").asText());
        assertEquals("score", nps.get("unit").asText());
        assertEquals("higher_is_better", nps.get("direction").asText());
        assertEquals("file", find(a.json(), "urgent-ticket-share").get("source").asText());
    }

    static JsonNode find(JsonNode list, String id) {
        for (JsonNode k : list) {
            if (k.get("id").asText().equals(id)) {
                return k;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    @Test
    @Order(2)
    void aKpiAnswersExactlyWhatKpiComputeAnswers() throws Exception {
        JsonNode http = get("/api/kpis/nps?from=2026-01-01&to=2026-04-01&segment=plan:pro&by=month").json();
        JsonNode shell = shell("kpi:compute nps --from 2026-01-01 --to 2026-04-01 --segment plan=pro --by month --format json");
        assertEquals(shell, http);
        assertEquals(3, http.get("series").size());
        assertTrue(http.get("sampleSize").asLong() > 0);
        assertEquals(http.get("numerator").asDouble() / http.get("denominator").asDouble() * 100, http.get("value").asDouble(), 1e-9);
        assertEquals(30.0, http.get("target").asDouble(), "the NPS target of etc/vitals.target-nps.cfg");
        assertTrue(List.of("green", "yellow", "red").contains(http.get("status").asText()), http.toString());
        // the default period is the shell's: the last full month
        assertEquals(shell("kpi:compute mrr --format json"), get("/api/kpis/mrr").json());
    }

    @Test
    @Order(3)
    void theReportIsKpiReportAsJson() throws Exception {
        ObjectNode http = (ObjectNode) get("/api/report?from=2026-03-01&to=2026-04-01&segment=region:EMEA").json();
        ObjectNode shell = (ObjectNode) shell("kpi:report --from 2026-03-01 --to 2026-04-01 --segment region=EMEA --format json");
        http.remove("tookMillis");
        shell.remove("tookMillis");
        http.remove("asOf"); // when each was computed
        shell.remove("asOf");
        assertEquals(shell, http);
        assertEquals(CatalogueIT.SHIPPED.size(), http.get("kpis").size());
    }

    @Test
    @Order(4)
    void theCustomersBehindANumberAsJsonAndAsACsvDownload() throws Exception {
        JsonNode http = get("/api/kpis/nps/customers?from=2026-01-01&to=2026-04-01&subset=detractors&limit=5").json();
        assertEquals(shell("kpi:customers nps --from 2026-01-01 --to 2026-04-01 --subset detractors --limit 5 --format json"), http);
        assertEquals(5, http.get("rows").size());
        Answer csv = get("/api/kpis/health-score/customers?subset=red&format=csv");
        assertEquals(200, csv.status());
        assertTrue(csv.type().startsWith("text/csv"), csv.type());
        CommandOutcome shellCsv = vitals.execute("kpi:customers health-score --subset red --format csv");
        assertEquals(shellCsv.output().strip(), csv.body().strip());
        assertTrue(csv.body().startsWith("customer_id,source_id,customer,plan,region,csm,score"), csv.body());
    }

    @Test
    @Order(5)
    void badInputIsA400WithOneLineAndAnUnknownKpiA404WithTheKnownIds() throws Exception {
        Answer unknown = get("/api/kpis/npx");
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().get("error").asText().contains("did you mean 'nps'"), unknown.body());
        assertEquals(CatalogueIT.SHIPPED.size(), unknown.json().get("known").size());
        for (String bad : List.of("/api/kpis/nps?from=2026-13-01", "/api/kpis/nps?from=2026-04-01&to=2026-01-01",
                "/api/kpis/nps?by=fortnight", "/api/kpis/nps?segment=plan", "/api/kpis/nps?segment=plan:platinum",
                "/api/kpis/nps?colour=blue", "/api/kpis/nps/customers?limit=lots", "/api/kpis/nps/customers?format=xml",
                "/api/report?segment=nosuchkey:x")) {
            Answer a = get(bad);
            assertEquals(400, a.status(), bad + ": " + a.body());
            String error = a.json().get("error").asText();
            assertFalse(error.isBlank() || error.contains("\n") || error.contains("Exception") || error.contains("\tat "), bad + ": " + error);
        }
        assertEquals(404, get("/api/nothing").status());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/kpis"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), "nothing over HTTP writes");
    }

    @Test
    @Order(5)
    void segmentsOfferTheValuesCustomersHave() throws Exception {
        JsonNode segments = get("/api/segments").json();
        List<String> plans = new ArrayList<>();
        try (var c = Distribution.store(home); var st = c.createStatement();
                var rs = st.executeQuery("SELECT DISTINCT plan FROM customers WHERE plan IS NOT NULL ORDER BY 1")) {
            while (rs.next()) {
                plans.add(rs.getString(1));
            }
        }
        assertEquals(plans, JSON.convertValue(segments.get("plan"), List.class));
        for (String key : List.of("region", "csm", "industry", "cohort")) {
            assertTrue(segments.get(key).size() > 0, key);
        }
    }

    @Test
    @Order(6)
    void theOpenApiDocumentDescribesWhatTheServerAnswers() throws Exception {
        JsonNode doc = get("/api/openapi.json").json();
        assertEquals("3.0.3", doc.get("openapi").asText());
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        int checked = 0;
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode op = path.getValue().get("get");
            assertNotNull(op, path.getKey() + " has no GET");
            // every documented parameter, with its example, is taken (the server refuses unknown ones with 400)
            StringBuilder query = new StringBuilder();
            for (JsonNode p : op.withArray("parameters")) {
                JsonNode param = resolve(doc, p);
                if (param.get("in").asText().equals("query") && param.has("example") && !param.get("name").asText().equals("format")) {
                    JsonNode example = param.get("example");
                    for (JsonNode v : example.isArray() ? example : JSON.createArrayNode().add(example)) {
                        query.append(query.length() == 0 ? "?" : "&").append(param.get("name").asText()).append('=').append(q(v.asText()));
                    }
                }
            }
            Answer a = get(path.getKey().replace("{id}", "nps") + query);
            assertEquals(200, a.status(), path.getKey() + query + ": " + a.body());
            JsonNode schema = op.get("responses").get("200").get("content").fields().next().getValue().get("schema");
            if (a.type().startsWith("application/json")) {
                requireFields(doc, schema, a.json(), path.getKey());
            }
            checked++;
        }
        assertEquals(10, checked);
    }

    static JsonNode resolve(JsonNode doc, JsonNode node) {
        if (node.has("$ref")) {
            JsonNode n = doc;
            for (String part : node.get("$ref").asText().substring(2).split("/")) {
                n = n.get(part);
            }
            return n;
        }
        return node;
    }

    static void requireFields(JsonNode doc, JsonNode schema, JsonNode value, String where) {
        schema = resolve(doc, schema);
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(s -> requireFields(doc, s, value, where));
            return;
        }
        if ("array".equals(schema.path("type").asText())) {
            assertTrue(value.isArray(), where + ": expected an array");
            if (value.size() > 0 && schema.has("items")) {
                requireFields(doc, schema.get("items"), value.get(0), where + "[0]");
            }
            return;
        }
        for (JsonNode field : schema.withArray("required")) {
            assertTrue(value.has(field.asText()), where + ": the document requires '" + field.asText() + "' in " + value);
        }
        if (schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(p -> {
                if (value.hasNonNull(p.getKey())) {
                    requireFields(doc, p.getValue(), value.get(p.getKey()), where + "." + p.getKey());
                }
            });
        }
    }

    // ---- Prometheus

    /** The scrape parsed by the Prometheus Python client's own parser: [name, labels, value] per sample. */
    static JsonNode scrape() throws Exception {
        Answer metrics = get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.type().startsWith("text/plain"), metrics.type());
        Process p = new ProcessBuilder(Tools.PYTHON, "-c", """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = []
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for s in family.samples:
                        out.append([s.name, s.labels, s.value, family.type])
                print(json.dumps(out))
                """).redirectErrorStream(false).start();
        p.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the Prometheus parser refused the scrape: " + err);
        return JSON.readTree(out);
    }

    static Double sample(JsonNode samples, String name, Map<String, String> labels) {
        for (JsonNode s : samples) {
            if (s.get(0).asText().equals(name) && JSON.convertValue(s.get(1), Map.class).equals(labels)) {
                return s.get(2).asDouble();
            }
        }
        return null;
    }

    @Test
    @Order(7)
    void metricsParseWithPrometheusOwnParserAndCarryTheRegistrysNumbers() throws Exception {
        Tools.requirePrometheusParser();
        Distribution.await("KPI values in /metrics", Duration.ofSeconds(60),
                () -> call(() -> sample(scrape(), "vitals_kpi_value", Map.of("kpi", "nps", "segment", "plan=pro")) != null));
        JsonNode samples = scrape();
        double nps = shell("kpi:compute nps --format json").get("value").asDouble();
        assertEquals(nps, sample(samples, "vitals_kpi_value", Map.of("kpi", "nps", "segment", "all")), 1e-9);
        double pro = shell("kpi:compute nps --segment plan=pro --format json").get("value").asDouble();
        assertEquals(pro, sample(samples, "vitals_kpi_value", Map.of("kpi", "nps", "segment", "plan=pro")), 1e-9);
        double emeaPro = shell("kpi:compute mrr --segment region=EMEA --segment plan=pro --format json").get("value").asDouble();
        assertEquals(emeaPro, sample(samples, "vitals_kpi_value", Map.of("kpi", "mrr", "segment", "region=EMEA&plan=pro")), 1e-6);
        String status = shell("kpi:compute nps --format json").get("status").asText();
        assertEquals(1.0, sample(samples, "vitals_kpi_target_status", Map.of("kpi", "nps", "segment", "all", "status", status)));
        assertEquals(30.0, sample(samples, "vitals_kpi_target", Map.of("kpi", "nps", "segment", "all")));
        long active = 0;
        for (Bundle b : vitals.framework().getBundleContext().getBundles()) {
            active += b.getState() == Bundle.ACTIVE ? 1 : 0;
        }
        assertEquals((double) active, sample(samples, "vitals_bundles", Map.of("state", "active")));
        Double computed = sample(samples, "vitals_kpi_compute_seconds_count", Map.of("kpi", "nps"));
        assertTrue(computed != null && computed >= 3, "a compute-time histogram per KPI, 3 segments each: " + computed);
        // a scrape reads the cache: scraping again computes nothing
        assertEquals(computed, sample(scrape(), "vitals_kpi_compute_seconds_count", Map.of("kpi", "nps")));
        boolean histogram = false;
        for (JsonNode s : samples) {
            histogram |= s.get(0).asText().equals("vitals_kpi_compute_seconds_bucket") && s.get(3).asText().equals("histogram");
        }
        assertTrue(histogram);
    }

    static boolean call(java.util.concurrent.Callable<Boolean> c) {
        try {
            return c.call();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @Order(8)
    void theDashboardInARealBrowser() throws Exception {
        DashboardBrowser.check(base, vitals, Path.of("target"));
    }

    @Test
    @Order(9)
    void aServletBundleComesAndGoesWithHotDeployLikeAKpi() throws Exception {
        Path jar;
        try (var files = Files.list(home.resolve("deploy"))) {
            jar = files.filter(f -> f.getFileName().toString().startsWith("vitals-http-dashboard-")).findFirst().orElseThrow();
        }
        Path aside = folder.resolve(jar.getFileName());
        Files.move(jar, aside);
        Distribution.await("the dashboard gone", Duration.ofSeconds(30), () -> call(() -> get("/").status() == 404));
        assertEquals(200, get("/api/kpis/nps").status(), "the API stays");
        Files.copy(aside, jar);
        Distribution.await("the dashboard back", Duration.ofSeconds(30), () -> call(() -> get("/").status() == 200));
        assertTrue(get("/").body().contains("lib/echarts.min.js"));
    }

    @Test
    @Order(10)
    void metricsAreComputedAgainAfterASync() throws Exception {
        Tools.requirePrometheusParser();
        Map<String, String> nps = Map.of("kpi", "nps", "segment", "all");
        Double before = sample(scrape(), "vitals_kpi_value", nps);
        assertNotNull(before);
        Path imports = Files.createDirectories(home.resolve("imports"));
        StringBuilder csv = new StringBuilder("id,email,score,at\n");
        for (int i = 0; i < 8; i++) {
            csv.append("p").append(i).append(",fan").append(i).append("@example.org,10,2026-05-1").append(i).append('\n');
        }
        Files.writeString(imports.resolve("promoters.csv"), csv.toString());
        Distribution.npsAnswersSource(home, "promoters", "imports/promoters.csv", "");
        Distribution.await("the source synced", Duration.ofSeconds(30), () -> vitals.execute("connector:sync promoters").succeeded());
        double after = shell("kpi:compute nps --format json").get("value").asDouble();
        assertTrue(after > before, "eight promoters more in May: " + before + " -> " + after);
        Distribution.await("/metrics with the synced data", Duration.ofSeconds(30),
                () -> call(() -> Math.abs(sample(scrape(), "vitals_kpi_value", nps) - after) < 1e-9));
        Map<String, String> source = Map.of("source", "promoters");
        assertEquals(1.0, sample(scrape(), "vitals_source_last_sync_success", source));
        assertEquals(0.0, sample(scrape(), "vitals_source_rows_rejected", source));
    }

    // ---- tokens: last, as it moves the server off loopback

    @Test
    @Order(20)
    void offLoopbackEveryRequestNeedsAToken() throws Exception {
        String token = "s3cret-token-for-the-test";
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        Distribution.write(home.resolve("etc/vitals.http.tokens"), "# test\nprometheus = sha256:" + hash + "\n");
        String port = base.substring(base.lastIndexOf(':') + 1);
        Distribution.write(home.resolve("etc/vitals.http.cfg"), "address = 0.0.0.0\nport = " + port + "\ntokens = etc/vitals.http.tokens\n");
        Distribution.await("401 without a token", Duration.ofSeconds(30), () -> call(() -> get("/api/kpis").status() == 401));
        for (String path : List.of("/api/kpis", "/api/kpis/nps", "/metrics", "/", "/api/openapi.json")) {
            assertEquals(401, get(path).status(), path);
            assertEquals(401, get(path, "Authorization", "Bearer wrong").status(), path);
            assertEquals(200, get(path, "Authorization", "Bearer " + token).status(), path);
        }
        Answer browser = get("/", "Accept", "text/html");
        assertEquals(401, browser.status());
        assertTrue(browser.body().contains("token"), "a browser gets a sign-in page");
        assertEquals(200, get("/api/kpis/nps", "Cookie", "vitals_token=" + q(token)).status());
        assertFalse(Files.readString(home.resolve("etc/vitals.http.tokens")).contains(token), "only the hash is kept");
    }
}
