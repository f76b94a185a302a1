package io.vitals.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

import io.vitals.alert.Alert;
import io.vitals.alert.UnknownAlertException;
import io.vitals.connector.PageCounts;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.Direction;

/** The engine as DS wires it: a rule added is evaluated, a finished sync evaluates again, the log channel hears the alert. */
class AlertEngineTest {

    final FakeKpis kpis = new FakeKpis().kpi("nps", Direction.HIGHER_IS_BETTER).target("nps", 30, 20.0);
    final MemoryAlertStore store = new MemoryAlertStore();
    final List<String> logged = new CopyOnWriteArrayList<>();
    AlertEngine engine;

    static <T> T annotation(Class<T> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue()));
    }

    @BeforeEach
    void start() {
        Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof String format) {
                String line = format;
                for (int i = 1; i < args.length; i++) {
                    line = line.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(args[i])));
                }
                logged.add(method.getName() + " " + line);
            }
            return null;
        });
        engine = new AlertEngine(kpis, kpis, store, log, annotation(AlertEngine.Config.class, Map.of("intervalSeconds", 0L)), null);
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.deactivate();
    }

    AlertRule rule(String file, Map<String, Object> config) {
        Map<String, Object> values = new java.util.HashMap<>(config);
        values.put("felix_fileinstall_filename", "file:/vitals/etc/" + file);
        return new AlertRule(AlertRuleTest.config(values), Map.of("service.pid", "vitals.alert~" + file));
    }

    @Test
    void aRuleIsEvaluatedWhenAddedAndAgainAfterASync() throws Exception {
        kpis.values.put("nps", 35.0);
        engine.addRule(rule("vitals.alert-nps.cfg", Map.of("kpi", "nps", "confirmations", 1)));
        engine.evaluate(); // waits for the evaluations queued before it
        assertEquals("GREEN", engine.rules().get(0).status());
        assertEquals(List.of(), engine.list(true, 10));

        kpis.values.put("nps", 12.0);
        engine.synced(new SyncReport("billing", Instant.EPOCH, Instant.EPOCH, SyncReport.Outcome.COMPLETE, PageCounts.NONE, null));
        engine.evaluate();
        List<Alert> alerts = engine.list(false, 10);
        assertEquals(1, alerts.size());
        assertEquals("RED", alerts.get(0).to());
        assertEquals("RED", engine.rules().get(0).status());

        long id = alerts.get(0).id();
        assertTrue(engine.ack(id).acked());
        assertEquals(List.of(), engine.list(false, 10));
        assertThrows(UnknownAlertException.class, () -> engine.ack(id + 1));
        long deadline = System.nanoTime() + 20_000_000_000L; // the log channel delivers on its own thread
        while (store.alert(id).orElseThrow().deliveries().get(0).state() == Alert.Delivery.State.PENDING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Alert.Delivery.State.DELIVERED, store.alert(id).orElseThrow().deliveries().get(0).state());
        assertTrue(logged.contains("warn Alert " + id + ": " + alerts.get(0).message()), logged.toString());
    }

    @Test
    void aMisconfiguredRuleIsListedWithItsProblemAndLoggedOnce() {
        engine.addRule(rule("vitals.alert-broken.cfg", Map.of("kpi", "nps", "period", "fortnightly")));
        engine.evaluate();
        engine.evaluate();
        assertEquals("vitals.alert-broken.cfg: period 'fortnightly' is not last-month or last-<n>-days (e.g. last-30-days)",
                engine.rules().get(0).problem());
        assertEquals(1, logged.stream().filter(l -> l.contains("fortnightly")).count(), logged.toString());
    }
}
