package io.vitals.connector;

import java.util.Collection;

/** Asked for a source id no configured source has; the message lists those that exist. */
public class UnknownSourceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownSourceException(String id, Collection<String> known) {
        super("unknown source '" + id + "'; configured sources: "
                + (known.isEmpty() ? "(none; add etc/vitals.source.<kind>-<id>.cfg)" : String.join(", ", known)));
    }
}
