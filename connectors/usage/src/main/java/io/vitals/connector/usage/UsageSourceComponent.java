package io.vitals.connector.usage;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One usage source per configuration file {@code etc/vitals.source.usage-<id>.cfg}; a file with a
 * mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = UsageSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = UsageSource.Config.class, factory = true)
public class UsageSourceComponent extends ConfiguredSource {

    @Activate
    public UsageSourceComponent(UsageSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(UsageSource.KIND, properties, () -> new UsageSource(config, UsageSource.home(context),
                io.vitals.connector.SourceSettings.allowedRoots(context == null ? null
                        : context.getProperty(io.vitals.connector.SourceSettings.ALLOWED_ROOTS_PROPERTY))));
    }
}
