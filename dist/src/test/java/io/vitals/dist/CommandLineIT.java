package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** bin/vitals as scripts and cron run it: one command, its answer on standard output, an exit code. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineIT {

    @TempDir
    static Path folder;
    static Path home;

    record Run(int exit, String out, String err) {
        String lastErrorLine() {
            List<String> lines = err.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    @BeforeAll
    static void copy() {
        home = Distribution.copy(folder, 300);
    }

    static Run vitals(String... args) throws IOException, InterruptedException {
        return run(home, args);
    }

    /** Starts bin/vitals of a home with these arguments, without waiting for it. */
    static Process start(Path home, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/vitals").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("VITALS_JAVA_OPTS", "-Dvitals.today=" + Distribution.TODAY);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(false);
        return pb.start();
    }

    /** Runs bin/vitals of a home to its end. */
    static Run run(Path home, String... args) throws IOException, InterruptedException {
        Process p = start(home, args);
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/vitals did not finish");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void firstStartLoadsTheDemoDataAndAnswers() throws Exception {
        Run run = vitals("kpi:compute", "nps", "--from", "2026-01-01", "--to", "2026-04-01");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("Net Promoter Score (nps), 2026-01-01 to 2026-04-01"), run.out());
        assertTrue(run.err().contains("loading the demo dataset"), "says what it does on first start: " + run.err());
        assertTrue(home.resolve("data/vitals.db").toFile().isFile());
    }

    @Test
    @Order(2)
    void jsonOnStandardOutputAndNothingElse() throws Exception {
        Run run = vitals("kpi:compute", "mrr", "--format", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode answer = new ObjectMapper().readTree(run.out());
        assertEquals("mrr", answer.get("kpi").asText());
        assertTrue(answer.get("value").asDouble() > 0);
        assertEquals("", run.err(), "a second start finds the data in place and says nothing");
    }

    @Test
    @Order(3)
    void failuresExitNonZeroWithOneLine() throws Exception {
        Run unknown = vitals("kpi:compute", "npx");
        assertEquals(1, unknown.exit());
        assertEquals("error: unknown KPI 'npx' (did you mean 'nps'?); known KPIs: " + String.join(", ", CatalogueIT.SHIPPED),
                unknown.err().strip());
        assertEquals("", unknown.out());

        Run malformed = vitals("kpi:compute", "nps", "--from", "01/02/2026", "--to", "2026-04-01");
        assertEquals(1, malformed.exit());
        assertEquals("error: malformed date for --from: '01/02/2026'; expected an ISO date such as 2026-01-31", malformed.err().strip());

        Run empty = vitals("kpi:compute", "nps", "--from", "2026-04-01", "--to", "2026-04-01");
        assertEquals(1, empty.exit());
        assertTrue(empty.err().strip().startsWith("error: empty period: --from 2026-04-01 must be before --to 2026-04-01"), empty.err());
        assertEquals(1, empty.err().strip().lines().count());

        Run noCommand = vitals("kpi:frobnicate");
        assertEquals(1, noCommand.exit());
        assertTrue(noCommand.lastErrorLine().startsWith("error:"), noCommand.err());
    }

    @Test
    @Order(4)
    void usage() throws Exception {
        Run help = vitals("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("usage: vitals"), help.out());
        // configuration files reach their components before a one-shot command runs
        Run targets = vitals("kpi:targets");
        assertEquals(0, targets.exit(), targets.err());
        assertEquals(7, targets.out().lines().count(), "a header and the six shipped targets:\n" + targets.out());
        assertTrue(targets.out().contains("vitals.target-nps.cfg"), targets.out());
        Run segment = vitals("kpi:compute", "customer-churn-rate", "--segment", "region=EMEA", "--segment", "plan=pro");
        assertEquals(0, segment.exit(), segment.err());
        assertTrue(segment.out().contains("plan=pro, region=EMEA"), segment.out());
    }
}
