package io.vitals.connector;

import java.time.Duration;
import java.util.Map;

/** A source as {@code connector:list} and {@code connector:status} show it. */
public record SourceStatus(String id, String kind, Map<String, String> settings, Duration interval, boolean running,
        SyncReport last, long rejects, String cursor, String problem, Map<String, String> notes) {

    public SourceStatus {
        notes = notes == null ? Map.of() : Map.copyOf(notes);
    }

    public SourceStatus(String id, String kind, Map<String, String> settings, Duration interval, boolean running,
            SyncReport last, long rejects, String cursor, String problem) {
        this(id, kind, settings, interval, running, last, rejects, cursor, problem, Map.of());
    }
}
