package io.vitals.apicheck;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A baseline for exported packages when there is no earlier release to compare with (what bnd's baseline
 * does against a repository): each package with {@code @Export} in its {@code package-info.java} has its
 * public API (public and protected types and members, as {@code toGenericString()} writes them) recorded
 * in {@code src/test/resources/api/<package>.api} together with its {@code @Version}. The check fails when
 * <ul>
 * <li>the API changed and the version did not: a removal or change needs the next major version, an addition the
 * next minor;</li>
 * <li>the version moved less than the change needs;</li>
 * <li>the record is not the API as it is now (run the module's tests with {@code -Dvitals.api.record=true} to write it).</li>
 * </ul>
 */
public final class ApiBaseline {

    private static final Pattern VERSION = Pattern.compile("@Version\\(\"(\\d+)\\.(\\d+)\\.(\\d+)\"\\)");

    private ApiBaseline() {
    }

    /** Checks every exported package of the module whose sources, classes and records are at these paths. */
    public static void check(Path sources, Path classes, Path records) {
        List<String> problems = new ArrayList<>();
        boolean record = Boolean.getBoolean("vitals.api.record");
        for (Path info : packageInfos(sources)) {
            String text = read(info);
            if (!text.contains("@Export")) {
                continue;
            }
            Matcher v = VERSION.matcher(text);
            if (!v.find()) {
                problems.add(info + ": an exported package needs @Version(\"x.y.z\")");
                continue;
            }
            int[] version = {Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)), Integer.parseInt(v.group(3))};
            String pkg = sources.relativize(info.getParent()).toString().replace('/', '.');
            TreeSet<String> api = signature(pkg, classes.resolve(pkg.replace('.', '/')));
            Path file = records.resolve(pkg + ".api");
            if (record) {
                write(file, v.group(1) + "." + v.group(2) + "." + v.group(3), api);
                continue;
            }
            if (!Files.exists(file)) {
                problems.add(pkg + " has no recorded API (" + file + "): run its tests with -Dvitals.api.record=true");
                continue;
            }
            List<String> lines = List.of(read(file).split("\n"));
            String recordedVersion = lines.get(0).replaceFirst("^version ", "").trim();
            int[] was = parse(recordedVersion);
            TreeSet<String> before = new TreeSet<>(lines.subList(1, lines.size()));
            before.remove("");
            TreeSet<String> removed = new TreeSet<>(before);
            removed.removeAll(api);
            TreeSet<String> added = new TreeSet<>(api);
            added.removeAll(before);
            String now = version[0] + "." + version[1] + "." + version[2];
            if (removed.isEmpty() && added.isEmpty()) {
                if (!now.equals(recordedVersion)) {
                    problems.add(pkg + " is " + now + " but its API, recorded at " + recordedVersion
                            + ", did not change: record it again (-Dvitals.api.record=true)");
                }
                continue;
            }
            String change = (removed.isEmpty() ? "" : "removed or changed: " + String.join("; ", removed))
                    + (removed.isEmpty() || added.isEmpty() ? "" : "; ") + (added.isEmpty() ? "" : "added: " + String.join("; ", added));
            boolean major = version[0] > was[0];
            boolean minor = major || (version[0] == was[0] && version[1] > was[1]);
            if (!removed.isEmpty() && !major) {
                problems.add(pkg + " " + recordedVersion + " -> " + now + ": a removal or change needs " + (was[0] + 1) + ".0.0 ("
                        + change + ")");
            } else if (!minor) {
                problems.add(pkg + " " + recordedVersion + " -> " + now + ": an addition needs " + was[0] + "." + (was[1] + 1) + ".0 ("
                        + change + ")");
            } else {
                problems.add(pkg + " moved to " + now + " for its change (" + change + "): record it (-Dvitals.api.record=true)");
            }
        }
        if (!problems.isEmpty()) {
            fail("exported API out of step with its versions:\n  " + String.join("\n  ", problems));
        }
    }

    private static int[] parse(String version) {
        String[] p = version.split("\\.");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    /** The package's public API: one line per public or protected type and member, sorted. */
    static TreeSet<String> signature(String pkg, Path folder) {
        TreeSet<String> lines = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.class$", "");
                if (name.equals("package-info")) {
                    continue;
                }
                Class<?> type = Class.forName(pkg + "." + name, false, ApiBaseline.class.getClassLoader());
                if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass() || !visible(type)) {
                    continue;
                }
                String t = type.getName();
                lines.add(t + " " + typeLine(type));
                for (Field field : type.getDeclaredFields()) {
                    if (visible(field.getModifiers()) && !field.isSynthetic()) {
                        lines.add(t + " " + field.toGenericString());
                    }
                }
                for (Constructor<?> c : type.getDeclaredConstructors()) {
                    if (visible(c.getModifiers()) && !c.isSynthetic()) {
                        lines.add(t + " " + c.toGenericString());
                    }
                }
                for (Method m : type.getDeclaredMethods()) {
                    if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                        lines.add(t + " " + m.toGenericString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }

    private static String typeLine(Class<?> type) {
        StringBuilder b = new StringBuilder(type.toGenericString());
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum() && !type.isRecord()) {
            b.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        for (java.lang.reflect.Type i : type.getGenericInterfaces()) {
            b.append(" implements ").append(i.getTypeName());
        }
        return b.toString();
    }

    private static boolean visible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!visible(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Path> packageInfos(Path sources) {
        try (Stream<Path> all = Files.walk(sources)) {
            return all.filter(p -> p.getFileName().toString().equals("package-info.java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String version, TreeSet<String> api) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "version " + version + "\n" + String.join("\n", api) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
