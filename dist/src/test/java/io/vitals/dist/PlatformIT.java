package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/** The real Felix framework with the bundles this build produced, on a known demo dataset. */
class PlatformIT {

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

    @Test
    void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : vitals.framework().getBundleContext().getBundles()) {
            boolean fragment = b.getHeaders().get("Fragment-Host") != null;
            if (b.getState() != Bundle.ACTIVE && !(fragment && b.getState() == Bundle.RESOLVED)) {
                notActive.add(b.getSymbolicName() + " " + b.getState());
            }
        }
        assertTrue(notActive.isEmpty(), "not active: " + notActive);
        assertTrue(vitals.status().problems().isEmpty(), vitals.status().problems().toString());
        assertEquals(CatalogueIT.SHIPPED, vitals.kpis().list().stream().map(KpiInfo::id).sorted().toList());
    }

    /** Supported dependencies: Felix HTTP on Jetty 12 (Jetty 11's community support ended in January 2024), JLine 3.30. */
    @Test
    void httpRunsOnJetty12AndTheShellOnACurrentJLine() throws Exception {
        Bundle http = null;
        for (Bundle b : vitals.framework().getBundleContext().getBundles()) {
            assertFalse("org.apache.felix.http.jetty".equals(b.getSymbolicName()), "the Jetty 11 bundle is installed");
            if ("org.apache.felix.http.jetty12".equals(b.getSymbolicName())) {
                http = b;
            }
        }
        assertTrue(http != null && http.getState() == Bundle.ACTIVE, "Felix HTTP Jetty 12 is active");
        String jetty = (String) http.loadClass("org.eclipse.jetty.util.Jetty").getField("VERSION").get(null);
        assertTrue(jetty.startsWith("12."), jetty);
        // the console's bundles are installed only for the interactive shell: read the version from bundle/
        try (var jars = java.nio.file.Files.list(home.resolve("bundle"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jline-")).toList();
            assertEquals(1, names.size(), names.toString());
            String[] v = names.get(0).substring("jline-".length(), names.get(0).length() - ".jar".length()).split("\\.");
            assertTrue(Integer.parseInt(v[0]) > 3 || Integer.parseInt(v[1]) >= 30, names.get(0));
        }
    }

    /** NPS counted by hand in SQL, straight from the database file, independently of Vitals. */
    static double[] npsBySql(String from, String to, String plan) throws Exception {
        try (Connection c = Distribution.store(home); PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), sum(CASE WHEN r.score >= 9 THEN 1 ELSE 0 END), sum(CASE WHEN r.score <= 6 THEN 1 ELSE 0 END)
                FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id
                WHERE r.survey_type = 'nps' AND r.answered_at >= ? AND r.answered_at < ? AND (? IS NULL OR c.plan = ?)""")) {
            ps.setLong(1, Distribution.epoch(from));
            ps.setLong(2, Distribution.epoch(to));
            ps.setString(3, plan);
            ps.setString(4, plan);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double n = rs.getLong(1);
                return new double[] {(rs.getLong(2) - rs.getLong(3)) * 100.0 / n, n};
            }
        }
    }

    @Test
    void npsThroughGogoEqualsTheCountBySql() throws Exception {
        CommandOutcome outcome = vitals.execute("kpi:compute nps --from 2026-01-01 --to 2026-04-01 --format json");
        assertNull(outcome.failure(), outcome.failureMessage());
        JsonNode answer = JSON.readTree(outcome.output());
        double[] expected = npsBySql("2026-01-01", "2026-04-01", null);
        assertTrue(expected[1] > 100, "the demo dataset has NPS responses in the quarter: " + expected[1]);
        assertEquals(expected[0], answer.get("value").asDouble(), 1e-9);
        assertEquals(expected[1], answer.get("sampleSize").asDouble());
        assertEquals("2026-01-01", answer.get("period").get("from").asText());
        assertEquals("2026-04-01", answer.get("period").get("to").asText());

        CommandOutcome text = vitals.execute("kpi:compute nps --from 2026-01-01 --to 2026-04-01");
        String shown = String.format(java.util.Locale.ROOT, "%.1f", expected[0]);
        assertTrue(text.output().lines().map(String::strip).anyMatch(l -> l.startsWith("value") && l.endsWith(" " + shown)), text.output());
    }

    @Test
    void segmentedSeriesEqualsTheCountBySql() throws Exception {
        CommandOutcome outcome = vitals.execute("kpi:compute nps --from 2026-01-01 --to 2026-04-01 --segment plan=pro --by month --format json");
        assertNull(outcome.failure(), outcome.failureMessage());
        JsonNode answer = JSON.readTree(outcome.output());
        assertEquals("pro", answer.get("segment").get("plan").asText());
        JsonNode series = answer.get("series");
        assertEquals(3, series.size());
        String[] months = {"2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"};
        for (int i = 0; i < 3; i++) {
            double[] expected = npsBySql(months[i], months[i + 1], "pro");
            assertEquals(expected[0], series.get(i).get("value").asDouble(), 1e-9, months[i]);
        }
        assertEquals(npsBySql("2026-01-01", "2026-04-01", "pro")[0], answer.get("value").asDouble(), 1e-9);
    }

    @Test
    void badInputIsOneLineThatSaysWhatWouldBeRight() {
        assertEquals("error: unknown KPI 'npx' (did you mean 'nps'?); known KPIs: " + String.join(", ", CatalogueIT.SHIPPED),
                vitals.execute("kpi:compute npx").failureMessage());
        assertTrue(vitals.execute("kpi:compute nps --from 2026-02-30 --to 2026-04-01").failureMessage()
                .startsWith("error: malformed date for --from: '2026-02-30'; expected an ISO date"));
        assertTrue(vitals.execute("kpi:compute nps --from 2026-04-01 --to 2026-01-01").failureMessage().startsWith("error: empty period"));
        assertTrue(vitals.execute("kpi:compute nps --by fortnight").failureMessage().contains("expected one of day, week, month, quarter"));
        assertTrue(vitals.execute("kpi:compute nps --segment tier=gold").failureMessage().contains("known keys: cohort, country, csm"));
        assertTrue(vitals.execute("kpi:compute nps --colour red").failureMessage().contains("Unknown options: '--colour'"));
    }

    @Test
    void defaultPeriodIsTheLastFullMonth() throws Exception {
        JsonNode answer = JSON.readTree(vitals.execute("kpi:compute csat --format json").output());
        assertEquals("2026-05-01", answer.get("period").get("from").asText());
        assertEquals("2026-06-01", answer.get("period").get("to").asText());
    }

    @Test
    void everyKpiAnswersWithARealNumberOnTheDemoData() {
        Period may = Period.month(2026, 5);
        for (KpiInfo info : vitals.kpis().list()) {
            KpiResult r = vitals.kpis().compute(info.id(), KpiQuery.of(may));
            assertTrue(r.hasValue(), info.id() + ": " + r.noDataReason());
        }
    }

    @Test
    void helpAndDashDashHelpPrintTheSameUsage() {
        CommandOutcome help = vitals.execute("help kpi:compute");
        CommandOutcome dashdash = vitals.execute("kpi:compute --help");
        assertNull(help.failure());
        assertEquals(dashdash.output(), help.output());
        assertTrue(help.output().contains("--segment=<key=value>"), help.output());
        for (String command : List.of("kpi:list", "kpi:info", "demo:generate")) {
            assertFalse(vitals.execute(command + " --help").output().isBlank(), command);
        }
    }
}
