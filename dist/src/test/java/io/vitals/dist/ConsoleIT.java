package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell on a real terminal: {@code bin/vitals} under a pseudo-terminal (util-linux's
 * {@code script}), as a user at a terminal types. JLine must find its terminal providers inside OSGi:
 * with a dumb terminal Tab inserts a tab, so {@code kpi:li<Tab><Enter>} would be "Command not found".
 */
class ConsoleIT {

    @TempDir
    Path folder;

    @Test
    void tabCompletesOnASystemTerminalAndCtrlDLeaves() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertTrue(Files.isExecutable(script), "util-linux's script (Debian's bsdutils) is needed to give the shell a terminal");
        Path home = Distribution.copy(folder, 50);
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec",
                "stty cols 120 rows 40; exec '" + home.resolve("bin/vitals") + "'", "/dev/null");
        pb.environment().put("VITALS_JAVA_OPTS", "-Dvitals.today=" + Distribution.TODAY);
        pb.environment().put("TERM", "xterm-256color");
        pb.redirectErrorStream(true);
        Process shell = pb.start();
        Screen screen = new Screen(shell.getInputStream());
        try (OutputStream keys = shell.getOutputStream()) {
            screen.await("vitals> ", 120);
            keys.write("kpi:li\t".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            Thread.sleep(500);
            keys.write('\r');
            keys.flush();
            screen.await("kpi:info <id> explains one", 60);
            keys.write(4); // Ctrl-D
            keys.flush();
            assertTrue(shell.waitFor(60, TimeUnit.SECONDS), "Ctrl-D did not leave the shell:\n" + screen.text());
        } finally {
            shell.destroyForcibly();
        }
        String text = screen.text();
        assertEquals(0, shell.exitValue(), text);
        assertFalse(text.contains("dumb terminal"), text);
        assertFalse(text.contains("Command not found"), text);
        // the KPI list itself, with the satisfaction group and NPS in it
        assertTrue(text.contains("Satisfaction and loyalty"), text);
        assertTrue(List.of(text.split("\r?\n")).stream().anyMatch(l -> l.strip().startsWith("nps ")), text);
    }

    /** What the terminal shows, escape sequences taken out. */
    static final class Screen {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Screen(InputStream in) {
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) > 0;) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            }, "console-reader");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            String raw;
            synchronized (bytes) {
                raw = bytes.toString(StandardCharsets.UTF_8);
            }
            return raw.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[=>]", "");
        }

        void await(String shown, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!text().contains(shown)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the terminal never showed '" + shown + "':\n" + text());
                }
                Thread.sleep(50);
            }
        }
    }
}
