package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/** The whole catalogue on the demo data: report, targets, drill-down, movements, cohorts, export. */
class CatalogueIT {

    static final List<String> CATALOGUE = List.of("account-growth-rate", "adoption-rate", "advocacy-actions", "arpa", "arr",
            "ces", "churn-cost", "churn-reasons", "clv", "cohort-retention", "cost-to-serve", "cross-sell-rate", "csat", "customer-churn-rate",
            "customer-retention-rate", "dau", "expansion-revenue", "feature-adoption", "first-contact-resolution",
            "first-response-time", "grr", "health-score", "mau", "mrr", "nps", "nrr", "onboarding-completion", "renewal-rate",
            "resolution-time", "revenue-churn-rate", "stickiness", "time-to-first-value", "upsell-rate");

    /** The distribution ships the catalogue and three KPIs declared in files as examples. */
    static final List<String> SHIPPED = java.util.stream.Stream.concat(CATALOGUE.stream(),
            java.util.stream.Stream.of("annual-plan-nps", "expansion-per-csm", "urgent-ticket-share")).sorted().toList();

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        home = Distribution.copy(folder, 400);
        vitals = Distribution.start(home);
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    static String run(String command) {
        CommandOutcome outcome = vitals.execute(command);
        assertNull(outcome.failure(), command + ": " + outcome.failureMessage());
        return outcome.output();
    }

    @Test
    void theWholeCatalogueIsInstalledAndAnswersOnTheDemoData() {
        assertEquals(SHIPPED, new TreeSet<>(vitals.kpis().list().stream().map(KpiInfo::id).toList()).stream().toList());
        for (String id : CATALOGUE) {
            KpiResult r = vitals.kpis().compute(id, KpiQuery.of(Period.month(2026, 5)));
            assertTrue(r.hasValue(), id + " answers no data on the demo dataset: " + r.noDataReason());
        }
        String list = run("kpi:list");
        for (String heading : List.of("Satisfaction and loyalty", "Retention", "Expansion", "Financial", "Engagement and adoption",
                "Support", "Advocacy and health")) {
            assertTrue(list.contains(heading), heading);
        }
    }

    @Test
    void theReportHasEveryKpiWithChangeAndTargetStatus() throws Exception {
        JsonNode report = JSON.readTree(run("kpi:report --format json"));
        assertEquals("2026-05-01", report.get("period").get("from").asText());
        assertEquals("2026-04-01", report.get("previousPeriod").get("from").asText());
        assertEquals(SHIPPED.size(), report.get("kpis").size());
        for (JsonNode line : report.get("kpis")) {
            assertTrue(line.get("failure").isNull(), line.toString());
            if (line.get("kpi").asText().equals("nps")) {
                assertEquals(30.0, line.get("target").asDouble());
                double value = line.get("value").asDouble();
                assertEquals(value >= 30 ? "green" : value >= 20 ? "yellow" : "red", line.get("status").asText());
                double previous = JSON.readTree(run("kpi:compute nps --from 2026-04-01 --to 2026-05-01 --format json")).get("value").asDouble();
                assertEquals(value - previous, line.get("change").asDouble(), 1e-9);
            }
        }
        String text = run("kpi:report");
        assertTrue(text.contains("Change against 2026-04-01 to 2026-05-01"), text);
        assertTrue(text.lines().anyMatch(l -> l.strip().startsWith("nps ") && l.matches(".*(green|yellow|red)\\s*$")), text);
    }

    @Test
    void aTargetFileAddedWhileRunningIsUsedAtOnce() throws Exception {
        Distribution.write(home.resolve("etc/vitals.target-stickiness.cfg"), "kpi = stickiness\ntarget = 99\nwarning = 98\n");
        Distribution.await("the new target", Duration.ofSeconds(10), () -> run("kpi:targets").contains("stickiness"));
        JsonNode report = JSON.readTree(run("kpi:report --format json"));
        for (JsonNode line : report.get("kpis")) {
            if (line.get("kpi").asText().equals("stickiness")) {
                assertEquals("red", line.get("status").asText(), "a 99 % stickiness target is missed");
            }
        }
        Files.delete(home.resolve("etc/vitals.target-stickiness.cfg"));
        Distribution.await("the target to go", Duration.ofSeconds(10), () -> !run("kpi:targets").contains("stickiness"));
    }

    @Test
    void drillDownExportsTheDetractorsBehindNpsAsCsv() throws Exception {
        Path file = Files.createDirectories(folder.resolve("exports")).resolve("detractors.csv"); // --output makes no folders
        String receipt = run("kpi:customers nps --subset detractors --limit 10000 --format csv --output " + file);
        assertTrue(receipt.startsWith("Wrote "), receipt);
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(file)) {
            rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
        JsonNode nps = JSON.readTree(run("kpi:compute nps --format json"));
        assertEquals(nps.get("details").get("detractors").asLong(), rows.size(), "one row per detractor response");
        assertTrue(rows.stream().allMatch(r -> Integer.parseInt(r.get("score")) <= 6));
        String top = run("kpi:customers nps --subset all --sort score --limit 3");
        assertTrue(top.contains("3 rows shown, the limit"), top);
    }

    @Test
    void mrrMovementsReconcileAndCohortsAreAMatrix() throws Exception {
        JsonNode mrr = JSON.readTree(run("kpi:compute mrr --from 2026-01-01 --to 2026-04-01 --format json"));
        JsonNode d = mrr.get("details");
        double moved = d.get("startMrr").asDouble() + d.get("new").asDouble() + d.get("expansion").asDouble()
                + d.get("reactivation").asDouble() - d.get("contraction").asDouble() - d.get("churn").asDouble();
        assertEquals(d.get("endMrr").asDouble(), moved, 1e-6);
        String movements = run("kpi:compute mrr --from 2026-01-01 --to 2026-04-01 --movements");
        for (String row : List.of("start", "new", "expansion", "reactivation", "contraction", "churn", "end")) {
            assertTrue(movements.lines().anyMatch(l -> l.strip().startsWith(row + " ")), row + " in\n" + movements);
        }
        String cohorts = run("kpi:compute cohort-retention --from 2025-06-01 --to 2026-06-01 --table cohorts --format csv");
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new java.io.StringReader(cohorts)).getRecords();
        assertEquals(12, rows.size(), "a row per monthly cohort");
        assertEquals("2025-06", rows.get(0).get("cohort"));
        assertTrue(rows.get(0).isMapped("m11") && !rows.get(0).get("m11").isEmpty(), "the oldest cohort is seen 11 months on");
        assertTrue(rows.get(11).get("m1").isEmpty(), "the youngest cohort is not seen a month on yet");
    }

    @Test
    void healthScoreBandsFollowTheirConfigurationWithoutRestart() throws Exception {
        JsonNode before = JSON.readTree(run("kpi:compute health-score --format json"));
        long redBefore = before.get("details").get("red").asLong();
        Distribution.write(home.resolve("etc/vitals.kpi.health_score.cfg"), "redBelow = 95\ngreenFrom = 99\n");
        Distribution.await("the new health bands", Duration.ofSeconds(10), () -> {
            try {
                return JSON.readTree(run("kpi:compute health-score --format json")).get("details").get("red").asLong() > redBefore;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String atRisk = run("kpi:customers health-score --limit 5");
        assertTrue(atRisk.contains("SCORE"), atRisk);
    }
}
