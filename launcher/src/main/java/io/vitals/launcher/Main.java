package io.vitals.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/vitals}: with no command, the interactive shell; with a command, runs it once and
 * exits with 0 when it succeeded and 1 when it failed (the reason on one line of standard error).
 */
public final class Main {

    static final String USAGE = """
            usage: vitals                      start Vitals with an interactive shell
                   vitals <command> [args...]  run one shell command and exit, e.g.
                                               vitals kpi:compute nps --from 2026-01-01 --to 2026-04-01
                   vitals --help               this text; 'vitals help' lists the shell's commands
            environment: JAVA_HOME, VITALS_HEAP (default 256m), VITALS_JAVA_OPTS""";

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        // Gogo replaces System.out and System.err with per-thread streams once it starts; keep the real ones.
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Path home = Path.of(System.getProperty("vitals.home", "."));
        List<String> args = new ArrayList<>(List.of(argv));
        if (args.size() >= 2 && args.get(0).equals("--home")) {
            home = Path.of(args.get(1));
            args = args.subList(2, args.size());
        }
        if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            System.out.println(USAGE);
            return 0;
        }
        boolean console = args.isEmpty();
        VitalsRuntime vitals;
        try {
            vitals = VitalsRuntime.home(home).console(console).start();
        } catch (RuntimeException e) {
            System.err.println("vitals: " + e.getMessage());
            return 3;
        }
        if (console) {
            try {
                vitals.awaitStop();
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            } finally {
                vitals.close();
            }
        }
        try {
            Throwable failure = vitals.execute(commandLine(args), stdout, stderr);
            if (failure != null) {
                stderr.println(new VitalsRuntime.CommandOutcome("", "", failure).failureMessage());
                if (Boolean.getBoolean("vitals.debug")) {
                    failure.printStackTrace(stderr);
                }
                return 1;
            }
            return 0;
        } finally {
            vitals.close();
        }
    }

    /** Joins arguments back into one Gogo command line, quoting those the shell had to keep whole. */
    static String commandLine(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (arg.isEmpty() || arg.chars().anyMatch(c -> Character.isWhitespace(c) || "\"'{}[]();|$&<>#\\".indexOf(c) >= 0)) {
                line.append('\'').append(arg.replace("'", "\\'")).append('\'');
            } else {
                line.append(arg);
            }
        }
        return line.toString();
    }
}
