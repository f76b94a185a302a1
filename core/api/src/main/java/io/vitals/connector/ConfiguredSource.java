package io.vitals.connector;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The shape of a connector's component: it builds its source from the configuration with
 * {@link #configure}, and stands for it; when the configuration is wrong it stands for a source
 * that is listed as misconfigured, with the reason.
 *
 * <pre>
 * &#64;Component(service = Source.class, configurationPid = "vitals.source.file", configurationPolicy = REQUIRE)
 * &#64;Designate(ocd = FileSource.Config.class, factory = true)
 * public class FileSourceComponent extends ConfiguredSource {
 *     &#64;Activate
 *     public FileSourceComponent(FileSource.Config config, Map&lt;String, Object&gt; properties) {
 *         configure("file", properties, () -&gt; new FileSource(config, properties));
 *     }
 * }
 * </pre>
 */
public abstract class ConfiguredSource implements Source {

    private volatile Source source;

    protected final void configure(String kind, Map<String, ?> properties, Supplier<? extends Source> build) {
        source = ConfiguredSources.configure(kind, properties, build);
    }

    /** The source itself (or the misconfigured stand-in). */
    protected final Source source() {
        return source;
    }

    @Override
    public String id() {
        return source.id();
    }

    @Override
    public String kind() {
        return source.kind();
    }

    @Override
    public Map<String, String> settings() {
        return SourceSettings.shown(source.settings());
    }

    @Override
    public Map<String, String> notes() {
        return source.notes();
    }

    @Override
    public Duration interval() {
        return source.interval();
    }

    @Override
    public Optional<String> problem() {
        return source.problem();
    }

    @Override
    public void sync(SyncContext context) throws Exception {
        source.sync(context);
    }
}
