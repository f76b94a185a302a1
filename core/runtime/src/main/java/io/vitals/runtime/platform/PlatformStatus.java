package io.vitals.runtime.platform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.vitals.runtime.RuntimeStatus;

/**
 * Watches the bundles that FileInstall brings in from {@code deploy/} and the components SCR
 * activates, to tell when the runtime has settled and what failed.
 */
@Component(service = RuntimeStatus.class, immediate = true)
public class PlatformStatus implements RuntimeStatus {

    @Reference
    private ServiceComponentRuntime scr;

    @Reference
    private DeployedBundles installer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile org.osgi.service.metatype.MetaTypeService metatype;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configAdmin;

    private BundleContext context;
    private Path deploy;
    private Path etc;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        this.deploy = deployFolder(context);
        String home = context.getProperty("vitals.home");
        this.etc = (home != null ? Path.of(home) : deploy.getParent() != null ? deploy.getParent() : deploy)
                .resolve("etc").toAbsolutePath().normalize();
    }

    static Path deployFolder(BundleContext context) {
        String dir = context.getProperty("vitals.deploy");
        if (dir == null) {
            String home = context.getProperty("vitals.home");
            dir = Path.of(home == null ? "." : home).resolve("deploy").toString();
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    @Override
    public boolean settled() {
        return waitingFor().isEmpty();
    }

    @Override
    public java.util.Optional<String> waitingFor() {
        Map<Path, Bundle> deployed = deployedBundles();
        for (Path jar : jars()) {
            Bundle bundle = deployed.get(jar);
            if (bundle == null) {
                if (isBundle(jar) && !installer.refused().containsKey(jar)) {
                    return java.util.Optional.of("deploy/" + jar.getFileName() + " to be installed");
                }
                continue;
            }
            if (!finished(bundle) && !installer.slowToStart(bundle)) {
                return java.util.Optional.of("deploy/" + jar.getFileName() + " to start");
            }
        }
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() == Bundle.ACTIVE && bundle.getHeaders().get("Service-Component") != null
                    && scr.getComponentDescriptionDTOs(bundle).isEmpty()) {
                return java.util.Optional.of("the components of " + bundle.getSymbolicName() + " to be read");
            }
        }
        if (!configurationsApplied()) {
            return java.util.Optional.of("the configuration files to reach their components");
        }
        if (!kpiFilesLoaded()) {
            return java.util.Optional.of("the KPI files to load");
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.immediate) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.SATISFIED) {
                    return java.util.Optional.of(description.name + " to activate"); // being activated right now
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Every configuration file in etc/ and deploy/ has been read by FileInstall, and each
     * configuration meant for a component has reached it (ConfigAdmin and SCR deliver them on
     * their own threads, so a just-started runtime may not have its sources yet).
     */
    private boolean configurationsApplied() {
        ConfigurationAdmin cm = configAdmin;
        if (cm == null) {
            return true;
        }
        Map<String, Configuration> byFile = new HashMap<>();
        try {
            Configuration[] all = cm.listConfigurations("(felix.fileinstall.filename=*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                java.util.Dictionary<String, Object> props;
                try {
                    props = c.getProperties();
                } catch (IllegalStateException deletedMeanwhile) {
                    continue; // its file was removed between listing and reading
                }
                Object file = props == null ? null : props.get("felix.fileinstall.filename");
                Path path = file == null ? null : fileOf(file.toString());
                if (path != null) {
                    byFile.put(path.toString(), c);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            return true; // nothing we can wait for
        }
        List<ComponentDescriptionDTO> descriptions = new ArrayList<>(scr.getComponentDescriptionDTOs());
        for (Path file : configurationFiles()) {
            Configuration c = byFile.get(file.toString());
            if (c == null) {
                return false; // FileInstall has not read it yet
            }
            String target = c.getFactoryPid() != null ? c.getFactoryPid() : c.getPid();
            List<ComponentDescriptionDTO> users = descriptions.stream()
                    .filter(d -> java.util.Arrays.asList(d.configurationPid).contains(target)).toList();
            if (users.isEmpty()) {
                continue; // not for a component
            }
            boolean applied = users.stream().flatMap(d -> scr.getComponentConfigurationDTOs(d).stream())
                    .anyMatch(cc -> c.getPid().equals(cc.properties.get(Constants.SERVICE_PID))
                            || pidList(cc.properties.get(Constants.SERVICE_PID)).contains(c.getPid()));
            if (!applied) {
                return false;
            }
        }
        return true;
    }

    /** Every declared KPI file in deploy/ has become a KPI or a problem (a service naming the file as its origin). */
    private boolean kpiFilesLoaded() {
        List<String> origins = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(vitals.kpi.origin=*)");
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                origins.add(String.valueOf(ref.getProperty("vitals.kpi.origin")));
            }
        } catch (InvalidSyntaxException e) {
            return true;
        }
        if (!Files.isDirectory(deploy)) {
            return true;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(deploy, "*.kpi")) {
            for (Path file : files) {
                if (origins.stream().noneMatch(o -> file.toAbsolutePath().normalize().endsWith(o))) {
                    return false;
                }
            }
        } catch (IOException e) {
            return true;
        }
        return true;
    }

    private static List<String> pidList(Object pids) {
        if (pids instanceof String[] many) {
            return List.of(many);
        }
        if (pids instanceof java.util.Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private List<Path> configurationFiles() {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(etc, deploy)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{cfg,config}")) {
                stream.forEach(p -> files.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                // a folder we cannot list has nothing we can wait for
            }
        }
        return files;
    }

    /** Active, or a fragment that is resolved, or a start that was tried and failed. */
    private boolean finished(Bundle bundle) {
        int state = bundle.getState();
        if (state == Bundle.ACTIVE || (isFragment(bundle) && state == Bundle.RESOLVED)) {
            return true;
        }
        if (state == Bundle.STARTING || state == Bundle.STOPPING || installer.starting(bundle)) {
            return false;
        }
        BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
        return startLevel != null && startLevel.isPersistentlyStarted();
    }

    @Override
    public List<DeployProblem> problems() {
        List<DeployProblem> problems = new ArrayList<>();
        Map<Path, Bundle> deployed = deployedBundles();
        for (Map.Entry<Path, Bundle> e : deployed.entrySet()) {
            Bundle bundle = e.getValue();
            if (installer.slowToStart(bundle)) {
                problems.add(new DeployProblem(display(e.getKey()), "still starting after " + DeployedBundles.SLOW_START_SECONDS
                        + " s: its activator has not returned"));
            } else if (finished(bundle) && bundle.getState() != Bundle.ACTIVE && !isFragment(bundle)) {
                problems.add(new DeployProblem(display(e.getKey()), reason(bundle)));
            }
        }
        Map<Path, String> refused = installer.refused();
        for (Path jar : jars()) {
            if (refused.containsKey(jar)) {
                problems.add(new DeployProblem(display(jar), refused.get(jar)));
            } else if (!deployed.containsKey(jar) && !isBundle(jar)) {
                problems.add(new DeployProblem(display(jar), "not an OSGi bundle (no Bundle-SymbolicName in its manifest)"));
            }
        }
        return problems;
    }

    @Override
    public List<ComponentProblem> components() {
        List<ComponentProblem> out = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                if (c.state != ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    continue;
                }
                Object file = c.properties.get("felix.fileinstall.filename");
                Path path = file == null ? null : fileOf(file.toString());
                Map<String, String> properties = new java.util.TreeMap<>(ComponentFailures.text(description.properties));
                properties.putAll(ComponentFailures.text(c.properties));
                out.add(new ComponentProblem(description.name, path == null ? null : display(path), properties,
                        ComponentFailures.reason(context.getBundle(description.bundle.id), c, metatype)));
            }
        }
        return out;
    }

    /** Why a bundle is not active, in words: the packages nobody exports, or that its start failed. */
    String reason(Bundle bundle) {
        return reason(context, bundle);
    }

    static String reason(BundleContext context, Bundle bundle) {
        if (bundle.getState() == Bundle.INSTALLED) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
            List<String> missing = new ArrayList<>();
            if (revision != null) {
                for (BundleRequirement requirement : revision.getDeclaredRequirements(null)) {
                    String resolution = requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
                    if (Namespace.RESOLUTION_OPTIONAL.equals(resolution)) {
                        continue;
                    }
                    if (wiring.findProviders(requirement).isEmpty()) {
                        missing.add(describe(requirement));
                    }
                }
            }
            return missing.isEmpty() ? "cannot be resolved" : "cannot be resolved: missing " + String.join("; ", missing);
        }
        return "did not start (the log has the exception)";
    }

    private static String describe(BundleRequirement requirement) {
        String filter = requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        String namespace = requirement.getNamespace();
        if (namespace.equals("osgi.wiring.package")) {
            return "package " + filter.replaceAll(".*osgi\\.wiring\\.package=([^)]+).*", "$1")
                    + versionOf(filter) + " (no installed bundle exports it)";
        }
        return namespace + " " + filter;
    }

    /** "(&(version>=1.0.0)(!(version>=2.0.0)))" reads as " [1.0.0, 2.0.0)". */
    private static String versionOf(String filter) {
        java.util.regex.Matcher low = java.util.regex.Pattern.compile("\\(version>=([^)]+)\\)").matcher(filter);
        java.util.regex.Matcher high = java.util.regex.Pattern.compile("\\(!\\(version>=([^)]+)\\)\\)").matcher(filter);
        if (!low.find()) {
            return "";
        }
        return high.find() ? " [" + low.group(1) + ", " + high.group(1) + ")" : " " + low.group(1) + " or later";
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get("Fragment-Host") != null;
    }

    String display(Path jar) {
        Path home = deploy.getParent();
        return home != null && jar.startsWith(home) ? home.relativize(jar).toString() : jar.toString();
    }

    boolean isInDeploy(Path file) {
        return deploy.equals(file.getParent());
    }

    /** The bundles whose location is a file in deploy/, by that file. */
    Map<Path, Bundle> deployedBundles() {
        Map<Path, Bundle> out = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            Path file = fileOf(bundle.getLocation());
            if (file != null && isInDeploy(file)) {
                out.put(file, bundle);
            }
        }
        return out;
    }

    static Path fileOf(String location) {
        try {
            if (location.startsWith("file:")) {
                return Path.of(URI.create(location)).toAbsolutePath().normalize();
            }
        } catch (IllegalArgumentException e) {
            // a location we do not manage
        }
        return null;
    }

    private List<Path> jars() {
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(deploy)) {
            return jars;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(deploy, "*.jar")) {
            stream.forEach(p -> jars.add(p.toAbsolutePath().normalize()));
        } catch (IOException e) {
            // a folder we cannot list has nothing we can wait for
        }
        return jars;
    }

    private static boolean isBundle(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Bundle-SymbolicName") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
