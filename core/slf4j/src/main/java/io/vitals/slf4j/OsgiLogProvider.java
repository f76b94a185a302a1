package io.vitals.slf4j;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider: loggers that pass INFO, WARN and ERROR to the OSGi Log Service (which writes
 * one line each to the console and {@code data/log/vitals.log}); DEBUG and TRACE are dropped.
 * Found by slf4j-api's {@code ServiceLoader} in this bundle's own {@code META-INF/services}.
 */
public final class OsgiLogProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private volatile ServiceTracker<LoggerFactory, LoggerFactory> logs;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return name -> loggers.computeIfAbsent(name, n -> new OsgiLogger(n, this::logService));
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        tracker();
    }

    /**
     * The tracker of the Log Service, opened once this bundle has a context: a library may log (and so
     * initialise SLF4J) before this bundle has started, and its messages from then on still arrive.
     */
    private ServiceTracker<LoggerFactory, LoggerFactory> tracker() {
        ServiceTracker<LoggerFactory, LoggerFactory> t = logs;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (logs == null) {
                Bundle bundle = FrameworkUtil.getBundle(OsgiLogProvider.class);
                BundleContext context = bundle == null ? null : bundle.getBundleContext();
                if (context != null) {
                    ServiceTracker<LoggerFactory, LoggerFactory> opened = new ServiceTracker<>(context, LoggerFactory.class, null);
                    opened.open();
                    logs = opened;
                }
            }
            return logs;
        }
    }

    /** The Log Service's logger factory now, or null while there is none. */
    LoggerFactory logService() {
        try {
            ServiceTracker<LoggerFactory, LoggerFactory> t = tracker();
            return t == null ? null : t.getService();
        } catch (IllegalStateException e) {
            return null; // this bundle is stopping
        }
    }
}
