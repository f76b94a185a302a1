package io.vitals.connector;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks of the settings every network source has, so each connector refuses a wrong one at
 * configuration time with the same one-line reason.
 */
public final class SourceSettings {

    private SourceSettings() {
    }

    /**
     * An API's address: http or https with a host and nothing after the path, trailing slashes
     * dropped. A credential travels with every request, so plain http is refused except on a
     * loopback address (a local test server or a proxy).
     *
     * @param key the setting's name, for the message
     * @param configured the setting as configured (callers put their default in for a blank one)
     * @param example an address such as https://api.stripe.com, for the message
     * @param credential what travels with every request ("the API key"), for the message
     * @param loopbackExample a loopback address such as http://127.0.0.1:8080, for the message
     */
    public static String apiUrl(String key, String configured, String example, String credential, String loopbackExample) {
        return check(key, configured, example, credential, loopbackExample, true);
    }

    /** As {@link #apiUrl}, for an address that must be a host alone, with no path. */
    public static String apiHost(String key, String configured, String example, String credential, String loopbackExample) {
        return check(key, configured, example, credential, loopbackExample, false);
    }

    private static String check(String key, String configured, String example, String credential, String loopbackExample,
            boolean pathAllowed) {
        String url = configured.trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be a URL such as " + example + "; got '" + configured + "'");
        }
        String wrong = key + " must be a URL such as " + example + (pathAllowed ? "" : " (no path)") + "; got '" + configured + "'";
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty();
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null || (hasPath && !pathAllowed)) {
            throw new IllegalArgumentException(wrong);
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw new IllegalArgumentException(key + " must use https (" + credential + " travels with every request); plain http"
                    + " only on a loopback address such as " + loopbackExample + "; got '" + configured + "'");
        }
        return url;
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    /**
     * A comma-separated list of {@code name=source} or {@code source} (named as itself), as name to
     * source in the order given: the shape of a connector's "attributes" setting. A part with an
     * empty name or a source {@code valid} refuses is refused as {@code expected}; a name given
     * twice is refused too.
     */
    public static Map<String, String> namedList(String key, String configured, Pattern valid, String expected) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq).trim();
            String source = eq < 0 ? p : p.substring(eq + 1).trim();
            if (name.isEmpty() || !valid.matcher(source).matches()) {
                throw new IllegalArgumentException(expected + "; got '" + p + "'");
            }
            if (out.putIfAbsent(name, source) != null) {
                throw new IllegalArgumentException(key + " names '" + name + "' twice");
            }
        }
        return out;
    }

    /** A {@link #namedList} as it would be configured, a name equal to its source written once. */
    public static String namedListText(Map<String, String> named) {
        List<String> parts = new ArrayList<>();
        named.forEach((name, source) -> parts.add(name.equals(source) ? source : name + "=" + source));
        return String.join(",", parts);
    }

    /**
     * Some of a fixed list of choices, separated by commas or spaces, in the list's order; none, or
     * one not on the list, is refused with the choices.
     */
    public static List<String> someOf(String key, String configured, List<String> choices) {
        String expected = key + " must list some of " + String.join(", ", choices);
        Set<String> wanted = new HashSet<>();
        for (String part : (configured == null ? "" : configured).split("[,\\s]+")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (!choices.contains(p)) {
                throw new IllegalArgumentException(expected + "; got '" + part.trim() + "'");
            }
            wanted.add(p);
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException(expected + "; got nothing");
        }
        List<String> ordered = new ArrayList<>();
        for (String choice : choices) {
            if (wanted.contains(choice)) {
                ordered.add(choice);
            }
        }
        return List.copyOf(ordered);
    }

    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(apikey|api_key|secret|token|password|passwd|credential)s?");
    /** Characters of a setting shown: a long query fits, a 5 MB mistake does not. */
    static final int SHOWN_CHARACTERS = 1000;

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;]*");

    /**
     * A source's settings as they may be shown (connector:status, connector:list, JSON): a setting named
     * like a secret that is not a reference ({@code env:NAME}, {@code file:path#key}) is not shown, nor a
     * password inside a URL, and a long value is cut to one short line.
     */
    public static Map<String, String> shown(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            String v = value == null ? "" : value;
            String trimmed = v.trim();
            boolean reference = trimmed.startsWith("env:") || trimmed.startsWith("file:") || trimmed.isEmpty();
            if (SECRET_KEY.matcher(key).matches() && !reference && !key.toLowerCase(Locale.ROOT).endsWith("url")) {
                out.put(key, "(not shown: a secret is named by reference, env:NAME or file:path#key)");
            } else {
                out.put(key, io.vitals.kpi.Texts.clip(URL_PASSWORD.matcher(v).replaceAll("$1***"), SHOWN_CHARACTERS));
            }
        });
        return out;
    }

    /** The framework property (etc/vitals.properties) naming folders outside the home that sources may read. */
    public static final String ALLOWED_ROOTS_PROPERTY = "vitals.sources.allowedRoots";

    /** The folders of {@link #ALLOWED_ROOTS_PROPERTY}: absolute paths separated by commas. */
    public static List<java.nio.file.Path> allowedRoots(String configured) {
        List<java.nio.file.Path> roots = new ArrayList<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            if (!part.isBlank()) {
                roots.add(java.nio.file.Path.of(part.trim()).toAbsolutePath().normalize());
            }
        }
        return List.copyOf(roots);
    }

    /**
     * A file or folder a source reads: relative to the Vitals home, and inside it or inside one of the
     * allowed roots, links followed, so that a source's configuration cannot make another file of the
     * machine (../../etc/passwd) into customers.
     *
     * @throws IllegalArgumentException naming the key, when the path is not a path or lies outside
     */
    public static java.nio.file.Path localPath(String key, String configured, java.nio.file.Path home, List<java.nio.file.Path> allowedRoots) {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(configured);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(key + " = " + io.vitals.kpi.Texts.clip(configured) + " is not a path: " + e.getReason());
        }
        java.nio.file.Path root = (home == null ? java.nio.file.Path.of(".") : home).toAbsolutePath().normalize();
        java.nio.file.Path resolved = (p.isAbsolute() ? p : root.resolve(p)).toAbsolutePath().normalize();
        java.nio.file.Path real = realOrSelf(resolved);
        List<java.nio.file.Path> within = new ArrayList<>();
        within.add(realOrSelf(root));
        allowedRoots.forEach(r -> within.add(realOrSelf(r)));
        for (java.nio.file.Path w : within) {
            if (real.startsWith(w)) {
                return resolved;
            }
        }
        throw new IllegalArgumentException(key + " = " + io.vitals.kpi.Texts.clip(configured) + " is outside the Vitals home (" + root
                + "); put the file under the home, or allow its folder in etc/vitals.properties: " + ALLOWED_ROOTS_PROPERTY
                + " = /path/to/folder");
    }

    /** The path with its links followed as far as it exists (a file not yet there is judged by its folder). */
    private static java.nio.file.Path realOrSelf(java.nio.file.Path path) {
        java.nio.file.Path existing = path;
        java.nio.file.Path rest = java.nio.file.Path.of("");
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (java.io.IOException e) {
            return path;
        }
    }
}
