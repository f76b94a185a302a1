package io.vitals.connector;

import java.time.Duration;
import java.time.Instant;

/** How one sync of a source went: when, what it did, and whether it finished, stopped or failed. */
public record SyncReport(String source, Instant started, Instant finished, Outcome outcome, PageCounts counts, String message) {

    public enum Outcome {
        /** Read everything there was. */
        COMPLETE,
        /** Asked to stop; what it committed stays, the next sync resumes from its cursor. */
        STOPPED,
        /** The source failed (after retries); what it committed before stays. */
        FAILED
    }

    public Duration took() {
        return Duration.between(started, finished);
    }
}
