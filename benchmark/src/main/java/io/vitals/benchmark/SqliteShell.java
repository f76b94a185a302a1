package io.vitals.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The baseline for a KPI: its traced statements run by the sqlite3 shell, timed by the shell's own {@code .timer}. */
final class SqliteShell {

    private static final Pattern RUN_TIME = Pattern.compile("^Run Time: real ([0-9.]+)", Pattern.MULTILINE);

    private SqliteShell() {
    }

    /** Statements in a traced script: each ends with a line holding only ';'. */
    static int statements(String script) {
        int n = 0;
        for (String line : script.split("\n")) {
            if (line.equals(";")) {
                n++;
            }
        }
        return n;
    }

    /** Runs the script once to warm up and {@code runs} more times; the median over runs of the summed statement times. */
    static double medianMillis(Path db, String script, int runs) throws IOException, InterruptedException {
        int statements = statements(script);
        if (statements == 0) {
            return 0;
        }
        StringBuilder all = new StringBuilder(".timer on\n.output /dev/null\n");
        for (int i = 0; i <= runs; i++) {
            all.append(script);
        }
        Process shell = new ProcessBuilder("sqlite3", "-batch", "-readonly", db.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = shell.getOutputStream()) {
            in.write(all.toString().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (shell.waitFor() != 0) {
            throw new IllegalStateException("sqlite3 failed on the traced statements:\n" + script);
        }
        List<Double> times = new ArrayList<>();
        Matcher m = RUN_TIME.matcher(out);
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)) * 1000);
        }
        if (times.size() != statements * (runs + 1)) {
            throw new IllegalStateException("expected " + statements * (runs + 1) + " timings from sqlite3, got " + times.size()
                    + ":\n" + out);
        }
        List<Double> perRun = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double sum = 0;
            for (int s = 0; s < statements; s++) {
                sum += times.get(run * statements + s);
            }
            perRun.add(sum);
        }
        return Stats.median(perRun);
    }
}
