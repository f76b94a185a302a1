package io.vitals.runtime.platform;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The jars of {@code deploy/}, installed, updated and uninstalled as FileInstall reports them (it
 * watches and waits for a file to be whole; this does the rest). Ranked above FileInstall's own jar
 * handling, so that:
 * <ul>
 * <li>a jar named like a platform bundle ({@code bundle/}, or the framework) is refused with one line,
 * never allowed to replace or, when it goes, uninstall the platform's;</li>
 * <li>a file that is not a bundle (empty, not a zip, no Bundle-SymbolicName) is said to be so, once;</li>
 * <li>a bundle is started on a thread of its own: an activator that sleeps or blocks holds up neither
 * the other files of {@code deploy/} nor the runtime's settling, and is reported after
 * {@link #SLOW_START_SECONDS};</li>
 * <li>a start that fails is logged once, not at every scan; one that could not resolve is tried again
 * when another bundle comes.</li>
 * </ul>
 */
@Component(service = {ArtifactInstaller.class, DeployedBundles.class}, immediate = true,
        property = Constants.SERVICE_RANKING + ":Integer=1000")
public class DeployedBundles implements ArtifactInstaller, SynchronousBundleListener {

    static final long SLOW_START_SECONDS = 10;

    /** How long a bundle may wait for the bundles it needs before it is said to be unresolvable. */
    static final long UNRESOLVED_GRACE_SECONDS = 2;

    /** Bundle and reason already logged as unresolvable. */
    private final java.util.Set<String> reported = ConcurrentHashMap.newKeySet();

    /** The largest configuration or KPI file read: past it a file is a mistake (120,000 keys stalled every command). */
    static final long MAX_TEXT_FILE_BYTES = 256 * 1024;

    private final BundleContext context;
    private final Logger log;
    private final ExecutorService starting = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vitals-deploy-start");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vitals-deploy-watch");
        t.setDaemon(true);
        return t;
    });
    /** Files refused, with the reason. */
    private final Map<Path, String> refused = new ConcurrentHashMap<>();
    /** Bundles whose start is running, since when (System.nanoTime). */
    private final Map<Long, Long> startsRunning = new ConcurrentHashMap<>();
    /** The reason each bundle last failed to start, so the same reason is logged once. */
    private final Map<Long, String> lastFailure = new ConcurrentHashMap<>();

    @Activate
    public DeployedBundles(BundleContext context, @Reference(service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.log = log;
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        starting.shutdownNow();
        watch.shutdownNow();
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") || oversized(artifact.toPath()).isPresent();
    }

    /** A configuration or KPI file too large to be one: why, or empty. */
    static Optional<String> oversized(Path file) {
        String name = file.getFileName().toString();
        if (!(name.endsWith(".cfg") || name.endsWith(".config") || name.endsWith(".kpi"))) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            return size <= MAX_TEXT_FILE_BYTES ? Optional.empty()
                    : Optional.of("is " + (size / 1024) + " KB, more than a configuration file may be (" + MAX_TEXT_FILE_BYTES / 1024
                            + " KB): it is not read");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void install(File artifact) {
        Path file = path(artifact);
        if (!artifact.getName().endsWith(".jar")) {
            refuse(file, oversized(file).orElse("is not read"));
            return;
        }
        Optional<String> refusal = refusal(file);
        if (refusal.isPresent()) {
            refuse(file, refusal.get());
            return;
        }
        refused.remove(file);
        try (InputStream in = Files.newInputStream(file)) {
            Bundle bundle = context.installBundle(location(file), in);
            forgetFailure(bundle.getBundleId());
            start(bundle);
        } catch (IOException | BundleException | RuntimeException e) {
            String why = oneLine(e);
            refuse(file, "could not be installed: " + (why.contains("No space left on device") ? "disk full (" + why + ")" : why));
        }
    }

    @Override
    public void update(File artifact) {
        Path file = path(artifact);
        if (!artifact.getName().endsWith(".jar")) {
            refuse(file, oversized(file).orElse("is not read"));
            return;
        }
        Bundle bundle = context.getBundle(location(file));
        Optional<String> refusal = refusal(file);
        if (refusal.isPresent()) {
            if (bundle != null) {
                uninstall(artifact);
            }
            refuse(file, refusal.get());
            return;
        }
        if (bundle == null) {
            install(artifact);
            return;
        }
        refused.remove(file);
        try (InputStream in = Files.newInputStream(file)) {
            if (bundle.getState() == Bundle.ACTIVE) {
                bundle.stop(Bundle.STOP_TRANSIENT); // so that update does not start it again on this thread
            }
            bundle.update(in);
            forgetFailure(bundle.getBundleId());
            refresh(bundle, () -> start(bundle));
        } catch (IOException | BundleException | RuntimeException e) {
            log.error("{} could not be updated: {}", display(file), oneLine(e));
        }
    }

    @Override
    public void uninstall(File artifact) {
        Path file = path(artifact);
        if (refused.remove(file) != null) {
            if (Files.exists(file)) {
                // refused before and acceptable now: FileInstall asks for its removal, not for its install;
                // a new time makes it report the file again as a new one
                try {
                    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
                } catch (IOException e) {
                    log.warn("{}: touch it to have it installed ({})", display(file), e.getMessage());
                }
            }
            return;
        }
        Bundle bundle = context.getBundle(location(file));
        if (bundle == null) {
            return;
        }
        try {
            bundle.uninstall();
            forgetFailure(bundle.getBundleId());
            startsRunning.remove(bundle.getBundleId());
            refresh(bundle, () -> { });
        } catch (BundleException | RuntimeException e) {
            log.error("{} could not be uninstalled: {}", display(file), oneLine(e));
        }
    }

    /** Why a file in deploy/ is not taken, or empty when it is a bundle that may be installed. */
    Optional<String> refusal(Path file) {
        Manifest manifest;
        try {
            if (Files.size(file) == 0) {
                return Optional.of("is empty (0 bytes), not a bundle");
            }
            try (JarFile jar = new JarFile(file.toFile())) {
                manifest = jar.getManifest();
            }
        } catch (IOException e) {
            return Optional.of("is not a jar file (" + oneLine(e) + ")");
        }
        String name = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (name == null || name.isBlank()) {
            return Optional.of("is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        String symbolicName = name.split(";")[0].trim();
        String version = Optional.ofNullable(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION)).orElse("0.0.0").trim();
        String here = location(file);
        for (Bundle other : context.getBundles()) {
            if (!symbolicName.equals(other.getSymbolicName()) || other.getLocation().equals(here)) {
                continue;
            }
            Path otherFile = PlatformStatus.fileOf(other.getLocation());
            boolean platform = other.getBundleId() == 0 || otherFile == null || !file.getParent().equals(otherFile.getParent());
            if (platform) {
                return Optional.of("is named " + symbolicName + ", as the platform's own "
                        + (other.getBundleId() == 0 ? "framework" : "bundle " + (otherFile == null ? other.getLocation() : display(otherFile)))
                        + ": deploy/ never replaces a platform bundle; give it a Bundle-SymbolicName of its own");
            }
            if (other.getVersion().toString().equals(org.osgi.framework.Version.parseVersion(version).toString())) {
                return Optional.of("has the name and version of " + display(otherFile) + " (" + symbolicName + " " + version
                        + "): remove one of the two");
            }
        }
        return Optional.empty();
    }

    private void refuse(Path file, String reason) {
        if (!reason.equals(refused.put(file, reason))) {
            log.error("{} {}; nothing else changes", display(file), reason);
        }
    }

    /**
     * Says a bundle cannot be resolved once that is known: its folder's other jars all installed (the one it
     * needs may be the next file of the same scan, later still on a busy machine) and the reason unchanged.
     */
    private void reportUnresolved(Bundle bundle, long id, String reason) {
        watch.schedule(() -> {
            if (bundle.getState() != Bundle.INSTALLED || !reason.equals(lastFailure.get(id))) {
                return; // resolved meanwhile, or failing otherwise
            }
            if (!folderInstalled(bundle) || !startsRunning.isEmpty()) {
                reportUnresolved(bundle, id, reason); // not known yet: look again
                return;
            }
            if (reported.add(id + "\0" + reason)) {
                log.error("{} {}; every other bundle keeps running", display(bundle), reason);
            }
        }, UNRESOLVED_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Every jar in the bundle's folder is installed or refused: nothing more can come from this scan. */
    private boolean folderInstalled(Bundle bundle) {
        Path file = PlatformStatus.fileOf(bundle.getLocation());
        if (file == null || file.getParent() == null) {
            return true;
        }
        try (java.nio.file.DirectoryStream<Path> jars = Files.newDirectoryStream(file.getParent(), "*.jar")) {
            for (Path jar : jars) {
                Path j = jar.toAbsolutePath().normalize();
                if (!refused.containsKey(j) && context.getBundle(location(j)) == null) {
                    return false;
                }
            }
        } catch (IOException e) {
            return true;
        }
        return true;
    }

    private void forgetFailure(long id) {
        lastFailure.remove(id);
        reported.removeIf(k -> k.startsWith(id + "\0"));
    }

    /** Starts the bundle on a thread of its own; a start still running after a while is said to be slow. */
    private void start(Bundle bundle) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null || bundle.getState() == Bundle.UNINSTALLED) {
            return;
        }
        long id = bundle.getBundleId();
        if (startsRunning.putIfAbsent(id, System.nanoTime()) != null) {
            return; // one start at a time
        }
        starting.execute(() -> {
            try {
                bundle.start();
                forgetFailure(id);
            } catch (BundleException | RuntimeException e) {
                if (bundle.getState() == Bundle.INSTALLED) {
                    // the bundle it needs may be the next file of the same scan: said once it has stayed so a while
                    String reason = PlatformStatus.reason(context, bundle);
                    lastFailure.put(id, reason);
                    reportUnresolved(bundle, id, reason);
                } else {
                    String reason = "did not start: " + oneLine(e);
                    if (!reason.equals(lastFailure.put(id, reason))) {
                        log.error("{} {}; every other bundle keeps running", display(bundle), reason, e);
                    }
                }
            } finally {
                startsRunning.remove(id);
            }
        });
        watch.schedule(() -> {
            if (startsRunning.containsKey(id)) {
                log.warn("{} is still starting after {} s: its activator has not returned; the rest of deploy/ goes on",
                        display(bundle), SLOW_START_SECONDS);
            }
        }, SLOW_START_SECONDS, TimeUnit.SECONDS);
    }

    /** A bundle whose start has been running longer than {@link #SLOW_START_SECONDS}: done waiting for, and a problem. */
    boolean slowToStart(Bundle bundle) {
        Long since = startsRunning.get(bundle.getBundleId());
        return since != null && System.nanoTime() - since > TimeUnit.SECONDS.toNanos(SLOW_START_SECONDS);
    }

    /** A bundle whose start is under way (queued or running). */
    boolean starting(Bundle bundle) {
        return startsRunning.containsKey(bundle.getBundleId());
    }

    /** The files refused, with the reason. */
    Map<Path, String> refused() {
        return Map.copyOf(refused);
    }

    private void refresh(Bundle bundle, Runnable then) {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        wiring.refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                then.run();
                retryUnresolved();
            }
        });
    }

    /** Another bundle came: those of deploy/ that could not resolve may now (synchronous, so settling never sees a gap). */
    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.RESOLVED || event.getType() == BundleEvent.STARTED) {
            retryUnresolved();
        }
    }

    private void retryUnresolved() {
        List<Bundle> waiting = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.INSTALLED && lastFailure.containsKey(b.getBundleId()) && !startsRunning.containsKey(b.getBundleId())) {
                waiting.add(b);
            }
        }
        waiting.forEach(this::start);
    }

    static Path path(File artifact) {
        return artifact.toPath().toAbsolutePath().normalize();
    }

    /** The location FileInstall gives a file's bundle, which {@link PlatformStatus#fileOf} reads back. */
    static String location(Path file) {
        return file.toUri().normalize().toString();
    }

    private String display(Bundle bundle) {
        Path file = PlatformStatus.fileOf(bundle.getLocation());
        return file == null ? bundle.getSymbolicName() : display(file);
    }

    private String display(Path file) {
        String home = context.getProperty("vitals.home");
        Path root = home == null ? null : Path.of(home).toAbsolutePath().normalize();
        return root != null && file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
