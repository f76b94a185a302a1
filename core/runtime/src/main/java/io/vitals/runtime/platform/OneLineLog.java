package io.vitals.runtime.platform;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Writes the platform's log: each warning or error as one line on the console (what failed and
 * why, without a stack trace), and everything at INFO and above, with stack traces, to
 * {@code data/log/vitals.log} (kept to 10 MB and three older files, see {@link LogFile}). Levels come
 * from the framework properties {@code vitals.log.console} and {@code vitals.log.file}.
 */
@Component(immediate = true)
public class OneLineLog implements LogListener {

    private LogLevel consoleLevel = LogLevel.WARN;
    private LogLevel fileLevel = LogLevel.INFO;
    private boolean allEvents;
    private LogFile file;
    private PlatformStatus status;
    private BundleContext context;
    private final List<LogReaderService> readers = new ArrayList<>();

    @Reference(service = io.vitals.runtime.RuntimeStatus.class)
    void setStatus(io.vitals.runtime.RuntimeStatus status) {
        this.status = status instanceof PlatformStatus p ? p : null;
    }

    @Activate
    synchronized void activate(BundleContext context) {
        this.context = context;
        consoleLevel = level(context.getProperty("vitals.log.console"), LogLevel.WARN);
        fileLevel = level(context.getProperty("vitals.log.file"), LogLevel.INFO);
        allEvents = Boolean.parseBoolean(context.getProperty("vitals.log.events"));
        String home = context.getProperty("vitals.home");
        if (home != null) {
            Path path = Path.of(home, "data", "log", "vitals.log");
            try {
                file = new LogFile(path, LogFile.LIMIT);
            } catch (IOException e) {
                System.err.println("vitals: cannot write the log file " + path + ": " + e.getMessage());
            }
        }
        for (LogReaderService reader : readers) {
            replay(reader);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        for (LogReaderService reader : readers) {
            reader.removeLogListener(this);
        }
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // nothing more to write to
            }
            file = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addReader(LogReaderService reader) {
        readers.add(reader);
        reader.addLogListener(this);
    }

    synchronized void removeReader(LogReaderService reader) {
        readers.remove(reader);
        reader.removeLogListener(this);
    }

    /** Entries logged before this component started (the log service keeps a short history). */
    private void replay(LogReaderService reader) {
        List<LogEntry> earlier = new ArrayList<>();
        Enumeration<LogEntry> log = reader.getLog();
        while (log.hasMoreElements()) {
            earlier.add(log.nextElement());
        }
        Collections.reverse(earlier);
        earlier.forEach(this::logged);
    }

    /** Components whose failed start has been said on the console: SCR says it again at every use. */
    private final java.util.Set<String> componentsSaid = new java.util.HashSet<>();

    private static final java.util.regex.Pattern SCR_FAILURE = java.util.regex.Pattern.compile(
            ".*\\[([\\w.$]+)\\(\\d+\\)] : (Error during instantiation of the implementation object|The \\w+ method has thrown an exception)(: (.*))?");

    /** What SCR and the framework say when a consumer asks for a component that failed: the failure itself was said. */
    static boolean consequence(LogEntry entry) {
        String m = entry.getMessage() + (entry.getException() == null ? "" : " " + entry.getException().getMessage());
        return (m.contains("Could not get service from ref") || m.contains("invokeBindMethod : Service not available")
                || m.contains("Service factory returned null"));
    }

    /** The component SCR could not start, named by its class's simple name, or null for any other entry. */
    static String failedComponent(LogEntry entry) {
        String m = entry.getMessage();
        java.util.regex.Matcher matcher = m == null ? null : SCR_FAILURE.matcher(m);
        if (matcher == null || !matcher.matches()) {
            return null;
        }
        String type = matcher.group(1);
        return type.substring(type.lastIndexOf('.') + 1);
    }

    private static String componentCause(LogEntry entry) {
        String cause = entry.getException() != null ? rootMessage(entry.getException()) : null;
        if (cause == null) {
            java.util.regex.Matcher matcher = SCR_FAILURE.matcher(entry.getMessage());
            cause = matcher.matches() && matcher.group(4) != null ? matcher.group(4) : "see the log";
        }
        return cause.replaceFirst("^([\\w.$]+(Exception|Error): )+", "");
    }

    /** Root causes printed lately: one mistake reported by SCR, the framework and a consumer is one line. */
    private final java.util.Map<String, Long> recentCauses = new java.util.LinkedHashMap<>();

    private boolean alreadySaid(LogEntry entry) {
        Throwable e = entry.getException();
        if (e == null) {
            return false;
        }
        String cause = rootMessage(e);
        long now = entry.getTime();
        recentCauses.values().removeIf(at -> now - at > 5_000);
        return recentCauses.put(cause, now) != null;
    }

    /**
     * While the framework stops, components race their own timers (SCR's change count, say) and
     * log what they trip over: that goes to the file, not to the user of a command that succeeded.
     */
    private boolean stopping() {
        try {
            BundleContext c = context;
            return c != null && c.getBundle(0).getState() == Bundle.STOPPING;
        } catch (IllegalStateException gone) {
            return true;
        }
    }

    @Override
    public synchronized void logged(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if (level == LogLevel.AUDIT) {
            // what the platform tells its user (a dataset being loaded): the message alone
            System.err.println("vitals: " + entry.getMessage());
        } else if (consoleLevel.implies(level) && !stopping() && !consequence(entry) && !alreadySaid(entry)) {
            String failed = failedComponent(entry);
            if (failed == null) {
                System.err.println("vitals: " + level.name().toLowerCase(Locale.ROOT) + ": " + oneLine(entry));
            } else if (componentsSaid.add(failed)) {
                System.err.println("vitals: error: " + failed + " could not start: " + componentCause(entry)
                        + " (kpi:list and connector:list show it with the setting to mend)");
            }
        }
        if (file != null && fileLevel.implies(level) && worthAFileLine(entry)) {
            try {
                StringBuilder line = new StringBuilder().append(Instant.ofEpochMilli(entry.getTime())).append(' ')
                        .append(String.format("%-5s", level.name())).append(' ').append(bundleName(entry.getBundle())).append(": ")
                        .append(entry.getMessage()).append('\n');
                if (entry.getException() != null) {
                    StringWriter trace = new StringWriter();
                    entry.getException().printStackTrace(new PrintWriter(trace));
                    line.append(trace);
                }
                file.write(line.toString());
            } catch (IOException e) {
                // the console line above has been written; the file is best effort
            }
        }
    }

    /**
     * The framework logs every service and bundle event at INFO (about 380 lines a start, as many for a
     * one-shot command as for a server): the file keeps a deploy/ jar installed, updated or uninstalled,
     * and framework events above INFO; {@code vitals.log.events = true} keeps them all.
     */
    private boolean worthAFileLine(LogEntry entry) {
        String logger = entry.getLoggerName();
        if (allEvents || logger == null || !logger.startsWith("Events.") || LogLevel.WARN.implies(entry.getLogLevel())) {
            return true;
        }
        return logger.startsWith("Events.Bundle") && isDeployed(entry.getBundle()) && changesWhatIsDeployed(entry.getMessage());
    }

    private static boolean changesWhatIsDeployed(String message) {
        return message != null && (message.endsWith("INSTALLED") || message.endsWith("UPDATED"));
    }

    private boolean isDeployed(Bundle bundle) {
        if (bundle == null || status == null) {
            return false;
        }
        Path file = PlatformStatus.fileOf(bundle.getLocation());
        return file != null && status.isInDeploy(file);
    }

    /** What failed and why, in one line. */
    String oneLine(LogEntry entry) {
        String message = entry.getMessage();
        Throwable e = entry.getException();
        String prefix = "Error while starting bundle: ";
        // The log service hands other bundles' exceptions over wrapped, so match on FileInstall's message.
        if (message != null && message.startsWith(prefix) && status != null) {
            // FileInstall's report of a deploy/ jar that failed: name the jar and the reason.
            String location = message.substring(prefix.length());
            Path jar = PlatformStatus.fileOf(location);
            Bundle bundle = context.getBundle(location);
            String reason = bundle != null && bundle.getState() == Bundle.INSTALLED ? status.reason(bundle) : "did not start: " + rootMessage(e);
            return (jar != null ? status.display(jar) : location) + " " + reason + "; every other bundle keeps running";
        }
        StringBuilder line = new StringBuilder(bundleName(entry.getBundle())).append(": ").append(message);
        if (e != null && (message == null || !message.contains(rootMessage(e).replaceFirst("^[\\w.$]+(Exception|Error): ", "")))) {
            line.append(": ").append(rootMessage(e));
        }
        return line.toString().replace('\n', ' ');
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static String bundleName(Bundle bundle) {
        return bundle == null ? "?" : bundle.getSymbolicName();
    }

    private static LogLevel level(String text, LogLevel fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return LogLevel.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
