package io.vitals.connector;

import java.time.Instant;

/** A row a source could not map or the store could not take, kept with the reason. */
public record Rejected(String source, Instant at, String raw, String reason) {
}
