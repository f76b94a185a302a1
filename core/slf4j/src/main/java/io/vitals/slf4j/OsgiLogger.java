package io.vitals.slf4j;

import java.util.function.Supplier;

import org.osgi.service.log.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One SLF4J logger, writing to the OSGi Log Service under the same name; INFO and above only. */
final class OsgiLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    private final transient Supplier<LoggerFactory> logs;

    OsgiLogger(String name, Supplier<LoggerFactory> logs) {
        this.name = name;
        this.logs = logs;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
        LoggerFactory factory = logs.get();
        if (factory == null) {
            return;
        }
        // the logger's name says which library speaks: every message reaches the log through this bundle
        String message = name + ": " + MessageFormatter.basicArrayFormat(pattern, arguments);
        org.osgi.service.log.Logger log = factory.getLogger(name);
        if (level == Level.WARN && name.startsWith("org.apache.felix.http") && message.contains("HTTP and HTTPS disabled")) {
            // Felix HTTP warns that it is not listening: that is Vitals' normal state unless it serves (bin/vitals serve)
            level = Level.INFO;
        }
        switch (level) {
            case ERROR -> log.error("{}", message, thrown);
            case WARN -> log.warn("{}", message, thrown);
            case INFO -> log.info("{}", message, thrown);
            default -> log.debug("{}", message, thrown);
        }
    }
}
