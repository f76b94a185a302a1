package io.vitals.http.api;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How many computations each client has running, so that one client's slow questions cannot hold
 * every store connection while everybody else waits. A client over its share waits a little for one
 * of its own to end, then is told to come back.
 */
final class ClientSlots {

    private final Map<String, Integer> running = new HashMap<>();

    /** True once the client holds a slot; false when it still had {@code most} running after {@code waitMillis}. */
    synchronized boolean acquire(String client, int most, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (running.getOrDefault(client, 0) >= most) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        running.merge(client, 1, Integer::sum);
        return true;
    }

    synchronized void release(String client) {
        running.computeIfPresent(client, (k, v) -> v > 1 ? v - 1 : null);
        notifyAll();
    }

    synchronized int running(String client) {
        return running.getOrDefault(client, 0);
    }
}
