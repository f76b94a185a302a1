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
                   vitals serve                start Vitals with no console for a server or systemd: the HTTP API,
                                               /metrics and the dashboard on etc/vitals.http.cfg's address and port
                                               (127.0.0.1:8787 by default); logs in data/log/; SIGTERM stops it
                   vitals status               whether a serve runs on this home and is ready (exit 0), runs and is not
                                               ready (1), or does not run (3)
                   vitals stop                 stops the serve of this home (SIGTERM) and waits for it to end
                   vitals --help               this text; 'vitals help' lists the shell's commands
            environment: JAVA_HOME, VITALS_HEAP (default 256m), VITALS_JAVA_OPTS""";

    private Main() {
    }

    public static void main(String[] argv) {
        int status = run(argv);
        if (!shuttingDown()) {
            System.exit(status);
        }
        // serve stopped by a signal: the shutdown hook ends the JVM with 0 once this returns
    }

    private static boolean shuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
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
        if (!args.isEmpty() && args.get(0).equals("serve")) {
            if (args.size() > 1) {
                stderr.println(args.contains("--help") || args.contains("-h") ? USAGE
                        : "vitals: serve takes no arguments (address and port are in etc/vitals.http.cfg), got: "
                        + String.join(" ", args.subList(1, args.size())));
                return args.contains("--help") || args.contains("-h") ? 0 : 1;
            }
            return serve(home, stdout, stderr);
        }
        if (args.size() == 1 && (args.get(0).equals("status") || args.get(0).equals("stop"))) {
            ServeFile serving = new ServeFile(home);
            return args.get(0).equals("status") ? serving.status(stdout) : serving.stop(stdout, stderr);
        }
        if (!args.isEmpty()) {
            java.util.Optional<Integer> answered = CommandSocket.forward(home, args, stdout, stderr);
            if (answered.isPresent()) {
                return answered.get(); // the serve of this home ran it: no second framework
            }
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
            Throwable failure = vitals.execute(args, stdout, stderr);
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

    /**
     * {@code vitals serve}: the runtime with HTTP and no console until SIGTERM (or Ctrl-C), when a
     * shutdown hook stops the framework, so components deactivate and the store closes cleanly.
     */
    static int serve(Path home, PrintStream stdout, PrintStream stderr) {
        VitalsRuntime vitals;
        try {
            vitals = VitalsRuntime.home(home).console(false).http(true).start();
        } catch (RuntimeException e) {
            stderr.println("vitals: " + e.getMessage());
            return 3;
        }
        List<String> endpoints = vitals.httpEndpoints(java.time.Duration.ofSeconds(30));
        if (endpoints.isEmpty()) {
            stderr.println("vitals: the HTTP server did not start: is there an etc/vitals.http.cfg, and is its port free? see "
                    + home.resolve("data/log/vitals.log"));
            vitals.close();
            return 1;
        }
        Thread main = Thread.currentThread();
        ServeFile serving = new ServeFile(home);
        java.util.Optional<CommandSocket> commands = CommandSocket.open(home, vitals, stderr);
        Thread hook = new Thread(() -> {
            commands.ifPresent(CommandSocket::close);
            serving.remove();
            vitals.close();
            stdout.println("vitals: stopped");
            stdout.flush();
            try {
                main.join(10_000); // let main() finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // stopped as asked, not killed: say so with exit code 0 rather than the signal's 143
            Runtime.getRuntime().halt(0);
        }, "vitals-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            serving.write(endpoints);
        } catch (java.io.IOException e) {
            stderr.println("vitals: warning: cannot write data/serve.properties (vitals status and stop will not find this serve): "
                    + e.getMessage());
        }
        stdout.println("vitals: serving " + String.join(", ", endpoints) + " (dashboard at /, API at /api, metrics at /metrics);"
                + " logs in " + home.resolve("data/log") + "; stop with SIGTERM or Ctrl-C");
        stdout.flush();
        try {
            vitals.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commands.ifPresent(CommandSocket::close);
        serving.remove();
        return 0;
    }
}
