package io.vitals.alerts;

import java.time.Duration;
import java.time.Instant;

/**
 * One alert per crossing, and none for a flap. What a rule knows about one thing it watches (a
 * KPI's status, or whether a customer is in a subset) is the status it last {@code confirmed}, a
 * {@code candidate} status seen since and for how many evaluations in a row, and when it last
 * alerted. A new status alerts once it has held for {@code confirmations} evaluations and the
 * quiet period since the last alert is over; a status that goes back before then alerts nothing.
 * The first evaluation confirms what it sees at once, and alerts if that differs from the baseline
 * (a KPI is assumed green, a customer outside the subset, until seen otherwise).
 */
record Hysteresis(String confirmed, String candidate, int count, Instant lastAlert) {

    /** What one evaluation did: the state to keep and, when it alerts, the status it alerts from. */
    record Step(Hysteresis next, String alertFrom) {
        boolean alerts() {
            return alertFrom != null;
        }
    }

    /** The knowledge of a rule's first look, before any evaluation. */
    static Step first(String baseline, String observed, Instant now) {
        boolean differs = !observed.equals(baseline);
        return new Step(new Hysteresis(observed, null, 0, differs ? now : null), differs ? baseline : null);
    }

    Step step(String observed, Instant now, int confirmations, Duration quiet) {
        if (observed.equals(confirmed)) {
            return new Step(new Hysteresis(confirmed, null, 0, lastAlert), null);
        }
        int seen = observed.equals(candidate) ? count + 1 : 1;
        boolean held = seen >= Math.max(1, confirmations);
        boolean quietOver = lastAlert == null || !now.isBefore(lastAlert.plus(quiet));
        if (held && quietOver) {
            return new Step(new Hysteresis(observed, null, 0, now), confirmed);
        }
        return new Step(new Hysteresis(confirmed, observed, seen, lastAlert), null);
    }

    /** As kept in the store: {@code confirmed|candidate|count|lastAlertMillis}. */
    String format() {
        return confirmed + "|" + (candidate == null ? "" : candidate) + "|" + count + "|" + (lastAlert == null ? "" : lastAlert.toEpochMilli());
    }

    /** @return null for null or text that is not a state (then the rule starts afresh) */
    static Hysteresis parse(String text) {
        if (text == null) {
            return null;
        }
        String[] p = text.split("\\|", -1);
        if (p.length != 4 || p[0].isEmpty()) {
            return null;
        }
        try {
            return new Hysteresis(p[0], p[1].isEmpty() ? null : p[1], Integer.parseInt(p[2]),
                    p[3].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(p[3])));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
