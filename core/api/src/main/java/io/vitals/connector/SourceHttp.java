package io.vitals.connector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * GET requests for network sources, on the JDK's HTTP client, with the retries every source
 * needs: a connection that fails or a 5xx answer is retried with backoff, a 429 waits for the
 * server's Retry-After, other 4xx answers fail at once. After the last attempt it fails with the
 * reason. It never logs, and its messages name the host and path but never headers or query.
 */
public final class SourceHttp {

    /** What a request answered. */
    public record Answer(int status, String body, Map<String, java.util.List<String>> headers) {
    }

    /** Something that waits; tests and the engine may wait differently. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final HttpClient client;
    private final RetryPolicy policy;
    private final Duration timeout;
    private final BooleanSupplier stopping;
    private final Sleeper sleeper;
    private volatile Duration pace = Duration.ZERO;
    private volatile long lastRequestNanos;

    public SourceHttp(RetryPolicy policy, Duration timeout, BooleanSupplier stopping) {
        this(policy, timeout, stopping, null);
    }

    /** @param sleeper how to wait between attempts and paced requests; null: really sleep (tests pass their own) */
    public SourceHttp(RetryPolicy policy, Duration timeout, BooleanSupplier stopping, Sleeper sleeper) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.policy = policy;
        this.timeout = timeout;
        this.stopping = stopping;
        this.sleeper = sleeper == null ? d -> Thread.sleep(d.toMillis()) : sleeper;
    }

    /**
     * Keeps to at most {@code requestsPerMinute} requests, for APIs with a documented rate limit
     * (0: no pacing). A 429 is still honoured on top.
     */
    public SourceHttp pace(int requestsPerMinute) {
        this.pace = requestsPerMinute <= 0 ? Duration.ZERO : Duration.ofMillis(60_000L / requestsPerMinute);
        return this;
    }

    private void keepPace() throws InterruptedException {
        if (pace.isZero()) {
            return;
        }
        long since = System.nanoTime() - lastRequestNanos;
        if (lastRequestNanos != 0 && since < pace.toNanos()) {
            sleeper.sleep(Duration.ofNanos(pace.toNanos() - since));
        }
        lastRequestNanos = System.nanoTime();
    }

    /** A GET that answers 2xx, after retries. @throws SourceException with the reason it did not */
    public Answer get(URI uri, Map<String, String> headers) throws SourceException, InterruptedException {
        String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
        String last = null;
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            Duration wait;
            keepPace();
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
                headers.forEach(request::header);
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Answer(status, response.body(), response.headers().map());
                }
                last = "HTTP " + status + " from " + where;
                if (status == 429) {
                    wait = retryAfter(response).orElse(policy.backoff(attempt));
                } else if (status >= 500) {
                    wait = policy.backoff(attempt);
                } else {
                    throw new SourceException(last, status, null).withBody(response.body());
                }
                if (attempt == policy.attempts()) {
                    throw new SourceException(last + " after " + attempt + " attempts", status, null).withBody(response.body());
                }
            } catch (IOException e) {
                last = where + " unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                if (attempt == policy.attempts()) {
                    throw new SourceException(last + " (after " + attempt + " attempts)", 0, e);
                }
                wait = policy.backoff(attempt);
            }
            if (stopping.getAsBoolean()) {
                throw new SourceException("stopped while retrying: " + last);
            }
            sleeper.sleep(min(wait, policy.maxDelay()));
        }
        throw new SourceException(last);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Retry-After in seconds or as an HTTP date. */
    static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::trim).flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    return java.util.Optional.of(Duration.between(ZonedDateTime.now(at.getZone()), at).isNegative()
                            ? Duration.ZERO : Duration.between(ZonedDateTime.now(at.getZone()), at));
                } catch (DateTimeParseException bad) {
                    return java.util.Optional.empty();
                }
            }
        });
    }
}
