package io.vitals.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Data flows one way: source, connector, sync engine, store, KPI, registry, shell or HTTP. Read from the
 * bundles the build produced: each may import, of Vitals' own packages, the API the host exports and the
 * shared library of its kind, nothing else; and no bundle carries a copy of another's package. Every
 * import that crosses a line is printed with the bundle it is in.
 */
class LayersIT {

    /** What the host exports to every bundle (the API jar: see VitalsRuntime.apiPackages). */
    static final Set<String> API = Set.of("io.vitals.kpi", "io.vitals.model", "io.vitals.store", "io.vitals.connector",
            "io.vitals.alert", "io.vitals.runtime");

    /** Besides the API, by the bundle's symbolic name: the shared libraries each kind may use. */
    static Set<String> allowedBesidesApi(String bundle) {
        if (bundle.startsWith("io.vitals.kpi.")) {
            return Set.of(); // a KPI knows only the API: never a connector, the store's implementation or another KPI
        }
        if (bundle.startsWith("io.vitals.connector.")) {
            return Set.of("io.vitals.connector.tabular"); // the mapping of rows and columns the file and JDBC sources share
        }
        if (bundle.equals("io.vitals.shell")) {
            return Set.of("io.vitals.render"); // no store implementation, no KPI, no connector
        }
        if (bundle.startsWith("io.vitals.http.")) {
            return Set.of("io.vitals.render", "io.vitals.http");
        }
        if (bundle.equals("io.vitals.close")) {
            return Set.of("io.vitals.render"); // a closed month keeps each answer as the API writes it
        }
        return Set.of("io.vitals.sync"); // core: no plugin, connector, shell or HTTP
    }

    static final Pattern VITALS_PACKAGE = Pattern.compile("(?:^|,)(io\\.vitals[\\w.]*)");

    @Test
    void noBundleImportsAcrossALayer() throws IOException {
        Path dist = Distribution.built();
        List<Path> jars = new ArrayList<>();
        for (String folder : List.of("bundle", "deploy")) {
            try (Stream<Path> files = Files.list(dist.resolve(folder))) {
                files.filter(f -> f.getFileName().toString().startsWith("vitals-") && f.toString().endsWith(".jar")).forEach(jars::add);
            }
        }
        List<String> crossings = new ArrayList<>();
        Map<String, Set<String>> holders = new TreeMap<>();
        int bundles = 0;
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                String name = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                String imports = file.getManifest().getMainAttributes().getValue("Import-Package");
                if (name == null) {
                    continue;
                }
                bundles++;
                Set<String> allowed = new TreeSet<>(API);
                allowed.addAll(allowedBesidesApi(name));
                for (String imported : vitalsPackages(imports)) {
                    if (!allowed.contains(imported)) {
                        crossings.add(name + " imports " + imported);
                    }
                }
                file.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/vitals/") && n.endsWith(".class"))
                        .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
                        .forEach(p -> holders.computeIfAbsent(p, k -> new TreeSet<>()).add(name));
            }
        }
        holders.forEach((p, in) -> {
            if (API.contains(p)) {
                crossings.add(in + " carry a copy of the API package " + p);
            } else if (in.size() > 1) {
                crossings.add(in + " each carry the package " + p);
            }
        });
        crossings.forEach(c -> System.out.println("layer crossed: " + c));
        assertTrue(bundles >= 50, "read only " + bundles + " bundles from " + dist);
        assertEquals(List.of(), crossings);
    }

    @Test
    void theHeaderIsReadPackageByPackage() {
        assertEquals(Set.of("io.vitals.kpi", "io.vitals.store.sql"), vitalsPackages(
                "io.vitals.kpi;version=\"[1.1,2)\",io.vitals.store.sql,org.osgi.framework;version=\"[1.10,2)\""));
        assertEquals(Set.of("io.vitals.shell"), Set.copyOf(vitalsPackages("io.vitals.shell;resolution:=optional")));
    }

    /** The io.vitals packages an Import-Package header names (attributes and directives left out). */
    static Set<String> vitalsPackages(String header) {
        Set<String> out = new TreeSet<>();
        if (header == null) {
            return out;
        }
        // quoted version ranges hold commas: drop quoted parts before splitting
        Matcher m = VITALS_PACKAGE.matcher(header.replaceAll("\"[^\"]*\"", "\"\"").replace(" ", ""));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
