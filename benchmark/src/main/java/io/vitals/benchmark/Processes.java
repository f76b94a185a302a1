package io.vitals.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Child processes, timed from launch to exit. */
final class Processes {

    private Processes() {
    }

    /** Seconds from launch to exit; the output is discarded, a failure is not. */
    static double timed(List<String> command) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
        }
        return seconds;
    }

    /** Wall, CPU (user + system, from bash's {@code times} for its child) and peak RSS of one run. */
    record Measured(double seconds, double cpuSeconds, long peakKb) {
    }

    static Measured measured(List<String> command) throws IOException, InterruptedException {
        List<String> wrapped = new java.util.ArrayList<>(List.of("bash", "-c",
                "\"$@\" >/dev/null 2>&1; s=$?; times; exit $s", "bash"));
        wrapped.addAll(command);
        long started = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(wrapped).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C"); // times' decimal point
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // what bin/vitals sets, for the baseline too
        Process bash = pb.start();
        java.nio.file.Path children = java.nio.file.Path.of("/proc", String.valueOf(bash.pid()), "task", String.valueOf(bash.pid()), "children");
        long peak = 0;
        while (bash.isAlive()) {
            try {
                for (String pid : java.nio.file.Files.readString(children).trim().split("\\s+")) {
                    if (pid.isEmpty()) {
                        continue;
                    }
                    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status"))) {
                        if (line.startsWith("VmHWM:")) {
                            peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
                        }
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // between two reads the child exited
            }
            Thread.sleep(5);
        }
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (bash.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + bash.exitValue());
        }
        // times: the shell's own user and system time, then its children's: "0m2.630s 0m0.420s"
        List<String> lines = out.lines().filter(l -> l.matches("\\d+m[\\d.]+s \\d+m[\\d.]+s")).toList();
        if (lines.size() < 2) {
            throw new IllegalStateException("no CPU times from bash: " + out);
        }
        double cpu = 0;
        for (String part : lines.get(lines.size() - 1).split(" ")) {
            String[] ms = part.substring(0, part.length() - 1).split("m");
            cpu += Integer.parseInt(ms[0]) * 60 + Double.parseDouble(ms[1]);
        }
        return new Measured(seconds, cpu, peak);
    }

    static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
        }
        return out;
    }

    static int inherit(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
