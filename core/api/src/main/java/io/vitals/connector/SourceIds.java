package io.vitals.connector;

import java.util.regex.Pattern;

/**
 * A source's id comes from its configuration file: {@code etc/vitals.source.stripe-billing.cfg}
 * configures the source {@code billing} (the part after the first dash), unless the file sets
 * {@code id} itself.
 */
public final class SourceIds {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private SourceIds() {
    }

    /**
     * @param configured the {@code id} property, or empty
     * @param filename the {@code felix.fileinstall.filename} property (a file URL or path), or empty
     * @throws IllegalArgumentException when neither gives a usable id
     */
    public static String of(String configured, String filename) {
        String id = configured == null ? "" : configured.trim();
        if (id.isEmpty() && filename != null && !filename.isBlank()) {
            String name = filename.substring(filename.lastIndexOf('/') + 1);
            int dash = name.indexOf('-');
            int dot = name.lastIndexOf('.');
            if (dash > 0 && dot > dash) {
                id = name.substring(dash + 1, dot);
            }
        }
        id = id.toLowerCase(java.util.Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a source needs an id: name its file vitals.source.<kind>-<id>.cfg or set id = <id>"
                    + " (lower-case letters, digits, dots, dashes, underscores)" + (id.isEmpty() ? "" : "; got '" + id + "'"));
        }
        return id;
    }
}
