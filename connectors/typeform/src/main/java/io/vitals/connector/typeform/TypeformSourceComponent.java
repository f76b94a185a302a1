package io.vitals.connector.typeform;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One typeform source per configuration file {@code etc/vitals.source.typeform-<id>.cfg}; a file
 * with a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = TypeformSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TypeformSource.Config.class, factory = true)
public class TypeformSourceComponent extends ConfiguredSource {

    @Activate
    public TypeformSourceComponent(TypeformSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure(TypeformSource.KIND, properties, () -> new TypeformSource(config, TypeformSource.home(context)));
    }
}
