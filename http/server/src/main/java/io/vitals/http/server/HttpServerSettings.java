package io.vitals.http.server;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.vitals.http.HttpSettings;
import io.vitals.http.VitalsHttp;

/**
 * Applies {@code etc/vitals.http.cfg} to the Felix HTTP service (its configuration
 * {@code org.apache.felix.http}), so users configure one file with Vitals' own names. The server
 * listens only when the framework property {@value VitalsHttp#SERVE_PROPERTY} is true ({@code bin/vitals
 * serve}); a one-shot command or the interactive shell opens no port. It waits for the file (the
 * distribution ships it): with defaults alone it would listen for a moment on the default port while
 * the file is being read.
 */
@Component(configurationPid = HttpSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = HttpSettings.class)
public class HttpServerSettings {

    static final String FELIX_HTTP_PID = "org.apache.felix.http";

    private final ConfigurationAdmin configurations;
    private final boolean serve;
    private final Logger log;

    @Activate
    public HttpServerSettings(@Reference ConfigurationAdmin configurations, @Reference(service = LoggerFactory.class) Logger log,
            // the port opens only once every request can be guarded (a 503 while starting, not Jetty's own 404 page)
            @Reference(service = org.osgi.service.servlet.whiteboard.Preprocessor.class,
                    target = "(component.name=io.vitals.http.server.RequestGuard)") org.osgi.service.servlet.whiteboard.Preprocessor guard,
            BundleContext context, HttpSettings settings) {
        this.configurations = configurations;
        this.log = log;
        this.serve = Boolean.parseBoolean(context.getProperty(VitalsHttp.SERVE_PROPERTY));
        apply(settings);
    }

    @Modified
    void apply(HttpSettings settings) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("org.apache.felix.http.enable", serve);
        p.put("org.apache.felix.https.enable", false);
        p.put("org.apache.felix.http.host", settings.address());
        p.put("org.osgi.service.http.port", settings.port());
        p.put("org.apache.felix.http.name", "Vitals");
        p.put("org.apache.felix.http.jetty.sendServerHeader", false);
        try {
            Configuration felix = configurations.getConfiguration(FELIX_HTTP_PID, "?");
            felix.updateIfDifferent(p);
        } catch (IOException e) {
            log.error("cannot configure the HTTP server: {}", e.getMessage());
        }
    }
}
