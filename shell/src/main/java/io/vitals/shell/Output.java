package io.vitals.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import picocli.CommandLine.Option;

/**
 * Where a command's answer goes: standard output, or the file {@code --output} names (then a
 * one-line receipt goes to standard output). A file is never written inside the home's own folders
 * (the store, configuration, deploy/, the platform's jars), never overwritten without {@code --force},
 * never into a folder that does not exist, and always whole: written beside its place and renamed.
 */
final class Output {

    /** The home's folders that Vitals itself keeps: an answer written there could replace the store or a setting. */
    static final List<String> KEPT_FOLDERS = List.of("data", "etc", "deploy", "bundle", "lib", "bin");

    /** {@code --output} and {@code --force}, the same on every command that writes a file. */
    static final class Options {
        @Option(names = "--output", paramLabel = "<file>", description = "Write the answer to this file instead of the screen"
                + " (not inside the home's data/, etc/, deploy/, bundle/, lib/ or bin/; its folder must exist).")
        String file;
        @Option(names = "--force", description = "With --output: replace the file when it exists.")
        boolean force;
    }

    private Output() {
    }

    static void write(Options options, String text, String what) {
        PrintStream out = System.out;
        String body = text.endsWith("\n") ? text : text + "\n";
        if (options == null || options.file == null) {
            out.print(body);
            return;
        }
        Path file = check(Path.of(options.file).toAbsolutePath().normalize(), options.force, home());
        Path part = file.resolveSibling("." + file.getFileName() + ".part-" + ProcessHandle.current().pid());
        try {
            Files.writeString(part, body, StandardCharsets.UTF_8);
            try {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // nothing more to tidy
            }
            throw new CommandError("cannot write " + file + ": " + e.getMessage());
        }
        out.println("Wrote " + what + " to " + file);
    }

    /** The file as it may be written, or a one-line refusal. */
    static Path check(Path file, boolean force, Path home) {
        Path folder = file.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new CommandError("cannot write " + file + ": its folder " + folder + " does not exist (--output creates no folders)");
        }
        Path real;
        try {
            real = folder.toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            throw new CommandError("cannot write " + file + ": " + e.getMessage());
        }
        if (home != null) {
            Path root;
            try {
                root = home.toRealPath();
            } catch (IOException e) {
                root = home.toAbsolutePath().normalize();
            }
            for (String kept : KEPT_FOLDERS) {
                if (real.startsWith(root.resolve(kept))) {
                    throw new CommandError("will not write " + file + ": " + kept + "/ of the Vitals home is Vitals' own;"
                            + " choose a file elsewhere");
                }
            }
        }
        if (Files.isDirectory(real)) {
            throw new CommandError("cannot write " + file + ": it is a folder");
        }
        if (Files.exists(real) && !force) {
            throw new CommandError(file + " exists; add --force to replace it");
        }
        return real;
    }

    /** The Vitals home this shell runs in. */
    private static Path home() {
        Bundle bundle = FrameworkUtil.getBundle(Output.class);
        String home = bundle == null || bundle.getBundleContext() == null ? null : bundle.getBundleContext().getProperty("vitals.home");
        return home == null ? null : Path.of(home);
    }
}
