package io.vitals.alert;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The alerts Vitals raised, newest first, and acknowledging them. */
@ProviderType
public interface AlertBook {

    /** The open (unacknowledged) alerts, or with {@code all} the acknowledged ones too; newest first, at most {@code limit}. */
    List<Alert> list(boolean all, int limit);

    Optional<Alert> find(long id);

    /**
     * Acknowledges an alert; acknowledging one that is already acknowledged changes nothing.
     *
     * @return the alert as it is now
     * @throws UnknownAlertException when no alert has this id
     */
    Alert ack(long id);

    /** The configured rules and where each stands now. */
    List<AlertRuleStatus> rules();

    /** Evaluates every rule now (besides after each sync and on the schedule), and waits for it. */
    void evaluate();
}
