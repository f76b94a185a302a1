package io.vitals.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiRegistry;
import io.vitals.runtime.RuntimeStatus;

/**
 * The Vitals runtime, started from a home folder: Felix with the platform bundles of
 * {@code bundle/}, FileInstall watching {@code etc/} and {@code deploy/}, and the Gogo shell.
 *
 * <pre>
 * try (VitalsRuntime vitals = VitalsRuntime.home(Path.of("/opt/vitals")).start()) {
 *     KpiResult nps = vitals.kpis().compute("nps", KpiQuery.of(Period.month(2026, 3)));
 * }
 * </pre>
 *
 * The API packages ({@code io.vitals.kpi}, {@code io.vitals.model}, {@code io.vitals.store},
 * {@code io.vitals.runtime}) are exported into the framework from the host's class path, so the
 * registry handed out is a plain Java object of the host's own {@link KpiRegistry} type.
 */
public final class VitalsRuntime implements AutoCloseable {

    /** Bundles only the interactive console needs. */
    private static final Set<String> CONSOLE_ONLY = Set.of("org.apache.felix.gogo.jline", "org.jline");
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /** The framework property that turns the HTTP server on (read by the HTTP server bundle). */
    static final String HTTP_SERVE = "vitals.http.serve";
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";

    private final Home home;
    private final Framework framework;
    private final boolean console;
    private final PrintStream out;
    private final PrintStream err;

    private final FrameworkCache cache;

    private VitalsRuntime(Home home, Framework framework, boolean console, FrameworkCache cache) {
        this.home = home;
        this.framework = framework;
        this.console = console;
        this.cache = cache;
        this.out = System.out;
        this.err = System.err;
    }

    public static Builder home(Path home) {
        return new Builder(home);
    }

    /** How to start: which home, with a console or not, extra framework properties. */
    public static final class Builder {
        private final Path home;
        private boolean console;
        private Duration settleTimeout = Duration.ofMinutes(5);
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(Path home) {
            this.home = home;
        }

        /** Open the interactive Gogo shell on this process's terminal; stopping the shell stops Vitals. */
        public Builder console(boolean console) {
            this.console = console;
            return this;
        }

        /** A framework property, over those in {@code etc/vitals.properties} (e.g. {@code vitals.today}). */
        public Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        /**
         * Serve HTTP (the REST API, {@code /metrics} and the dashboard) on the address and port of
         * {@code etc/vitals.http.cfg}, as {@code bin/vitals serve} does. Off by default: a one-shot
         * command, the interactive shell and an embedding host open no port unless they ask. A serving
         * Vitals also computes the default report ahead of its readers, after start and after syncs
         * ({@code etc/vitals.report.warm.cfg}).
         */
        public Builder http(boolean serve) {
            properties.put(HTTP_SERVE, Boolean.toString(serve));
            return this;
        }

        /** How long {@link #start()} waits for the deploy folder and the components to settle. */
        public Builder settleTimeout(Duration timeout) {
            this.settleTimeout = timeout;
            return this;
        }

        /** Starts the framework and returns once every bundle in {@code deploy/} is up (or known to have failed). */
        public VitalsRuntime start() {
            Home h = new Home(home);
            FrameworkCache cache = FrameworkCache.take(h.data());
            Map<String, String> config = frameworkProperties(h, console, properties);
            config.put(Constants.FRAMEWORK_STORAGE, cache.folder().toString());
            Framework framework = new FrameworkFactory().newFramework(config);
            VitalsRuntime runtime = new VitalsRuntime(h, framework, console, cache);
            try {
                framework.init();
                runtime.installPlatform();
                framework.start();
                runtime.awaitStartLevel(Integer.parseInt(config.get(Constants.FRAMEWORK_BEGINNING_STARTLEVEL)));
                runtime.awaitSettled(settleTimeout);
                runtime.startConsole();
                return runtime;
            } catch (BundleException | RuntimeException e) {
                runtime.close();
                if (DiskSpace.isDiskFull(e)) {
                    throw new IllegalStateException(DiskSpace.describe(h.data(), e), e);
                }
                throw new IllegalStateException("Vitals could not start from " + h.root + ": " + e.getMessage(), e);
            }
        }
    }

