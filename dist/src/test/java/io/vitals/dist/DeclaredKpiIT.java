package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiProblem;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;

/** KPIs added while the platform runs: declared in files, and written in Java with the kit. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeclaredKpiIT {

    static final Duration WITHIN = Duration.ofSeconds(10);
    static final KpiQuery MAY = KpiQuery.of(Period.month(2026, 5));

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static KpiRegistry kpis;

    @BeforeAll
    static void start() {
        home = Distribution.copy(folder, 300);
        vitals = Distribution.start(home);
        kpis = vitals.kpis();
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    static final String PRO_SHARE = """
            id: pro-share
            name: Share of customers on pro
            category: custom
            unit: percent
            direction: neutral
            sql: |
              SELECT count(*) FILTER (WHERE plan = 'pro') AS numerator, count(*) AS denominator FROM customers
            """;

    @Test
    @Order(1)
    void theShippedExamplesAnswer() {
        for (String id : new String[] {"expansion-per-csm", "urgent-ticket-share", "annual-plan-nps"}) {
            KpiInfo info = kpis.find(id).orElseThrow(() -> new AssertionError(id + " is not installed"));
            assertEquals("deploy/" + id + ".kpi", info.origin());
            assertTrue(kpis.compute(id, MAY).hasValue() || id.equals("urgent-ticket-share"), id);
        }
    }

    @Test
    @Order(2)
    void aFileDroppedInIsAKpiEditedItReloadsDeletedItGoes() throws Exception {
        Path file = home.resolve("deploy/pro-share.kpi");
        Files.writeString(file, PRO_SHARE);
        Duration took = Distribution.await("pro-share to appear", WITHIN, () -> kpis.find("pro-share").isPresent());
        System.out.println("declared KPI live " + took.toMillis() + " ms after the file was written");
        KpiResult r = kpis.compute("pro-share", MAY);
        try (Connection c = Distribution.store(home); PreparedStatement ps = c.prepareStatement(
                "SELECT sum(CASE WHEN plan = 'pro' THEN 1 ELSE 0 END) * 100.0 / count(*) FROM customers"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(rs.getDouble(1), r.value(), 1e-9);
        }
        assertTrue(vitals.execute("kpi:compute pro-share --segment region=EMEA --by month --from 2026-01-01 --to 2026-03-01").succeeded(),
                "segments and series work as for any KPI");

        Files.writeString(file, PRO_SHARE.replace("Share of customers on pro", "Pro customers, share"));
        Distribution.await("the edit to load", WITHIN,
                () -> kpis.find("pro-share").map(i -> i.definition().name().equals("Pro customers, share")).orElse(false));

        Files.delete(file);
        Distribution.await("pro-share to go", WITHIN, () -> kpis.find("pro-share").isEmpty());
    }

    @Test
    @Order(3)
    void aBrokenFileIsListedAsFailedWithItsLineAndNothingElseChanges() throws Exception {
        int before = kpis.list().size();
        Path file = home.resolve("deploy/broken.kpi");
        Files.writeString(file, "id: broken\nname: Broken\ncategory: custom\nunit: count\nsql: |\n  SELECT count(*) AS value\n  FROM ticketz\n");
        Distribution.await("the problem to be reported", WITHIN, () -> !kpis.problems().isEmpty());
        KpiProblem problem = kpis.problems().get(0);
        assertEquals("deploy/broken.kpi", problem.origin());
        assertEquals(7, problem.line());
        assertEquals("sql: no such table: ticketz", problem.reason());
        String list = vitals.execute("kpi:list").output();
        assertTrue(list.contains("Failed") && list.contains("deploy/broken.kpi:7") && list.contains("no such table: ticketz"), list);
        assertEquals(before, kpis.list().size());
        assertTrue(kpis.compute("nps", MAY).hasValue());

        Files.writeString(file, "id: drop-everything\nname: X\ncategory: custom\nunit: count\nsql: DROP TABLE customers\n");
        Distribution.await("the refusal", WITHIN, () -> kpis.problems().stream().anyMatch(p -> p.reason().contains("may only read")));
        assertTrue(kpis.compute("nps", MAY).hasValue(), "the customers table is still there");
        Files.delete(file);
        Distribution.await("the problem to clear", WITHIN, () -> kpis.problems().isEmpty());
    }

    @Test
    @Order(4)
    void aNewerFileShadowsABundleAndRemovingItBringsTheBundleBack() throws Exception {
        Path file = home.resolve("deploy/my-nps.kpi");
        Files.writeString(file, """
                id: nps
                name: NPS, our way
                version: 1.0.0
                category: satisfaction
                unit: score
                scale: 100
                sql: |
                  SELECT count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6) AS numerator, count(*) AS denominator
                  FROM survey_responses WHERE survey_type = 'nps' AND answered_at >= :from AND answered_at < :to
                """);
        Distribution.await("the file to win", WITHIN, () -> kpis.find("nps").map(i -> i.origin().equals("deploy/my-nps.kpi")).orElse(false));
        assertEquals("io.vitals.kpi.nps", kpis.shadowed().get(0).kpi().origin());
        String info = vitals.execute("kpi:info nps").output();
        assertTrue(info.contains("from         deploy/my-nps.kpi 1.0.0") && info.contains("shadows      io.vitals.kpi.nps"), info);
        assertTrue(vitals.execute("kpi:list").output().contains("shadowed by deploy/my-nps.kpi 1.0.0"));
        Files.delete(file);
        Distribution.await("the bundle to answer again", WITHIN,
                () -> kpis.find("nps").map(i -> i.origin().equals("io.vitals.kpi.nps")).orElse(false));
        assertTrue(kpis.shadowed().isEmpty());
    }

    @Test
    @Order(5)
    void theKitsExampleJarDroppedIntoDeployComputes() throws Exception {
        Path jar;
        try (DirectoryStream<Path> kit = Files.newDirectoryStream(Path.of(System.getProperty("vitals.kit", "target/kit")), "vitals-kpi-example-*.jar")) {
            jar = kit.iterator().next();
        }
        Files.copy(jar, home.resolve("deploy").resolve(jar.getFileName()));
        Distribution.await("tickets-per-customer to appear", WITHIN, () -> kpis.find("tickets-per-customer").isPresent());
        KpiResult r = kpis.compute("tickets-per-customer", MAY);
        long may = Distribution.epoch("2026-05-01");
        long june = Distribution.epoch("2026-06-01");
        try (Connection c = Distribution.store(home); PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?) * 1.0
                     / (SELECT count(DISTINCT customer_id) FROM subscriptions
                        WHERE mrr_cents > 0 AND started_at < ? AND (ended_at IS NULL OR ended_at > ?))""")) {
            ps.setLong(1, may);
            ps.setLong(2, june);
            ps.setLong(3, june);
            ps.setLong(4, may);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getDouble(1), r.value(), 1e-9);
            }
        }
        assertNull(vitals.execute("kpi:compute tickets-per-customer --format json").failure());
    }

}
