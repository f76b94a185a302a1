package io.vitals.connector.delighted;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One delighted source per configuration file {@code etc/vitals.source.delighted-<id>.cfg}; a file
 * with a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = DelightedSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DelightedSource.Config.class, factory = true)
public class DelightedSourceComponent extends ConfiguredSource {

    @Activate
    public DelightedSourceComponent(DelightedSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(DelightedSource.KIND, properties, () -> new DelightedSource(config, DelightedSource.home(context)));
    }
}