    static Map<String, String> frameworkProperties(Home home, boolean console, Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, home.data().resolve("cache").toString());
        // A clean cache on every start: what runs is exactly what bundle/ and deploy/ hold.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiPackages());
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "2");
        p.put("felix.log.level", "1");
        // the OSGi Log Service's own default is WARN: without this, components' INFO lines (syncs, alerts,
        // the report kept warm) never reach data/log/vitals.log, whose level is INFO
        p.put("org.osgi.service.log.admin.loglevel", "INFO");
        p.put("vitals.home", home.root.toString());
        p.put("vitals.deploy", home.deploy().toString());
        p.put("gosh.home", home.root.toString());
        p.put("felix.fileinstall.dir", home.etc() + "," + home.deploy());
        p.put("felix.fileinstall.poll", "100");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.enableConfigSave", "false");
        // deploy/'s jars are installed and started by the runtime's own installer (io.vitals.runtime), ranked above FileInstall's
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.filter", ".*\\.(jar|cfg|config|kpi)");
        p.put("felix.fileinstall.log.level", "2");
        p.put("ds.loglevel", "warn");
        // Felix HTTP listens only once the HTTP server bundle has applied etc/vitals.http.cfg, and only when serving
        p.put("org.apache.felix.http.enable", "false");
        p.put(HTTP_SERVE, "false");
        p.putAll(home.properties());
        p.putAll(overrides);
        if (!console) {
            p.put("gosh.args", "--nointeractive");
        }
        return p;
    }

    /** The Export-Package of the API jar on this class path, so the framework's bundles share the host's API classes. */
    static String apiPackages() {
        try {
            Path where = Path.of(Kpi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Manifest manifest;
            if (Files.isDirectory(where)) {
                try (InputStream in = Files.newInputStream(where.resolve("META-INF/MANIFEST.MF"))) {
                    manifest = new Manifest(in);
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    manifest = jar.getManifest();
                }
            }
            String exports = manifest.getMainAttributes().getValue("Export-Package");
            if (exports == null) {
                throw new IllegalStateException("the Vitals API at " + where + " exports no packages");
            }
            return exports;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the Vitals API's manifest: " + e.getMessage(), e);
        }
    }

    private final List<Bundle> consoleBundles = new ArrayList<>();

    /** The shell opens once the platform has settled, so its prompt is not mixed with start-up messages. */
    private void startConsole() throws BundleException {
        // JLine (3.22 and later) finds its terminal providers as resources of the thread's context class
        // loader, and the shell's thread inherits this one's: the host's class path, which has no JLine.
        // Starting the shell with JLine's own loader lets it find them (else: a dumb terminal, no line editing).
        framework.adapt(FrameworkWiring.class).resolveBundles(consoleBundles);
        ClassLoader jline = consoleBundles.stream()
                .filter(b -> "org.jline".equals(b.getSymbolicName()))
                .map(b -> b.adapt(BundleWiring.class))
                .filter(w -> w != null)
                .map(BundleWiring::getClassLoader)
                .findFirst().orElse(null);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            for (Bundle bundle : consoleBundles) {
                thread.setContextClassLoader(jline != null ? jline : previous);
                bundle.start();
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void installPlatform() throws BundleException {
        BundleContext context = framework.getBundleContext();
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(home.bundles(), "*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + home.bundles(), e);
        }
        jars.sort(null);
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            String name = symbolicName(jar);
            if (name == null || (!console && CONSOLE_ONLY.contains(name))) {
                continue;
            }
            Bundle bundle = context.installBundle(jar.toUri().toString());
            // FileInstall starts after the platform, so the store and registry are up before deploy/ is read.
            bundle.adapt(BundleStartLevel.class).setStartLevel(FILEINSTALL.equals(name) ? 2 : 1);
            (CONSOLE_ONLY.contains(name) ? consoleBundles : installed).add(bundle);
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
    }

    private static String symbolicName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest m = file.getManifest();
            String name = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return name == null ? null : name.split(";")[0].trim();
        } catch (IOException e) {
            return null;
        }
    }

    private void awaitStartLevel(int level) {
        FrameworkStartLevel startLevel = framework.adapt(FrameworkStartLevel.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (startLevel.getStartLevel() < level && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    /**
     * Waits until every jar in {@code deploy/} is active or known to have failed and no component is
     * part-way through activation (a first start loads the demo dataset here).
     */
    public void awaitSettled(Duration timeout) {
        RuntimeStatus status = service(RuntimeStatus.class, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            // settled twice in a row: FileInstall may be between two steps of one scan
            quiet = status.settled() ? quiet + 1 : 0;
            if (quiet >= 2) {
                return;
            }
            sleep(25);
        }
        err.println("vitals: warning: still settling after " + timeout.toSeconds() + " s; carrying on");
    }

    /** The KPI registry: every KPI installed right now. */
    public KpiRegistry kpis() {
        return service(KpiRegistry.class, Duration.ofSeconds(30));
    }

    /** What the platform knows about its own state (settled, deploy problems). */
    public RuntimeStatus status() {
        return service(RuntimeStatus.class, Duration.ofSeconds(30));
    }

    /**
     * The URLs the HTTP server listens on (e.g. {@code http://127.0.0.1:8787/}), once it does; waits
     * up to {@code timeout} for it. Empty when HTTP is off ({@link Builder#http(boolean)}) or the
     * server could not start (the reason is in the log).
     */
    public List<String> httpEndpoints(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            try {
                org.osgi.framework.ServiceReference<?>[] refs = framework.getBundleContext().getAllServiceReferences(HTTP_RUNTIME, null);
                if (refs != null) {
                    for (org.osgi.framework.ServiceReference<?> ref : refs) {
                        Object endpoint = ref.getProperty("osgi.http.endpoint");
                        List<String> urls = endpoint instanceof String[] a ? List.of(a)
                                : endpoint instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toList()
                                : endpoint == null ? List.of() : List.of(endpoint.toString());
                        if (!urls.isEmpty()) {
                            return urls;
                        }
                    }
                }
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            sleep(25);
        } while (System.nanoTime() < deadline);
        return List.of();
    }

    /** The OSGi framework itself, for hosts that need more than the registry. */
    public Framework framework() {
        return framework;
    }

    public Path home() {
        return home.root;
    }

    private <T> T service(Class<T> type, Duration timeout) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(framework.getBundleContext(), type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                throw new IllegalStateException("no " + type.getSimpleName() + " service within " + timeout.toSeconds()
                        + " s; is its bundle in " + home.bundles() + "?");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + type.getSimpleName(), e);
        } finally {
            tracker.close();
        }
    }

    /** What a shell command printed, and the error that ended it, if any. */
    public record CommandOutcome(String output, String errors, Throwable failure) {
        public boolean succeeded() {
            return failure == null;
        }

        /** The failure in one line, as a user should see it. */
        public String failureMessage() {
            if (failure == null) {
                return null;
            }
            String message = failure.getMessage();
            return "error: " + (message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message));
        }
    }

    /** Runs one shell command line through Gogo's command processor, capturing what it prints. */
    public CommandOutcome execute(String commandLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Throwable failure = execute(commandLine, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        return new CommandOutcome(out.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8), failure);
    }

    /** Runs one command line with its output going to the given streams; returns the failure, or null. */
    public Throwable execute(String commandLine, PrintStream output, PrintStream errors) {
        Gogo gogo = new Gogo(framework.getBundleContext(), Duration.ofSeconds(30));
        return gogo.run(commandLine, output, errors);
    }

    /**
     * Runs one command with its arguments exactly as given (as a program's {@code main} receives them):
     * nothing in an argument is read as shell syntax, so a quote or a semicolon cannot start another command.
     */
    public Throwable execute(List<String> commandAndArguments, PrintStream output, PrintStream errors) {
        Gogo gogo = new Gogo(framework.getBundleContext(), Duration.ofSeconds(30));
        return gogo.runArguments(commandAndArguments, output, errors);
    }

    /** Blocks until the framework stops (the console's {@code exit}, or {@link #close()} from elsewhere). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and waits for it: components deactivate, the store closes. */
    @Override
    public void close() {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                framework.stop();
            }
            FrameworkEvent event = framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("vitals: warning: the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            err.println("vitals: warning: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cache.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    PrintStream out() {
        return out;
    }
}
