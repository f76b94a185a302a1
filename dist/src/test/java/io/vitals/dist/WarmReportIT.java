package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.launcher.VitalsRuntime;

/**
 * A serving Vitals computes the default report ahead of its readers, after start and after a sync
 * that changed data: asked then, the report runs no SQL (the store's statement trace stays as it was)
 * and shows the data the sync brought.
 */
class WarmReportIT {

    static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path folder;

    @Test
    void theReportIsComputedBeforeItIsAskedForAfterStartAndAfterASync() throws Exception {
        Path home = Distribution.copy(folder, 200);
        Distribution.httpOnFreePort(home);
        Distribution.write(home.resolve("etc/vitals.report.warm.cfg"), "quietSeconds = 1\n");
        Path trace = folder.resolve("statements.sql");
        Path log = home.resolve("data/log/vitals.log");
        VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.today", Distribution.TODAY)
                .property("vitals.store.trace", trace.toString()).http(true).settleTimeout(Duration.ofMinutes(2)).start();
        try {
            Distribution.await("the report kept warm after start", WITHIN, () -> warmed(log) == 1);
            long before = Files.size(trace);
            JsonNode first = report(vitals);
            assertEquals(before, Files.size(trace), "the report asked after the warm-up ran SQL");
            assertEquals("2026-05-01", first.get("period").get("from").asText());
            double npsBefore = nps(first);

            // ten detractors in May, through a file source
            Path imports = Files.createDirectories(home.resolve("imports"));
            StringBuilder csv = new StringBuilder("id,email,score,at\n");
            for (int i = 1; i <= 10; i++) {
                csv.append("w").append(i).append(",c").append(i).append("@x.example,0,2026-05-1").append(i % 10).append('\n');
            }
            Files.writeString(imports.resolve("nps.csv"), csv);
            Distribution.npsAnswersSource(home, "late-answers", "imports/nps.csv", "");
            Distribution.await("the source", WITHIN, () -> vitals.execute("connector:list").output().contains("late-answers"));
            VitalsRuntime.CommandOutcome sync = vitals.execute("connector:sync late-answers");
            assertTrue(sync.output().contains("inserted 10"), sync.output() + sync.errors() + sync.failureMessage());

            Distribution.await("the report kept warm after the sync", WITHIN, () -> warmed(log) == 2);
            long afterSync = Files.size(trace);
            assertTrue(afterSync > before, "the warm-up computed nothing after the sync");
            JsonNode second = report(vitals);
            assertEquals(afterSync, Files.size(trace), "the report asked after the sync's warm-up ran SQL");
            assertNotEquals(npsBefore, nps(second), "the report kept from before the sync was shown");
            assertTrue(nps(second) < npsBefore, "ten detractors more lower the NPS");
        } finally {
            vitals.close();
        }
        assertFalse(Files.readString(log).contains("could not be kept warm"), Files.readString(log));
    }

    static long warmed(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log).lines().filter(l -> l.contains("kept warm: ")).count() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static JsonNode report(VitalsRuntime vitals) throws Exception {
        VitalsRuntime.CommandOutcome out = vitals.execute("kpi:report --format json");
        assertTrue(out.succeeded(), out.errors() + out.failureMessage());
        return new ObjectMapper().readTree(out.output());
    }

    static double nps(JsonNode report) {
        for (JsonNode line : report.get("kpis")) {
            if (line.get("kpi").asText().equals("nps")) {
                return line.get("value").asDouble();
            }
        }
        throw new AssertionError("no nps in " + report);
    }
}
