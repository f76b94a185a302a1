package io.vitals.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitals.alert.Alert;
import io.vitals.alert.Alert.Delivery;
import io.vitals.store.AlertStore;

/** The store's alert tables in memory, for tests of the rules (the SQL tables have their own test in the store). */
final class MemoryAlertStore implements AlertStore {

    /** The recordAlert call (counting from 1) that fails, as a store failing mid-evaluation would; 0: none. */
    int failAtRecord;
    private int records;


    private final Map<String, Map<String, String>> states = new HashMap<>();
    private final Map<Long, Alert> alerts = new LinkedHashMap<>();
    private long next = 1;

    @Override
    public synchronized Map<String, String> alertStates(String rule) {
        return new HashMap<>(states.getOrDefault(rule, Map.of()));
    }

    @Override
    public synchronized void saveAlertStates(String rule, Map<String, String> changes) {
        Map<String, String> s = states.computeIfAbsent(rule, r -> new HashMap<>());
        changes.forEach((k, v) -> {
            if (v == null) {
                s.remove(k);
            } else {
                s.put(k, v);
            }
        });
    }

    @Override
    public synchronized Alert recordAlert(Alert alert, String rule, Map<String, String> changes) {
        if (++records == failAtRecord) {
            throw new IllegalStateException("the disk is full");
        }
        Alert recorded = alert.withId(next++);
        alerts.put(recorded.id(), recorded);
        saveAlertStates(rule, changes);
        return recorded;
    }

    @Override
    public synchronized List<Alert> alerts(boolean includeAcked, int limit) {
        return alerts.values().stream().filter(a -> includeAcked || !a.acked())
                .sorted(Comparator.comparingLong(Alert::id).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized Optional<Alert> alert(long id) {
        return Optional.ofNullable(alerts.get(id));
    }

    @Override
    public synchronized boolean ackAlert(long id, Instant at) {
        Alert a = alerts.get(id);
        if (a == null) {
            return false;
        }
        if (!a.acked()) {
            alerts.put(id, new Alert(a.id(), a.rule(), a.kpi(), a.segment(), a.customerId(), a.from(), a.to(), a.value(),
                    a.target(), a.message(), a.raisedAt(), at, a.deliveries()));
        }
        return true;
    }

    @Override
    public synchronized void saveDelivery(long alertId, Delivery delivery) {
        Alert a = alerts.get(alertId);
        List<Delivery> ds = new ArrayList<>(a.deliveries().stream().filter(d -> !d.channel().equals(delivery.channel())).toList());
        ds.add(delivery);
        ds.sort(Comparator.comparing(Delivery::channel));
        alerts.put(alertId, a.withDeliveries(ds));
    }

    @Override
    public synchronized List<Alert> pendingDeliveries() {
        return alerts.values().stream().filter(a -> a.deliveries().stream().anyMatch(d -> d.state() == Delivery.State.PENDING)).toList();
    }

    synchronized List<Alert> all() {
        return new ArrayList<>(alerts.values());
    }
}
