package io.vitals.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command's answer goes: standard output, or the file {@code --output} names (then a
 * one-line receipt goes to standard output).
 */
final class Output {

    private Output() {
    }

    static void write(String output, String text, String what) {
        PrintStream out = System.out;
        if (output == null) {
            out.print(text.endsWith("\n") ? text : text + "\n");
            return;
        }
        Path file = Path.of(output).toAbsolutePath();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandError("cannot write " + file + ": " + e.getMessage());
        }
        out.println("Wrote " + what + " to " + file);
    }
}
