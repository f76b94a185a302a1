package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.runtime.RuntimeStatus.DeployProblem;

/** Jars and configuration files dropped into, replaced in and removed from a running platform. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotDeployIT {

    static final Duration WITHIN = Duration.ofSeconds(10);
    static final KpiQuery MAY = KpiQuery.of(Period.month(2026, 5));

    @TempDir
    static Path folder;
    static Path home;
    static VitalsRuntime vitals;
    static KpiRegistry kpis;

    @BeforeAll
    static void start() {
        home = Distribution.copy(folder, 200);
        vitals = Distribution.start(home);
        kpis = vitals.kpis();
    }

    @AfterAll
    static void stop() {
        if (vitals != null) {
            vitals.close();
        }
    }

    static Path deployed(String artifact) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("deploy"), artifact + "-*.jar")) {
            return jars.iterator().next();
        }
    }

    @Test
    @Order(1)
    void removingAKpiJarRemovesTheKpiAndPuttingItBackRestoresIt() throws IOException {
        Path jar = deployed("vitals-kpi-csat");
        Path aside = folder.resolve(jar.getFileName());
        Files.move(jar, aside);
        Duration gone = Distribution.await("csat to leave the registry", WITHIN, () -> kpis.find("csat").isEmpty());
        assertTrue(kpis.compute("nps", MAY).hasValue(), "the other KPIs keep answering");

        Files.copy(aside, jar);
        Duration back = Distribution.await("csat to come back", WITHIN, () -> kpis.find("csat").isPresent());
        assertTrue(kpis.compute("csat", MAY).hasValue());
        String log = Files.readString(home.resolve("data/log/vitals.log"));
        assertTrue(log.contains("io.vitals.kpi.csat: BundleEvent UNINSTALLED") && log.contains("io.vitals.kpi.csat: BundleEvent INSTALLED"),
                "the log file tells a jar leaving and coming back");
        System.out.println("hot deploy: csat removed in " + gone.toMillis() + " ms, back in " + back.toMillis() + " ms");
    }

    @Test
    @Order(2)
    void replacingAJarUpdatesTheKpi() throws IOException {
        Path jar = deployed("vitals-kpi-nps");
        Path newer = folder.resolve("newer-nps.jar");
        rewriteManifest(jar, newer, m -> m.getMainAttributes().putValue("Bundle-Version", "0.1.1"));
        Files.copy(newer, jar, StandardCopyOption.REPLACE_EXISTING);
        Distribution.await("nps 0.1.1", WITHIN, () -> kpis.find("nps").map(i -> i.version().equals("0.1.1")).orElse(false));
        assertTrue(kpis.compute("nps", MAY).hasValue());
    }

    @Test
    @Order(3)
    void aBrokenJarIsReportedAndEverythingElseKeepsWorking() throws IOException {
        Path broken = home.resolve("deploy/broken-kpi.jar");
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "com.example.broken");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "com.example.nowhere;version=\"[1.0,2)\"");
        try (OutputStream out = Files.newOutputStream(broken); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("needs a package no bundle exports".getBytes());
        }
        Distribution.await("the broken jar to be reported", WITHIN, () -> vitals.status().problems().stream()
                .anyMatch(p -> p.location().endsWith("broken-kpi.jar")));
        DeployProblem problem = vitals.status().problems().get(0);
        assertEquals("deploy/broken-kpi.jar", problem.location());
        assertTrue(problem.reason().contains("missing package com.example.nowhere"), problem.reason());
        assertTrue(vitals.status().settled(), "a failed jar does not keep the runtime from settling");
        assertEquals(CatalogueIT.SHIPPED.size(), kpis.list().size());
        for (String id : new String[] {"nps", "csat", "ces", "customer-churn-rate", "mrr"}) {
            assertTrue(kpis.compute(id, MAY).hasValue(), id);
        }
        Files.delete(broken);
        Distribution.await("the problem to clear", WITHIN, () -> vitals.status().problems().isEmpty());
    }

    @Test
    @Order(4)
    void aConfigurationFileInEtcReconfiguresTheKpi() {
        double before = kpis.compute("nps", MAY).value();
        Distribution.write(home.resolve("etc/vitals.kpi.nps.cfg"), "promoterMin = 8\ndetractorMax = 6\n");
        Distribution.await("nps to use the new cut-off", WITHIN, () -> kpis.find("nps").orElseThrow().definition().parameters()
                .stream().anyMatch(p -> p.name().equals("promoterMin") && p.value().equals("8")));
        assertTrue(kpis.compute("nps", MAY).value() > before, "with 8s as promoters NPS rises");
        assertTrue(vitals.execute("kpi:info nps").output().contains("(default 9)"));
    }

    private static void rewriteManifest(Path from, Path to, java.util.function.Consumer<Manifest> change) throws IOException {
        try (JarFile in = new JarFile(from.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            change.accept(manifest);
            try (OutputStream out = Files.newOutputStream(to); JarOutputStream jar = new JarOutputStream(out, manifest)) {
                var entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(jar);
                    }
                }
            }
        }
    }
}
