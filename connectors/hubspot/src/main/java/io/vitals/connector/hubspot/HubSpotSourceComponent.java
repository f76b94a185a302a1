package io.vitals.connector.hubspot;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One hubspot source per configuration file {@code etc/vitals.source.hubspot-<id>.cfg}; a file
 * with a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = HubSpotSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HubSpotSource.Config.class, factory = true)
public class HubSpotSourceComponent extends ConfiguredSource {

    @Activate
    public HubSpotSourceComponent(HubSpotSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(HubSpotSource.KIND, properties, () -> new HubSpotSource(config, HubSpotSource.home(context)));
    }
}
