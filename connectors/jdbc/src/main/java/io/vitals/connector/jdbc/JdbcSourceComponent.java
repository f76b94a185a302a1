package io.vitals.connector.jdbc;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.connector.ConfiguredSource;
import io.vitals.connector.Source;

/**
 * One jdbc source per configuration file {@code etc/vitals.source.jdbc-<id>.cfg}; a file with
 * a mistake in it gives a source listed as misconfigured, with the reason, instead of none.
 */
@Component(service = Source.class, configurationPid = JdbcSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = JdbcSource.Config.class, factory = true)
public class JdbcSourceComponent extends ConfiguredSource {

    @Activate
    public JdbcSourceComponent(JdbcSource.Config config, Map<String, Object> properties, BundleContext context) {
        configure("jdbc", properties, () -> new JdbcSource(config, properties, JdbcSource.home(context)));
    }
}
