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
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        org.osgi.service.log.Logger log = factory.getLogger(name);
        switch (level) {
            case ERROR -> log.error("{}", message, thrown);
            case WARN -> log.warn("{}", message, thrown);
            case INFO -> log.info("{}", message, thrown);
            default -> log.debug("{}", message, thrown);
        }
    }
}
