package io.vitals.alert;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One alert: a rule saw a KPI's status change from {@code from} to {@code to} (GREEN, YELLOW, RED),
 * or customers enter the drill-down subset the rule watches ({@code from} null, {@code to} the
 * subset, e.g. {@code red}; {@code customerId} the customer, or null when one alert names several).
 * {@code id} is 0 until the alert is recorded. {@code value} and {@code target} are in the
 * KPI's unit and may be null (a customer alert has no target). {@code ackedAt} is null while the
 * alert is open.
 */
public record Alert(long id, String rule, String kpi, String segment, String customerId, String from, String to,
        Double value, Double target, String message, Instant raisedAt, Instant ackedAt, List<Delivery> deliveries) {

    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(kpi, "kpi");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(raisedAt, "raisedAt");
        segment = segment == null ? "" : segment;
        deliveries = List.copyOf(deliveries == null ? List.of() : deliveries);
    }

    public boolean acked() {
        return ackedAt != null;
    }

    /** Worse than before: a KPI's status fell (green to yellow or red, yellow to red) or customers entered the subset. */
    public boolean worse() {
        return from == null || rank(to) > rank(from);
    }

    private static int rank(String status) {
        return switch (status == null ? "" : status) {
            case "YELLOW" -> 1;
            case "RED" -> 2;
            default -> 0;
        };
    }

    public Alert withId(long newId) {
        return new Alert(newId, rule, kpi, segment, customerId, from, to, value, target, message, raisedAt, ackedAt, deliveries);
    }

    public Alert withDeliveries(List<Delivery> newDeliveries) {
        return new Alert(id, rule, kpi, segment, customerId, from, to, value, target, message, raisedAt, ackedAt, newDeliveries);
    }

    /** How an alert fared on one channel ({@code log}, or a webhook's name). */
    public record Delivery(String channel, State state, int attempts, String lastError, Instant updatedAt) {

        public enum State {
            /** Not yet delivered; another attempt is coming. */
            PENDING,
            /** The channel took it. */
            DELIVERED,
            /** Every attempt failed, or the channel is not configured; {@code lastError} says why. */
            FAILED
        }

        public Delivery {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(state, "state");
        }

        public static Delivery pending(String channel, Instant at) {
            return new Delivery(channel, State.PENDING, 0, null, at);
        }
    }
}
