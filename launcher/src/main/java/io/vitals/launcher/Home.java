package io.vitals.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of a Vitals home: {@code bin/}, {@code lib/} (the framework, this launcher and the
 * API), {@code bundle/} (platform bundles), {@code deploy/} (KPI and connector bundles, hot),
 * {@code etc/} (properties, shell profile and configuration files, hot), {@code data/}.
 */
final class Home {

    final Path root;

    Home(Path root) {
        this.root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(bundles())) {
            throw new IllegalArgumentException(this.root + " is not a Vitals home: it has no bundle/ folder");
        }
    }

    Path bundles() {
        return root.resolve("bundle");
    }

    Path deploy() {
        return root.resolve("deploy");
    }

    Path etc() {
        return root.resolve("etc");
    }

    Path data() {
        return root.resolve("data");
    }

    /** {@code etc/vitals.properties}, with {@code ${name}} replaced by system properties and {@code vitals.home}. */
    Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        Path file = etc().resolve("vitals.properties");
        if (!Files.exists(file)) {
            return out;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (String name : p.stringPropertyNames()) {
            out.put(name, substitute(p.getProperty(name)));
        }
        return out;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    String substitute(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = name.equals("vitals.home") ? root.toString()
                    : System.getProperty(name, System.getenv().getOrDefault(name, m.group()));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
