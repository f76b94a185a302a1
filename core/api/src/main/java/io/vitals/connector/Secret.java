package io.vitals.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Function;

/**
 * A secret named in a source's configuration by reference, never by value:
 * {@code env:STRIPE_API_KEY} (an environment variable) or {@code file:etc/secrets.properties#stripe}
 * (a key in a properties file; a relative path is under the Vitals home). The value is read when
 * it is used and appears nowhere else: {@link #toString()} shows only the reference.
 */
public final class Secret {

    private final String reference;
    private final Function<String, String> environment;
    private final Path home;

    private Secret(String reference, Function<String, String> environment, Path home) {
        this.reference = reference;
        this.environment = environment;
        this.home = home;
    }

    /**
     * @param what the configuration key, for messages ("apiKey")
     * @throws IllegalArgumentException when the reference is not {@code env:NAME} or {@code file:PATH#KEY}
     */
    public static Secret parse(String what, String reference, Path home) {
        return parse(what, reference, home, System::getenv);
    }

    static Secret parse(String what, String reference, Path home, Function<String, String> environment) {
        String r = reference == null ? "" : reference.trim();
        boolean env = r.startsWith("env:") && r.length() > 4;
        boolean file = r.startsWith("file:") && r.indexOf('#') > 5 && !r.endsWith("#");
        if (!env && !file) {
            throw new IllegalArgumentException(what + " must name where the secret is, not hold it: "
                    + what + " = env:VARIABLE or " + what + " = file:path/to/secrets.properties#key");
        }
        return new Secret(r, environment, home);
    }

    public String reference() {
        return reference;
    }

    /** The secret's value, read now. @throws IllegalStateException when it is not there (the message has no value) */
    public String reveal() {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("the environment variable " + name + " is not set");
            }
            return value;
        }
        int hash = reference.indexOf('#');
        Path file = Path.of(reference.substring(5, hash));
        if (!file.isAbsolute() && home != null) {
            file = home.resolve(file);
        }
        String key = reference.substring(hash + 1);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the secrets file " + file + ": " + e.getClass().getSimpleName());
        }
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the secrets file " + file + " has no key " + key);
        }
        return value.trim();
    }

    @Override
    public String toString() {
        return reference;
    }
}
