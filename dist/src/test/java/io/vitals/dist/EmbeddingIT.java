package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;

/**
 * A larger Java program embedding Vitals: a plain JUnit test, outside OSGi, that starts the runtime
 * from a home folder, is handed the registry as a plain object, computes a KPI and stops.
 */
class EmbeddingIT {

    @TempDir
    Path folder;

    @Test
    void aHostStartsVitalsComputesAKpiAndStopsCleanly() throws Exception {
        Path home = Distribution.copy(folder, 200);
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.today", Distribution.TODAY).start();
        KpiResult nps;
        String json;
        try {
            KpiRegistry registry = vitals.kpis();
            // The registry is an object of the host's own KpiRegistry type: the API is shared, not copied.
            assertEquals(KpiRegistry.class.getClassLoader(), registry.getClass().getInterfaces()[0].getClassLoader());
            nps = registry.compute("nps", KpiQuery.of(Period.parse("2026-01-01", "2026-04-01")));
            json = vitals.execute("kpi:compute nps --from 2026-01-01 --to 2026-04-01 --format json").output();
        } finally {
            vitals.close();
        }
        assertTrue(nps.hasValue());
        assertEquals(nps.value(), new ObjectMapper().readTree(json).get("value").asDouble(), 1e-12);
        assertEquals(Bundle.RESOLVED, vitals.framework().getState(), "the framework has stopped");

        Thread.sleep(200);
        Set<String> leftOver = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
        assertTrue(leftOver.isEmpty(), "threads still running after stop: " + leftOver);
    }

    @Test
    void aFolderThatIsNotAVitalsHomeIsRefusedClearly() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VitalsRuntime.home(folder).start());
        assertFalse(e.getMessage().isBlank());
        assertTrue(e.getMessage().contains("is not a Vitals home"), e.getMessage());
    }
}
