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

    @Test
    @Order(5)
    void aJarNamedLikeAPlatformBundleIsRefusedAndTakingItOutLeavesThePlatformAlone() throws IOException {
        Path store;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("bundle"), "vitals-store-*.jar")) {
            store = jars.iterator().next();
        }
        Path impostor = home.resolve("deploy/my-store.jar");
        Files.copy(store, impostor);
        Distribution.await("the impostor to be refused", WITHIN, () -> vitals.status().problems().stream()
                .anyMatch(p -> p.location().equals("deploy/my-store.jar")));
        DeployProblem problem = vitals.status().problems().stream().filter(p -> p.location().equals("deploy/my-store.jar")).findFirst()
                .orElseThrow();
        assertEquals("is named io.vitals.store, as the platform's own bundle bundle/" + store.getFileName()
                + ": deploy/ never replaces a platform bundle; give it a Bundle-SymbolicName of its own", problem.reason());
        assertEquals(CatalogueIT.SHIPPED.size(), kpis.list().size());
        assertTrue(kpis.compute("mrr", MAY).hasValue());
        assertTrue(vitals.status().settled(), "a refused jar is a known problem, not something to wait for");
        Files.delete(impostor);
        Distribution.await("the problem to clear", WITHIN, () -> vitals.status().problems().isEmpty());
        assertEquals(CatalogueIT.SHIPPED.size(), kpis.list().size(), "the store stayed: every KPI is there");
        assertTrue(kpis.compute("nps", KpiQuery.of(Period.month(2026, 4))).hasValue());
    }

    @Test
    @Order(6)
    void filesThatAreNoBundleAreSaidToBeWhatTheyAre() throws IOException {
        Files.write(home.resolve("deploy/empty.jar"), new byte[0]);
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Files.write(home.resolve("deploy/noise.jar"), noise);
        Distribution.await("both to be refused", WITHIN, () -> vitals.status().problems().stream()
                .filter(p -> p.reason().startsWith("is ")).count() == 2);
        java.util.Map<String, String> reasons = new java.util.TreeMap<>();
        vitals.status().problems().forEach(p -> reasons.put(p.location(), p.reason()));
        assertEquals("is empty (0 bytes), not a bundle", reasons.get("deploy/empty.jar"));
        assertTrue(reasons.get("deploy/noise.jar").startsWith("is not a jar file ("), reasons.toString());
        String log = Files.readString(home.resolve("data/log/vitals.log"));
        assertTrue(log.contains("deploy/empty.jar is empty (0 bytes), not a bundle; nothing else changes"), "said in the log too");
        Files.delete(home.resolve("deploy/empty.jar"));
        Files.delete(home.resolve("deploy/noise.jar"));
        Distribution.await("the problems to clear", WITHIN, () -> vitals.status().problems().isEmpty());
    }

    @Test
    @Order(7)
    void aSleepingActivatorHoldsUpNeitherTheOtherFilesNorSettling() throws Exception {
        Path sleepy = home.resolve("deploy/sleepy.jar");
        writeBundle(sleepy, "com.example.sleepy", "Thread.sleep(16_000);");
        Thread.sleep(3000);
        Distribution.write(home.resolve("deploy/late.kpi"), """
                id: late-arrival
                name: Dropped after a sleeping bundle
                category: custom
                unit: count
                direction: neutral
                description: Counts customers.
                sql: SELECT count(*) AS value FROM customers
                """);
        Duration took = Distribution.await("the KPI file dropped after the sleeping bundle", WITHIN,
                () -> kpis.find("late-arrival").isPresent());
        System.out.println("a .kpi file behind a sleeping activator: " + took.toMillis() + " ms");
        Distribution.await("the sleeping bundle to be reported", Duration.ofSeconds(30), () -> vitals.status().problems().stream()
                .anyMatch(p -> p.location().equals("deploy/sleepy.jar") && p.reason().startsWith("still starting after 10 s")));
        assertTrue(vitals.status().settled(), "a start that hangs is a known problem, not something to wait for for ever");
        Files.delete(home.resolve("deploy/late.kpi"));
        try {
            Distribution.await("the sleeper to wake up and start", Duration.ofSeconds(30), () -> vitals.status().problems().isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + vitals.status().problems(), e);
        }
        Files.delete(sleepy);
    }

    @Test
    @Order(8)
    void aThrowingActivatorIsLoggedOnceNotAtEveryScan() throws Exception {
        writeBundle(home.resolve("deploy/thrower.jar"), "com.example.thrower", "throw new IllegalStateException(\"no licence key\");");
        Distribution.await("the failed start to be reported", WITHIN, () -> vitals.status().problems().stream()
                .anyMatch(p -> p.location().equals("deploy/thrower.jar")));
        Thread.sleep(2000); // twenty polls of deploy/
        String log = Files.readString(home.resolve("data/log/vitals.log"));
        int reported = log.split("deploy/thrower.jar did not start: no licence key", -1).length - 1;
        assertEquals(1, reported, "once:\n" + log);
        Files.delete(home.resolve("deploy/thrower.jar"));
    }

    @Test
    @Order(9)
    void anOversizedConfigurationFileIsNotRead() throws Exception {
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 120_000; i++) {
            huge.append("key").append(i).append(" = ").append(i).append('\n');
        }
        Path file = home.resolve("etc/vitals.kpi.csat.cfg");
        Files.writeString(file, huge);
        Distribution.await("the oversized file to be refused in the log", WITHIN, () -> {
            try {
                return Files.readString(home.resolve("data/log/vitals.log")).contains("etc/vitals.kpi.csat.cfg is 2009 KB, more than a configuration file may be (256 KB): it is not read");
            } catch (IOException e) {
                return false;
            }
        });
        long asked = System.nanoTime();
        assertTrue(kpis.compute("csat", MAY).hasValue());
        assertTrue(vitals.execute("kpi:info csat").succeeded());
        assertTrue((System.nanoTime() - asked) / 1e9 < 10, "commands do not stall");
        Files.writeString(file, "satisfiedMin = 5\n");
        Distribution.await("the file, small again, to be read", WITHIN, () -> kpis.find("csat").orElseThrow().definition().parameters()
                .stream().anyMatch(p -> p.name().equals("satisfiedMin") && p.value().equals("5")));
        Files.delete(file);
    }

    /** A bundle whose activator runs {@code start} as its start method, compiled here. */
    static void writeBundle(Path jar, String name, String start) throws IOException {
        Path src = Files.createTempDirectory("vitals-bundle-src");
        String pkg = name;
        Path java = src.resolve(pkg.replace('.', '/') + "/Activator.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "package " + pkg + ";\npublic class Activator implements org.osgi.framework.BundleActivator {\n"
                + "  public void start(org.osgi.framework.BundleContext c) throws Exception { " + start + " }\n"
                + "  public void stop(org.osgi.framework.BundleContext c) { }\n}\n");
        String framework;
        try {
            framework = Path.of(org.osgi.framework.BundleActivator.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", framework, "-d", src.toString(),
                java.toString());
        assertEquals(0, compiled);
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", name);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", pkg + ".Activator");
        a.putValue("Import-Package", "org.osgi.framework");
        Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out, m)) {
            String entry = pkg.replace('.', '/') + "/Activator.class";
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(src.resolve(entry)));
        }
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
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
