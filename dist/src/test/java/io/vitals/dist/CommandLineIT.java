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
        return startWith(home, "", args);
    }

    /** As {@link #start}, with further JVM options. */
    static Process startWith(Path home, String javaOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/vitals").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("VITALS_JAVA_OPTS", "-Dvitals.today=" + Distribution.TODAY + " " + javaOptions);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(false);
        return pb.start();
    }

    /** Runs bin/vitals of a home to its end. */
    static Run run(Path home, String... args) throws IOException, InterruptedException {
        return finish(start(home, args));
    }

    static Run finish(Process p) throws IOException, InterruptedException {
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

    @Test
    @Order(5)
    void anArgumentIsPassedWholeNeverReadAsAnotherCommand() throws Exception {
        String hostile = "x';kpi:targets;echo \\";
        Path into = folder.resolve("answers");
        java.nio.file.Files.createDirectories(into);
        Run run = vitals("kpi:compute", "nps", "--output", into.resolve(hostile).toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(java.nio.file.Files.isRegularFile(into.resolve(hostile)), "the file is named as given");
        assertEquals("Wrote nps (text) to " + into.resolve(hostile), run.out().strip(), "and nothing else ran");
        Run chained = vitals("felix:lb;kpi:targets");
        assertEquals(1, chained.exit());
        assertEquals("error: not a command name: 'felix:lb;kpi:targets'; 'vitals help' lists the commands", chained.err().strip());
    }

    @Test
    @Order(6)
    void outputNeverReplacesWhatVitalsKeepsNorOverwritesWithoutForce() throws Exception {
        byte[] store = java.nio.file.Files.readAllBytes(home.resolve("data/vitals.db"));
        for (String inside : List.of("data/vitals.db", "etc/vitals.store.cfg", "deploy/x.json", "bundle/x.json", "lib/x.json")) {
            Run refused = vitals("kpi:compute", "nps", "--output", home.resolve(inside).toString(), "--force");
            assertEquals(1, refused.exit(), inside);
            assertTrue(refused.err().strip().startsWith("error: will not write " + home.resolve(inside) + ": "), refused.err());
        }
        assertTrue(java.util.Arrays.equals(store, java.nio.file.Files.readAllBytes(home.resolve("data/vitals.db"))), "the store is untouched");
        Path answer = folder.resolve("nps.json");
        assertEquals(0, vitals("kpi:compute", "nps", "--format", "json", "--output", answer.toString()).exit());
        Run again = vitals("kpi:compute", "nps", "--format", "json", "--output", answer.toString());
        assertEquals(1, again.exit());
        assertEquals("error: " + answer + " exists; add --force to replace it", again.err().strip());
        assertEquals(0, vitals("kpi:compute", "nps", "--format", "json", "--output", answer.toString(), "--force").exit());
        Run nowhere = vitals("kpi:compute", "nps", "--output", folder.resolve("no/such/folder/nps.txt").toString());
        assertEquals(1, nowhere.exit());
        assertTrue(nowhere.err().contains("does not exist (--output creates no folders)"), nowhere.err());
        assertTrue(!java.nio.file.Files.exists(folder.resolve("no")), "no folder was made");
    }

    @Test
    @Order(7)
    void overlappingCommandsOnOneHomeAllAnswer() throws Exception {
        List<Process> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(start(home, "kpi:compute", i % 2 == 0 ? "nps" : "csat"));
        }
        for (Process p : running) {
            Run run = finish(p);
            assertEquals(0, run.exit(), run.err());
            assertEquals("", run.err());
            assertTrue(run.out().contains("value"), run.out());
        }
        try (var left = java.nio.file.Files.newDirectoryStream(home.resolve("data"), "cache-*")) {
            assertTrue(!left.iterator().hasNext(), "the private caches are gone");
        }
    }

    @Test
    @Order(8)
    void tooLittleDiskSpaceIsSaidInOneLineBeforeAnythingStarts() throws Exception {
        // asks for more room than any disk has: the check that a full disk would fail
        Run run = finish(startWith(home, "-Dvitals.minFreeBytes=" + Long.MAX_VALUE, "kpi:compute", "nps"));
        assertEquals(3, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("vitals: disk full: " + home.resolve("data") + " has "), run.err());
    }
}
