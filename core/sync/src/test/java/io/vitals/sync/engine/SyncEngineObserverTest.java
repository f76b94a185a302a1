package io.vitals.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

import io.vitals.connector.Source;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;
import io.vitals.store.sql.SqlStore;
import io.vitals.testdb.TestStores;

/** The engine tells every SyncObserver when a sync has finished, however it went; one that throws keeps no one else from hearing. */
class SyncEngineObserverTest {

    @TempDir
    Path dir;
    String url;
    SqlStore store;
    SyncEngine engine;
    final List<String> logged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        url = TestStores.url(dir, "observers");
        store = SqlStore.open(url, 1);
        SyncEngine.Config config = (SyncEngine.Config) Proxy.newProxyInstance(SyncEngine.Config.class.getClassLoader(),
                new Class<?>[] {SyncEngine.Config.class}, (proxy, method, args) -> method.getDefaultValue());
        engine = new SyncEngine(store, config, null);
        Field log = SyncEngine.class.getDeclaredField("log");
        log.setAccessible(true);
        log.set(engine, Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            logged.add(method.getName() + " " + (args == null || args.length == 0 ? "" : args[0]));
            return null;
        }));
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.deactivate();
        store.close();
        TestStores.release(url);
    }

    static Source source(String id, boolean fails) {
        return new Source() {
            @Override public String id() { return id; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public Duration interval() { return Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                if (fails) {
                    throw new IllegalStateException("the server hung up");
                }
            }
        };
    }

    @Test
    void everyObserverHearsOfEverySync() {
        List<String> heard = new CopyOnWriteArrayList<>();
        SyncObserver throwing = report -> {
            throw new IllegalStateException("observer trouble");
        };
        engine.addObserver(throwing);
        engine.addObserver(report -> heard.add(report.source() + " " + report.outcome()));
        engine.addSource(source("crm", false));
        engine.addSource(source("billing", true));

        engine.sync("crm", SyncListener.NONE);
        engine.sync("billing", SyncListener.NONE);
        assertEquals(List.of("crm COMPLETE", "billing FAILED"), heard);
        assertEquals(2, logged.stream().filter(l -> l.startsWith("warn A sync observer")).count(), logged.toString());

        engine.removeObserver(throwing);
        engine.sync("crm", SyncListener.NONE);
        assertEquals(List.of("crm COMPLETE", "billing FAILED", "crm COMPLETE"), heard);
        assertEquals(SyncReport.Outcome.COMPLETE, store.lastReport("crm").orElseThrow().outcome(), "the report is saved before observers hear of it");
    }
}
