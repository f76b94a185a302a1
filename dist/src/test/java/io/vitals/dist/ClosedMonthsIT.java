package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.launcher.VitalsRuntime;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/**
 * A month closed in the running distribution keeps its figures; a subscription dated in it that arrives
 * later is listed as a restatement with what arrived, over the shell and HTTP, and the month as published
 * still answers.
 */
class ClosedMonthsIT {

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static String base;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        home = Distribution.copy(folder, 200);
        Distribution.httpOnFreePort(home);
        Distribution.write(home.resolve("etc/vitals.close.cfg"), "closeAfterDays = 0\n"); // closed by hand here
        vitals = Distribution.start(home, true);
        base = vitals.httpEndpoints(Duration.ofSeconds(30)).get(0).replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    static CommandOutcome run(String command) {
        CommandOutcome out = vitals.execute(command);
        assertTrue(out.succeeded(), command + ": " + out.failureMessage());
        return out;
    }

    @Test
    void aLateSubscriptionInAClosedMonthIsARestatementAndThePublishedFigureStays() throws Exception {
        JsonNode before = JSON.readTree(run("kpi:compute mrr --from 2026-04-01 --to 2026-05-01 --format json").output());
        double published = before.get("value").asDouble();
        String closed = run("kpi:close --month 2026-04").output();
        assertTrue(closed.startsWith("Closed 2026-04: " + CatalogueIT.SHIPPED.size() + " figures kept as published on "), closed);
        assertTrue(run("kpi:close").output().contains("2026-04"), "listed as closed");
        assertEquals("No restatements: every closed month's figures are as published.", run("kpi:restatements --check").output().strip());

        // an invoice system's export arrives late with a subscription that started in April: 250.00 a month for c1
        Distribution.write(home.resolve("imports/late.csv"), "id,customer,amount,start\nlate_1,c1,250.00,2026-04-10T00:00:00Z\n");
        Distribution.write(home.resolve("etc/vitals.source.file-late.cfg"), """
                path = imports/late.csv
                entity = subscriptions
                map.externalId = id
                map.customer = customer
                customerSource = demo
                map.amount = amount
                amountsIn = major
                default.currency = USD
                default.interval = month
                default.quantity = 1
                default.status = active
                map.startedAt = start
                """);
        Distribution.await("the late source", Duration.ofSeconds(30), () -> vitals.execute("connector:list").output().contains("late"));
        run("connector:sync late");

        String restated = run("kpi:restatements --month 2026-04 --check").output();
        String expected = "mrr 2026-04: " + String.format(java.util.Locale.ROOT, "%.2f", published) + " as published on ";
        assertTrue(restated.lines().anyMatch(l -> l.startsWith(expected) && l.contains(", now "
                + String.format(java.util.Locale.ROOT, "%.2f", published + 250) + " (found ")
                && l.endsWith("1 subscription change from late dated in 2026-04; late synced 1 time (1 rows written)")), restated);

        // as published: the figure of the day it closed, and that it was restated since
        String asPublished = run("kpi:compute mrr --from 2026-04-01 --to 2026-05-01 --as-published").output();
        assertTrue(asPublished.contains("2026-04 as published on "), asPublished);
        assertTrue(asPublished.contains("Restated since: mrr 2026-04: "), asPublished);
        JsonNode json = JSON.readTree(run("kpi:compute mrr --from 2026-04-01 --to 2026-05-01 --as-published --format json").output());
        assertEquals(published, json.get("value").asDouble(), 1e-9);
        assertEquals(published + 250, JSON.readTree(run("kpi:compute mrr --from 2026-04-01 --to 2026-05-01 --format json").output())
                .get("value").asDouble(), 1e-9, "the data as it is now");

        // over HTTP
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/api/restatements?month=2026-04")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode list = JSON.readTree(r.body());
        assertTrue(list.findValuesAsText("kpi").contains("mrr"), r.body());
        // on the dashboard: a mark on April's MRR tile and on the series, nothing on a KPI that did not change
        DashboardBrowser.checkRestated(base, "mrr", "2026-04", "mrr 2026-04: " + String.format(java.util.Locale.US, "%,.2f", published)
                + " as published on ", "nps");
        assertEquals("no", vitals.execute("kpi:compute mrr --from 2026-03-01 --to 2026-04-01 --as-published").failureMessage()
                .contains("2026-03 is not closed") ? "no" : "yes", "a month not closed says so");
    }
}
