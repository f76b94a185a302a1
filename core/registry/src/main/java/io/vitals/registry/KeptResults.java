package io.vitals.registry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Answers already computed, each kept under the data version it was computed at, so the same
 * question over unchanged data is answered without running its SQL again (a dashboard reloaded,
 * the month before in every report, a scrape). Bounded: the least recently used goes first.
 *
 * <p>A question being computed is computed once: whoever asks it meanwhile (a dashboard opened while
 * the report is being kept warm after a sync, a scrape during a report) waits for that answer
 * rather than running the same SQL beside it on the same two cores.
 */
final class KeptResults {

    /**
     * What makes two questions the same: the KPI service that answers, its definition in force
     * (parameters included, so a reconfigured KPI is asked afresh), the question itself and the data.
     */
    record Key(long serviceId, Object definition, Object question, long dataVersion) {
    }

    private final int capacity;
    private final Map<Key, Object> answers;
    private final Map<Key, CompletableFuture<Object>> computing = new HashMap<>();

    KeptResults(int capacity) {
        this.capacity = Math.max(0, capacity);
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
                return size() > KeptResults.this.capacity;
            }
        };
    }

    /**
     * The kept answer, the answer of the same question being computed now, or {@code compute}'s, kept
     * for next time. Computing happens outside the lock, so different questions run side by side. A
     * failure is not kept: whoever was waiting for it computes on its own.
     */
    @SuppressWarnings("unchecked")
    <T> T get(Key key, Supplier<T> compute) {
        if (capacity == 0 || key.dataVersion() < 0) {
            return compute.get();
        }
        while (true) {
            CompletableFuture<Object> theirs;
            CompletableFuture<Object> mine = null;
            synchronized (this) {
                Object kept = answers.get(key);
                if (kept != null) {
                    return (T) kept;
                }
                theirs = computing.get(key);
                if (theirs == null) {
                    mine = new CompletableFuture<>();
                    computing.put(key, mine);
                }
            }
            if (mine != null) {
                return computeAndKeep(key, compute, mine);
            }
            try {
                return (T) theirs.join();
            } catch (CompletionException failed) {
                if (failed.getCause() instanceof io.vitals.kpi.TimeLimitExceededException slow) {
                    throw slow; // asking it again would only take as long once more
                }
                // theirs failed otherwise (or was stopped); ask again, most likely computing it here
            }
        }
    }

    private <T> T computeAndKeep(Key key, Supplier<T> compute, CompletableFuture<Object> mine) {
        T answer;
        try {
            answer = compute.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                computing.remove(key);
            }
            mine.completeExceptionally(e);
            throw e;
        }
        synchronized (this) {
            answers.put(key, answer);
            computing.remove(key);
        }
        mine.complete(answer);
        return answer;
    }

    synchronized void clear() {
        answers.clear();
    }
}
