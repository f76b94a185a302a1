package io.vitals.connector;

import java.time.Duration;

/**
 * How a network source retries: up to {@code attempts} tries, waiting {@code initialDelay}, then
 * twice as long each time up to {@code maxDelay}; a server's Retry-After wins over the backoff
 * (up to {@code maxDelay}).
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry) {
        long millis = initialDelay.toMillis() << Math.min(20, Math.max(0, retry - 1));
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
