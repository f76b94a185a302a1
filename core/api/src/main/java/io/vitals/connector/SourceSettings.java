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
}
