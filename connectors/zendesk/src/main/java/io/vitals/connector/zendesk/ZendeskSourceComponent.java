package io.vitals.connector.zendesk;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One zendesk source per configuration file {@code etc/vitals.source.zendesk-<id>.cfg}; a file with
 * a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = ZendeskSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ZendeskSource.Config.class, factory = true)
public class ZendeskSourceComponent extends ConfiguredSource {

    @Activate
    public ZendeskSourceComponent(ZendeskSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(ZendeskSource.KIND, properties, () -> new ZendeskSource(config, ZendeskSource.home(context)));
    }
}
