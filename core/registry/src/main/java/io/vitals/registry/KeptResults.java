package io.vitals.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers already computed, each kept under the data version it was computed at, so the same
 * question over unchanged data is answered without running its SQL again (a dashboard reloaded,
 * the month before in every report, a scrape). Bounded: the least recently used goes first.
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
     * The kept answer, or {@code compute}'s, kept for next time. Computing happens outside the lock,
     * so questions run side by side; two asking the same at once both compute, and either answer is right.
     */
    @SuppressWarnings("unchecked")
    <T> T get(Key key, Supplier<T> compute) {
        if (capacity == 0 || key.dataVersion() < 0) {
            return compute.get();
        }
        synchronized (this) {
            Object kept = answers.get(key);
            if (kept != null) {
                return (T) kept;
            }
        }
        T answer = compute.get();
        synchronized (this) {
            answers.put(key, answer);
        }
        return answer;
    }

    synchronized void clear() {
        answers.clear();
    }
}
