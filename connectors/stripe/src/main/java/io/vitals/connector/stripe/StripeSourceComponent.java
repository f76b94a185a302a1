package io.vitals.connector.stripe;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One stripe source per configuration file {@code etc/vitals.source.stripe-<id>.cfg}; a file with
 * a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = StripeSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StripeSource.Config.class, factory = true)
public class StripeSourceComponent extends ConfiguredSource {

    @Activate
    public StripeSourceComponent(StripeSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure("stripe", properties, () -> new StripeSource(config, StripeSource.home(context)));
    }
}
