package io.vitals.http.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokens file: one {@code name = sha256:<hex>} a line ({@code #} starts a comment), the hex
 * being the SHA-256 of the token. Only hashes are kept, on disk and in memory. Read again when the
 * file changes.
 */
final class Tokens {

    private final Path file;
    private volatile Loaded loaded = new Loaded(null, Map.of(), null);

    private record Loaded(FileTime modified, Map<String, String> nameByHash, String problem) {
    }

    private final java.util.function.Consumer<String> warn;

    Tokens(Path file) {
        this(file, problem -> { });
    }

    /** @param warn told each time the file is read with a problem in it (a line that is not a token, no file) */
    Tokens(Path file, java.util.function.Consumer<String> warn) {
        this.file = file;
        this.warn = warn;
    }

    Path file() {
        return file;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this Java", e);
        }
    }

    /** The name of the token, or null when it is not one of the file's. */
    String check(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        byte[] given = hash(token.trim()).getBytes(StandardCharsets.US_ASCII);
        String name = null;
        for (Map.Entry<String, String> e : current().nameByHash().entrySet()) {
            // constant time per entry, so a near miss takes as long as a far one
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.US_ASCII))) {
                name = e.getValue();
            }
        }
        return name;
    }

    /** Why no token can be accepted (no file, an unreadable line), or null. */
    String problem() {
        return current().problem();
    }

    private Loaded current() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            return new Loaded(null, Map.of(), "no tokens file " + file + "; add one: see README, Over HTTP");
        } catch (IOException e) {
            return new Loaded(null, Map.of(), "cannot read " + file + ": " + e.getMessage());
        }
        Loaded l = loaded;
        if (!modified.equals(l.modified())) {
            l = read(modified);
            loaded = l;
        }
        return l;
    }

    private Loaded read(FileTime modified) {
        Map<String, String> byHash = new LinkedHashMap<>();
        java.util.List<String> bad = new java.util.ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                int eq = text.indexOf('=');
                String value = eq < 0 ? "" : text.substring(eq + 1).strip();
                if (eq <= 0 || !value.matches("sha256:[0-9a-fA-F]{64}")) {
                    // this line only: the other tokens still work
                    bad.add(String.valueOf(number));
                    continue;
                }
                byHash.put(value.substring("sha256:".length()).toLowerCase(java.util.Locale.ROOT), text.substring(0, eq).strip());
            }
        } catch (IOException e) {
            return report(new Loaded(modified, Map.of(), "cannot read " + file + ": " + e.getMessage()));
        }
        String problem = !bad.isEmpty()
                ? file + ": line" + (bad.size() > 1 ? "s " : " ") + String.join(", ", bad)
                        + " ignored: expected 'name = sha256:<64 hex digits>', the SHA-256 of the token"
                : byHash.isEmpty() ? file + " has no tokens" : null;
        return report(new Loaded(modified, Map.copyOf(byHash), problem));
    }

    private Loaded report(Loaded loaded) {
        if (loaded.problem() != null) {
            warn.accept(loaded.problem());
        }
        return loaded;
    }
}
