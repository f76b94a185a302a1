package io.vitals.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.vitals.alert.Alert;

/**
 * What the alerts need of the store: the alerts raised, their delivery per channel, and what each
 * rule last knew about each thing it watches, so a restart neither forgets an alert nor raises it
 * again.
 */
@ProviderType
public interface AlertStore {

    /**
     * What a rule last knew, by subject ({@code ""} for the KPI itself, else a customer id). The
     * state is the caller's own text; the store keeps it as it is.
     */
    Map<String, String> alertStates(String rule);

    /** Saves states of a rule, by subject; a null state forgets the subject. Other subjects stay. */
    void saveAlertStates(String rule, Map<String, String> states);

    /**
     * Records an alert with its deliveries ({@code alert.deliveries()}, one per channel), and saves
     * the states of {@code rule} that go with it (as {@link #saveAlertStates}), in one transaction.
     *
     * @return the alert with its id
     */
    Alert recordAlert(Alert alert, String rule, Map<String, String> states);

    /** The newest alerts first; the open ones only unless {@code includeAcked}. */
    List<Alert> alerts(boolean includeAcked, int limit);

    Optional<Alert> alert(long id);

    /** @return false when no alert has this id; an alert already acknowledged keeps its first time */
    boolean ackAlert(long id, Instant at);

    /** Saves how an alert fared on one channel. */
    void saveDelivery(long alertId, Alert.Delivery delivery);

    /** The alerts with a delivery still pending (after a restart, they are retried), oldest first. */
    List<Alert> pendingDeliveries();
}
