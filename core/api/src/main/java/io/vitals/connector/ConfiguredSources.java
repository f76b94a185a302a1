package io.vitals.connector;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds a source from its configuration file, or, when the file is wrong, a stand-in that is
 * listed with the reason and fails every sync with it. A connector component calls this in its
 * activation instead of failing it, so a typo shows up as one line in {@code connector:list}
 * rather than as a source that silently does not exist.
 */
public final class ConfiguredSources {

    /** Properties of the component, not of the source. */
    private static final java.util.Set<String> HIDDEN = java.util.Set.of("service.pid", "service.factoryPid",
            "service.bundleid", "felix.fileinstall.filename", "component.id", "component.name", "objectClass", "service.id",
            "service.scope");

    private ConfiguredSources() {
    }

    /**
     * @param build makes the source; its {@link IllegalArgumentException} is the configuration problem
     */
    public static Source configure(String kind, Map<String, ?> properties, Supplier<? extends Source> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            return new Misconfigured(idOf(properties), kind, SourceSettings.shown(visible(properties)), io.vitals.kpi.Texts.clip(String.valueOf(e.getMessage()), 400));
        }
    }

    private static String idOf(Map<String, ?> properties) {
        try {
            return SourceIds.of(text(properties, "id", ""), text(properties, "felix.fileinstall.filename", ""));
        } catch (IllegalArgumentException e) {
            return text(properties, "service.pid", "unnamed");
        }
    }

    private static String text(Map<String, ?> properties, String key, String fallback) {
        Object v = properties.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    /** The configuration as written, without the platform's own properties; values are references, never secrets. */
    public static Map<String, String> visible(Map<String, ?> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (!HIDDEN.contains(k) && !k.startsWith("component.") && !k.startsWith("felix.")) {
                out.put(k, String.valueOf(v));
            }
        });
        return out;
    }

    private record Misconfigured(String id, String kind, Map<String, String> settings, String reason) implements Source {
        @Override
        public Duration interval() {
            return Duration.ZERO;
        }

        @Override
        public Optional<String> problem() {
            return Optional.of(reason);
        }

        @Override
        public void sync(SyncContext context) throws SourceException {
            throw new SourceException("invalid configuration: " + reason);
        }
    }
}
