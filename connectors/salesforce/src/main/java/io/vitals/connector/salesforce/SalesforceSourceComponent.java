package io.vitals.connector.salesforce;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One salesforce source per configuration file {@code etc/vitals.source.salesforce-<id>.cfg}; a
 * file with a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = SalesforceSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SalesforceSource.Config.class, factory = true)
public class SalesforceSourceComponent extends ConfiguredSource {

    @Activate
    public SalesforceSourceComponent(SalesforceSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(SalesforceSource.KIND, properties, () -> new SalesforceSource(config, SalesforceSource.home(context)));
    }
}
