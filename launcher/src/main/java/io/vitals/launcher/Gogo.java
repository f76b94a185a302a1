package io.vitals.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * One-shot commands through Gogo's {@code CommandProcessor}, without a terminal: the command's
 * output goes to the given streams and its failure is returned. The Gogo API is not on the host's
 * class path, so it is reached through the classes of the Gogo bundle itself.
 */
final class Gogo {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";

    private final BundleContext context;
    private final Duration timeout;

    Gogo(BundleContext context, Duration timeout) {
        this.context = context;
        this.timeout = timeout;
    }

    /** Gogo calls commands reflectively, so a command's own exception may sit under several wrappers. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A command's name as {@link #runArguments} takes it: {@code scope:name} or a bare name, nothing Gogo would read as syntax. */
    static final java.util.regex.Pattern COMMAND_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*(:[A-Za-z][A-Za-z0-9_.-]*)?");

    /**
     * Runs a command with the arguments exactly as given, never read as Gogo syntax: each is handed over
     * as a session variable, so a quote, a semicolon or a pipe in an argument stays in that argument.
     */
    Throwable runArguments(java.util.List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || !COMMAND_NAME.matcher(argv.get(0)).matches()) {
            return new IllegalArgumentException("not a command name: '" + (argv.isEmpty() ? "" : io.vitals.kpi.Texts.clip(argv.get(0)))
                    + "'; 'vitals help' lists the commands");
        }
        StringBuilder line = new StringBuilder(argv.get(0));
        java.util.Map<String, Object> variables = new java.util.LinkedHashMap<>();
        for (int i = 1; i < argv.size(); i++) {
            String name = "vitals_argument_" + i;
            variables.put(name, argv.get(i));
            line.append(" $").append(name);
        }
        return run(line.toString(), variables, out, err);
    }

    Throwable run(String commandLine, PrintStream out, PrintStream err) {
        return run(commandLine, java.util.Map.of(), out, err);
    }

    private Throwable run(String commandLine, java.util.Map<String, Object> variables, PrintStream out, PrintStream err) {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, PROCESSOR, null);
        // All services: a host may have its own copy of Gogo's API on its class path.
        tracker.open(true);
        try {
            Object processor = tracker.waitForService(timeout.toMillis());
            if (processor == null) {
                return new IllegalStateException("the Gogo command processor is not running");
            }
            ServiceReference<Object> ref = tracker.getServiceReference();
            Class<?> processorType = ref.getBundle().loadClass(PROCESSOR);
            Class<?> sessionType = ref.getBundle().loadClass(SESSION);
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, InputStream.nullInputStream(), out, err);
            try {
                // Vitals' own commands (help, ...) before Felix's of the same name.
                sessionType.getMethod("put", String.class, Object.class).invoke(session, "SCOPE", "vitals:*");
                for (java.util.Map.Entry<String, Object> v : variables.entrySet()) {
                    sessionType.getMethod("put", String.class, Object.class).invoke(session, v.getKey(), v.getValue());
                }
                Object result = sessionType.getMethod("execute", CharSequence.class).invoke(session, commandLine);
                if (result != null) {
                    Method format = sessionType.getMethod("format", Object.class, int.class);
                    out.println(format.invoke(session, result, 0));
                }
                return null;
            } catch (InvocationTargetException e) {
                return unwrap(e);
            } finally {
                sessionType.getMethod("close").invoke(session);
                out.flush();
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ReflectiveOperationException e) {
            return new IllegalStateException("cannot run a command through Gogo: " + e, e);
        } finally {
            tracker.close();
        }
    }
}
