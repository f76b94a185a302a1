package io.vitals.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The boot baseline: the same Felix framework with the same framework bundles as a Vitals home's
 * {@code bundle/} (SCR, ConfigAdmin, FileInstall, Log, Metatype, Gogo and their OSGi APIs) and
 * none of Vitals', answering one Gogo command ({@code lb}) and exiting, as {@code bin/vitals <command>} does;
 * with {@code --idle} after the cache folder it stays up after answering, as a serve does, until SIGTERM.
 */
public final class BareFelix {

    private BareFelix() {
    }

    /** Framework bundles are everything in bundle/ that is neither Vitals' nor a library of Vitals'. */
    static boolean isFrameworkBundle(String file) {
        // Felix HTTP is left out: it is there for Vitals' HTTP bundles and needs their SLF4J bridge
        return (file.startsWith("org.apache.felix.") && !file.startsWith("org.apache.felix.http.")) || file.startsWith("org.osgi.")
                || file.startsWith("jline-");
    }

    public static void main(String[] args) {
        try {
            answerLb(args);
        } catch (Exception | LinkageError e) {
            // Felix's threads would keep a failed baseline alive for ever
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void answerLb(String[] args) throws Exception {
        Path bundles = Path.of(args[0]);
        Path cache = Path.of(args[1]);
        boolean idle = args.length > 2 && args[2].equals("--idle");
        // What Vitals' launcher gives the same bundles: a cache cleaned at start, FileInstall polling every
        // 100 ms with no initial delay (its stop waits for the poll), no config write-back
        Framework felix = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, cache.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "gosh.args", "--nointeractive",
                "felix.fileinstall.dir", cache.resolve("watched").toString(),
                "felix.fileinstall.poll", "100",
                "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.enableConfigSave", "false",
                "felix.log.level", "1"));
        felix.init();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(bundles, "*.jar")) {
            for (Path jar : jars) {
                if (isFrameworkBundle(jar.getFileName().toString())) {
                    installed.add(context.installBundle(jar.toUri().toString()));
                }
            }
        }
        felix.start();
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        ServiceReference<?> ref = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ref == null && System.nanoTime() < deadline) {
            ref = context.getServiceReference("org.apache.felix.service.command.CommandProcessor");
            if (ref == null) {
                Thread.sleep(1);
            }
        }
        if (ref == null) {
            throw new IllegalStateException("Gogo's CommandProcessor never came up");
        }
        Object processor = context.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true);
        Method create = processor.getClass().getMethod("createSession", InputStream.class, java.io.OutputStream.class,
                java.io.OutputStream.class);
        Object session = create.invoke(processor, InputStream.nullInputStream(), print, print);
        Object answer = session.getClass().getMethod("execute", CharSequence.class).invoke(session, "lb");
        System.out.print(out);
        System.out.println(answer == null ? "" : answer.toString().lines().count() + " bundles");
        System.out.flush();
        if (idle) { // as a serve idles: up until SIGTERM
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    felix.stop();
                    felix.waitForStop(10_000);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
            felix.waitForStop(0);
            return;
        }
        felix.stop();
        felix.waitForStop(10_000);
        System.exit(0);
    }
}
