package io.vitals.connector.file;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One file source per configuration file {@code etc/vitals.source.file-<id>.cfg}; a file with
 * a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = FileSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FileSource.Config.class, factory = true)
public class FileSourceComponent extends ConfiguredSource {

    @Activate
    public FileSourceComponent(FileSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure("file", properties, () -> new FileSource(config, properties, FileSource.home(context),
                io.vitals.connector.SourceSettings.allowedRoots(context == null ? null
                        : context.getProperty(io.vitals.connector.SourceSettings.ALLOWED_ROOTS_PROPERTY))));
    }
}
