package io.vitals.alerts;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.connector.RetryPolicy;
import io.vitals.store.AlertStore;

/**
 * Delivers recorded alerts to their channels, each (alert, channel) on its own: a failed attempt is
 * tried again after the channel's backoff until its attempts are used up, and every attempt's
 * outcome is saved, so a delivery still pending at a restart carries on where it was. A channel
 * that is not configured (yet) counts as a failed attempt: it may arrive before the retries end.
 */
final class Dispatcher {

    /** How long to wait for a channel that is not there, when no channel's policy applies. */
    static final RetryPolicy UNKNOWN_CHANNEL = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(1));

    interface Log {
        void delivered(Alert alert, String channel, int attempts);

        void failed(Alert alert, String channel, int attempts, String reason, boolean final_);
    }

    private final AlertStore store;
    private final Function<String, Channel> channels;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Log log;

    Dispatcher(AlertStore store, Function<String, Channel> channels, ScheduledExecutorService scheduler, Clock clock, Log log) {
        this.store = store;
        this.channels = channels;
        this.scheduler = scheduler;
        this.clock = clock;
        this.log = log;
    }

    /** Starts delivering a recorded alert on each channel whose delivery is pending. */
    void dispatch(Alert alert) {
        for (Delivery d : alert.deliveries()) {
            if (d.state() == Delivery.State.PENDING) {
                submit(alert, d.channel(), d.attempts(), Duration.ZERO);
            }
        }
    }

    /** Carries on with every delivery the store has as pending (after a restart). */
    void resume() {
        for (Alert alert : store.pendingDeliveries()) {
            dispatch(alert);
        }
    }

    private void submit(Alert alert, String channel, int attemptsSoFar, Duration delay) {
        try {
            scheduler.schedule(() -> attempt(alert, channel, attemptsSoFar + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the delivery stays pending in the store and resumes at the next start
        }
    }

    private void attempt(Alert alert, String name, int attempt) {
        Channel channel = channels.apply(name);
        RetryPolicy retry = channel == null ? UNKNOWN_CHANNEL : channel.retry();
        String reason;
        try {
            if (channel == null) {
                throw new IllegalStateException("no channel named '" + name
                        + "' (log, or a webhook configured in etc/vitals.webhook-" + name + ".cfg)");
            }
            channel.deliver(alert);
            save(alert, new Delivery(name, Delivery.State.DELIVERED, attempt, null, clock.instant()));
            log.delivered(alert, name, attempt);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // shutting down: still pending, resumed at the next start
        } catch (Exception e) {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        boolean last = attempt >= retry.attempts();
        save(alert, new Delivery(name, last ? Delivery.State.FAILED : Delivery.State.PENDING, attempt, reason, clock.instant()));
        log.failed(alert, name, attempt, reason, last);
        if (!last) {
            submit(alert, name, attempt, retry.backoff(attempt));
        }
    }

    private void save(Alert alert, Delivery delivery) {
        try {
            store.saveDelivery(alert.id(), delivery);
        } catch (RuntimeException e) {
            log.failed(alert, delivery.channel(), delivery.attempts(), "cannot save the delivery: " + e.getMessage(), false);
        }
    }
}
