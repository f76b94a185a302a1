package io.vitals.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;

import io.vitals.connector.SyncReport;
import io.vitals.connector.SyncService;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.launcher.VitalsRuntime;
import io.vitals.store.DataWriter;
import io.vitals.launcher.VitalsRuntime.CommandOutcome;

/**
 * {@code benchmark/run}: generates the standard datasets at fixed seeds and measures Vitals against
 * a baseline measured in the same run (bare Felix for boot, the database's own shell running the
 * same SQL on the same data for every KPI, {@code sqlite3 .import} for ingest), then writes
 * BENCHMARKS.md. With {@code --postgres} the datasets and KPIs run on a PostgreSQL server instead.
 */
public final class Benchmark {

    /** A standard dataset: the demo generator at a fixed seed, a size, and survey and usage rates. */
    record Size(String name, int customers, int usagePerCustomer, int npsEveryDays) {
        String spec() {
            return "customers=" + customers + " seed=" + SEED + " today=" + TODAY + " months=24 usagePerCustomer="
                    + usagePerCustomer + " npsEveryDays=" + npsEveryDays;
        }
    }

    static final long SEED = 2026;
    static final LocalDate TODAY = LocalDate.parse("2026-11-01");
    static final Period MONTH = Period.month(2026, 10);
    static final List<Size> SIZES = List.of(
            new Size("small", 10_000, 30, 17),
            new Size("medium", 100_000, 30, 17),
            new Size("large", 1_000_000, 30, 17));
    static final String SQLITE3 = "sqlite3";

    private final Path dist;
    private final Path work;
    private final int runs;
    private final StoreUnderTest store;
    private final Markdown md = new Markdown();
    private boolean bootOnly;

    Benchmark(Path dist, Path work, int runs, StoreUnderTest store) {
        this.dist = dist;
        this.work = work;
        this.runs = runs;
        this.store = store;
    }

    public static void main(String[] argv) throws Exception {
        try {
            run(argv);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] argv) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--dist", "dist/target/vitals", "--work", "benchmark/target/work",
                "--sizes", "small,medium,large", "--runs", "5", "--out", "BENCHMARKS.md", "--postgres", "", "--only", ""));
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--help") || !options.containsKey(argv[i]) || i + 1 == argv.length) {
                System.out.println("usage: benchmark/run [--sizes small,medium,large] [--runs 5] [--out BENCHMARKS.md]"
                        + " [--work benchmark/target/work] [--dist dist/target/vitals] [--postgres jdbc:postgresql://host:port/database]"
                        + " [--only boot]");
                System.exit(argv[i].equals("--help") ? 0 : 2);
            }
            options.put(argv[i], argv[++i]);
        }
        List<Size> sizes = new ArrayList<>();
        for (String name : options.get("--sizes").split(",")) {
            sizes.add(SIZES.stream().filter(s -> s.name().equals(name.trim())).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown size '" + name + "'; the sizes are small, medium, large")));
        }
        int runs;
        try {
            runs = Integer.parseInt(options.get("--runs"));
        } catch (NumberFormatException e) {
            runs = 0;
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be a whole number of at least 1; got '" + options.get("--runs") + "'");
        }
        Benchmark benchmark = new Benchmark(Path.of(options.get("--dist")).toAbsolutePath(),
                Path.of(options.get("--work")).toAbsolutePath(), runs,
                options.get("--postgres").isBlank() ? new StoreUnderTest.Sqlite() : new StoreUnderTest.Postgres(options.get("--postgres")));
        String only = options.get("--only");
        if (!only.isBlank() && !only.equals("boot")) {
            throw new IllegalArgumentException("--only takes boot (the boot, beside-serve and idle sections on the first size); got '" + only + "'");
        }
        benchmark.bootOnly = only.equals("boot");
        String report = benchmark.run(sizes);
        Files.writeString(Path.of(options.get("--out")), report);
        System.out.println("\nWritten to " + options.get("--out"));
    }

    String run(List<Size> sizes) throws Exception {
        if (!Files.isExecutable(dist.resolve("bin/vitals"))) {
            throw new IllegalStateException("no distribution at " + dist + "; build it first: mvn -q -DskipTests package");
        }
        Files.createDirectories(work);
        md.line("# Benchmarks").line();
        md.line("Written by `benchmark/run --sizes " + String.join(",", sizes.stream().map(Size::name).toList()) + " --runs "
                + runs + (store instanceof StoreUnderTest.Postgres ? " --postgres ..." : "") + (bootOnly ? " --only boot" : "") + "` on " + ZonedDateTime.now(ZoneOffset.UTC).withNano(0) + ". Every number comes with its baseline,"
                + " measured in the same run on the same machine; ratios are Vitals ÷ baseline (below 1: Vitals is faster)."
                + " Times are medians of " + runs + " warm runs after one warm-up unless said otherwise.").line();
        machine();
        Map<Size, Path> homes = new LinkedHashMap<>();
        md.line("## Datasets").line();
        md.line("The demo generator (`demo:generate`, seed " + SEED + ", 24 months up to " + TODAY + ") through the store's"
                + " own batch writer; a dataset already generated with the same settings is reused.").line();
        md.line("| dataset | customers | subscriptions | invoices | survey responses | tickets | usage events | all rows | on disk | generated in |");
        md.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Size size : sizes) {
            homes.put(size, dataset(size));
        }
        md.line();
        Path first = homes.values().iterator().next();
        boot(first);
        if (bootOnly) {
            return md.toString();
        }
        for (Map.Entry<Size, Path> e : homes.entrySet()) {
            kpis(e.getKey(), e.getValue(), e.getKey() == sizes.get(0));
        }
        ingest(sizes.get(0), first);
        return md.toString();
    }

    // ---- machine

    private void machine() throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").orElse("unknown");
        String os = Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                .findFirst().map(l -> l.substring(13).replace("\"", "")).orElse(System.getProperty("os.name"));
        md.line("## Machine").line();
        md.line("| | |").line("|---|---|");
        md.line("| CPU | " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores |");
        md.line("| memory | " + memory + " |");
        md.line("| OS | " + os + " |");
        md.line("| Java | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", benchmark JVM -Xmx" + Runtime.getRuntime().maxMemory() / 1024 / 1024 + "m |");
        md.line(store.versions(dist)).line();
    }

    // ---- datasets

    private Path dataset(Size size) throws IOException, InterruptedException {
        Path home = work.resolve(store.homeName(size));
        Path stamp = home.resolve("dataset.properties");
        Properties facts = new Properties();
        if (Files.exists(stamp)) {
            try (var in = Files.newBufferedReader(stamp)) {
                facts.load(in);
            }
        }
        String spec = size.spec() + store.spec(size);
        if (!spec.equals(facts.getProperty("spec")) || !Files.exists(home.resolve("etc")) || !store.holdsData(home, size)) {
            System.out.println("== generating the " + size.name() + " dataset (" + size.spec() + ")");
            Files.createDirectories(work);
            deleteTree(home);
            copyTree(dist, home);
            deleteTree(home.resolve("data"));
            store.prepare(home, size);
            Files.writeString(home.resolve("etc/vitals.demo.cfg"), "loadWhenEmpty = false\n");
            long started = System.nanoTime();
            int exit = Processes.inherit(List.of(home.resolve("bin/vitals").toString(), "demo:generate",
                    "--customers", String.valueOf(size.customers()), "--seed", String.valueOf(SEED),
                    "--today", TODAY.toString(), "--months", "24",
                    "--usage-per-customer", String.valueOf(size.usagePerCustomer()),
                    "--nps-every", String.valueOf(size.npsEveryDays())));
            if (exit != 0) {
                throw new IllegalStateException("demo:generate failed for " + size.name());
            }
            facts = new Properties();
            facts.setProperty("spec", spec);
            facts.setProperty("seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            for (String table : List.of("customers", "subscriptions", "invoices", "survey_responses", "tickets", "usage_events")) {
                facts.setProperty(table, store.scalar(home, size, "SELECT count(*) FROM " + table));
            }
            facts.setProperty("all", store.scalar(home, size, "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM customer_attributes)"
                    + " + (SELECT count(*) FROM subscriptions) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM survey_responses)"
                    + " + (SELECT count(*) FROM tickets) + (SELECT count(*) FROM users) + (SELECT count(*) FROM usage_events)"
                    + " + (SELECT count(*) FROM deals) + (SELECT count(*) FROM advocacy_events)"
                    + " + (SELECT count(*) FROM onboarding_milestones) + (SELECT count(*) FROM costs)"));
            try (Writer out = Files.newBufferedWriter(stamp)) {
                facts.store(out, "the dataset in the store this home is configured for");
            }
        }
        // A reused dataset runs the code and framework settings just built, not those it was generated with.
        for (String code : List.of("bin", "lib", "bundle", "deploy")) {
            deleteTree(home.resolve(code));
            copyTree(dist.resolve(code), home.resolve(code));
        }
        Files.writeString(home.resolve("etc/vitals.properties"), Files.readString(dist.resolve("etc/vitals.properties"))
                + "\nvitals.today = " + TODAY + "\n");
        long bytes = store.bytes(home, size);
        md.line("| " + size.name() + " | " + n(facts, "customers") + " | " + n(facts, "subscriptions") + " | " + n(facts, "invoices")
                + " | " + n(facts, "survey_responses") + " | " + n(facts, "tickets") + " | " + n(facts, "usage_events") + " | "
                + n(facts, "all") + " | " + String.format(Locale.ROOT, "%,d MB", bytes / 1_000_000) + " | "
                + facts.getProperty("seconds") + " s |");
        return home;
    }

    private static String n(Properties facts, String key) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(facts.getProperty(key, "0")));
    }


    // ---- boot

    /** The JVM flags bin/vitals gives every mode (its JVM_FLAGS line), so the baseline runs with the same. */
    static List<String> jvmFlags(Path home) throws IOException {
        for (String line : Files.readAllLines(home.resolve("bin/vitals"))) {
            if (line.startsWith("JVM_FLAGS=\"")) {
                return List.of(line.substring("JVM_FLAGS=\"".length(), line.lastIndexOf('"')).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException(home.resolve("bin/vitals") + " has no JVM_FLAGS line");
    }

    private List<String> bareFelix(Path home, String... more) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = home.resolve("lib") + "/*:" + Path.of(BareFelix.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> bare = new ArrayList<>(List.of(java, "-Xmx256m"));
        bare.addAll(jvmFlags(home));
        bare.addAll(List.of("-cp", classPath, BareFelix.class.getName(), home.resolve("bundle").toString(),
                work.resolve("bare-felix-cache").toString()));
        bare.addAll(List.of(more));
        return bare;
    }

    private void boot(Path home) throws IOException, InterruptedException {
        System.out.println("== boot");
        List<String> vitals = List.of(home.resolve("bin/vitals").toString(), "kpi:compute", "nps", "--from", MONTH.from().toString(),
                "--to", MONTH.to().toString());
        List<String> bare = bareFelix(home);
        List<Processes.Measured> ours = new ArrayList<>();
        List<Processes.Measured> theirs = new ArrayList<>();
        for (int i = 0; i <= runs; i++) { // alternate, so both see the same machine; the first of each warms the file cache
            Processes.Measured a = Processes.measured(vitals);
            Processes.Measured b = Processes.measured(bare);
            if (i > 0) {
                ours.add(a);
                theirs.add(b);
            }
        }
        String answer = Processes.output(vitals).trim();
        md.line("## Boot").line();
        md.line("From launch to exit of a one-shot command, as a new process each time. Vitals: `bin/vitals kpi:compute nps"
                + " --from " + MONTH.from() + " --to " + MONTH.to() + "` on the " + home.getFileName() + " dataset (answer: `"
                + String.join(" · ", answer.lines().map(String::strip).filter(l -> !l.isEmpty()).limit(2).toList()) + "`). Baseline: bare Felix 7.0.5 with the same framework bundles (SCR,"
                + " ConfigAdmin, FileInstall, Log, Metatype, Gogo runtime/command/jline, OSGi promise/function/component) and none"
                + " of Vitals', answering Gogo's `lb` (`io.vitals.benchmark.BareFelix`). Both the same way: the JVM flags of `bin/vitals`"
                + " (`-Xmx256m " + String.join(" ", jvmFlags(home)) + "`, `MALLOC_ARENA_MAX=2`), a framework cache cleaned at start,"
                + " FileInstall polling every 100 ms, and the same exit (the framework stopped and waited for, then exit)."
                + " CPU is user + system of the whole process; memory is its peak resident set.").line();
        md.line("| median | Vitals | bare Felix | ratio | Vitals − bare Felix |").line("|---|---:|---:|---:|---:|");
        row("wall", ours, theirs, Processes.Measured::seconds, "%.2f s");
        row("CPU", ours, theirs, Processes.Measured::cpuSeconds, "%.2f s");
        row("peak RSS", ours, theirs, m -> m.peakKb() / 1024.0, "%.0f MiB");
        md.line();
        besideServe(home, vitals, theirs);
        idle(home);
    }

    private void row(String what, List<Processes.Measured> ours, List<Processes.Measured> theirs,
            java.util.function.ToDoubleFunction<Processes.Measured> value, String format) {
        double a = Stats.median(ours.stream().map(value::applyAsDouble).toList());
        double b = Stats.median(theirs.stream().map(value::applyAsDouble).toList());
        md.line(String.format(Locale.ROOT, "| %s | " + format + " | " + format + " | %.2f | " + format + " |", what, a, b, a / b, a - b));
    }

    /** The same one-shot command while a serve runs on the home: the serve answers it over its command socket. */
    private void besideServe(Path home, List<String> vitals, List<Processes.Measured> bareFelix) throws IOException, InterruptedException {
        Path http = home.resolve("etc/vitals.http.cfg");
        String before = Files.exists(http) ? Files.readString(http) : null;
        Files.writeString(http, "address = 127.0.0.1\nport = " + freePort() + "\n");
        Process serve = startServe(home);
        try {
            List<Processes.Measured> beside = new ArrayList<>();
            for (int i = 0; i <= runs; i++) {
                Processes.Measured t = Processes.measured(vitals);
                if (i > 0) {
                    beside.add(t);
                }
            }
            md.line("Beside a running `bin/vitals serve` on the same home, the same command is answered by the serve over its"
                    + " command socket (`data/serve/commands.sock`): the process starts no framework. Wall and CPU are the"
                    + " command's own process (the serve's share is not in them).").line();
            md.line("| median | one-shot beside serve | bare Felix | ratio | difference |").line("|---|---:|---:|---:|---:|");
            row("wall", beside, bareFelix, Processes.Measured::seconds, "%.2f s");
            row("CPU", beside, bareFelix, Processes.Measured::cpuSeconds, "%.2f s");
            md.line();
        } finally {
            stop(serve);
            if (before == null) {
                Files.deleteIfExists(http);
            } else {
                Files.writeString(http, before);
            }
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process startServe(Path home) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/vitals").toString(), "serve").redirectErrorStream(true);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process serve = pb.start();
        awaitLine(serve, "vitals: serving");
        return serve;
    }

    /** Reads the process's output until a line starts with this; the rest is drained on a thread of its own. */
    private static void awaitLine(Process process, String start) throws IOException {
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith(start)) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException gone) {
                        // it ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("the process ended before it printed '" + start + "'");
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Seconds a serve and the baseline idle before their resident memory is read. */
    static final int IDLE_SECONDS = 30;

    /** Resident memory of an idle serve (the report kept warm computed, no requests) against bare Felix idling as long. */
    private void idle(Path home) throws IOException, InterruptedException {
        Path http = home.resolve("etc/vitals.http.cfg");
        String before = Files.exists(http) ? Files.readString(http) : null;
        Files.writeString(http, "address = 127.0.0.1\nport = " + freePort() + "\n");
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        try {
            for (int i = 0; i < Math.min(runs, 3); i++) {
                Process serve = startServe(home);
                try {
                    Thread.sleep(IDLE_SECONDS * 1000L);
                    ours.add(residentKb(serve) / 1024.0);
                } finally {
                    stop(serve);
                }
                ProcessBuilder pb = new ProcessBuilder(bareFelix(home, "--idle")).redirectErrorStream(true);
                pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
                Process bare = pb.start();
                try {
                    awaitLine(bare, "");
                    Thread.sleep(IDLE_SECONDS * 1000L);
                    theirs.add(residentKb(bare) / 1024.0);
                } finally {
                    stop(bare);
                }
            }
        } finally {
            if (before == null) {
                Files.deleteIfExists(http);
            } else {
                Files.writeString(http, before);
            }
        }
        md.line("Idle: `bin/vitals serve` on the " + home.getFileName() + " dataset, " + IDLE_SECONDS + " s after it said it serves"
                + " (the report kept warm is computed by then; no requests), against bare Felix idling as long after its `lb`;"
                + " resident memory (VmRSS), median of " + ours.size() + ".").line();
        double a = Stats.median(ours);
        double b = Stats.median(theirs);
        md.line("| | serve idle | bare Felix idle | ratio | difference |").line("|---|---:|---:|---:|---:|");
        md.line(String.format(Locale.ROOT, "| RSS | %.0f MiB | %.0f MiB | %.2f | %.0f MiB |", a, b, a / b, a - b)).line();
    }

    private static long residentKb(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    // ---- KPIs, the report, memory, hot deploy

    private void kpis(Size size, Path home, boolean hotDeployHere) throws Exception {
        System.out.println("== KPIs on " + size.name());
        KpiQuery query = KpiQuery.of(MONTH);
        Path trace = work.resolve(size.name() + "-trace.sql");
        Files.deleteIfExists(trace);
        Map<String, String> scripts = new TreeMap<>();
        Map<String, String> failures = new TreeMap<>();
        // The first two passes measure computation: the registry keeps no answers in them.
        Path registryCfg = home.resolve("etc/vitals.registry.cfg");
        Files.writeString(registryCfg, "# written by the benchmark while it measures computation\nkeptResults = 0\n");
        // First pass, tracing: the SQL each KPI runs, as it runs, for the database's own shell.
        try (VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.store.trace", trace.toString())
                .property("vitals.today", TODAY.toString()).settleTimeout(Duration.ofMinutes(5)).start()) {
            for (KpiInfo info : vitals.kpis().list()) {
                long before = Files.exists(trace) ? Files.size(trace) : 0;
                try {
                    vitals.kpis().compute(info.id(), query);
                } catch (RuntimeException e) {
                    failures.put(info.id(), e.getMessage());
                    continue;
                }
                try (var in = Files.newInputStream(trace)) {
                    in.skipNBytes(before); // only what this computation appended
                    scripts.put(info.id(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        // Second pass, not tracing: Vitals' own times.
        Map<String, Double> ours = new TreeMap<>();
        double report;
        peakHeap = 0;
        try (VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.today", TODAY.toString())
                .settleTimeout(Duration.ofMinutes(5)).start()) {
            System.gc();
            for (String id : scripts.keySet()) {
                List<Double> times = new ArrayList<>();
                for (int i = 0; i <= runs; i++) {
                    long started = System.nanoTime();
                    vitals.kpis().compute(id, query);
                    double took = (System.nanoTime() - started) / 1e6;
                    if (i > 0) {
                        times.add(took);
                    }
                    noteHeap();
                }
                ours.put(id, Stats.median(times));
            }
            List<Double> times = reportTimes(vitals, this::noteHeap);
            times.remove(0); // the warm-up
            report = Stats.median(times);
            if (hotDeployHere) {
                hotDeploy(vitals, home, size);
            }
        }
        // Third pass, the registry's defaults: the report asked again over unchanged data.
        Files.delete(registryCfg);
        double kept;
        double firstAsked;
        try (VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.today", TODAY.toString())
                .settleTimeout(Duration.ofMinutes(5)).start()) {
            List<Double> times = reportTimes(vitals, () -> { });
            firstAsked = times.remove(0);
            kept = Stats.median(times);
        }
        Served served = served(home);
        // The baseline: the same statements in the database's own shell, on the same data.
        Map<String, Double> raw = new TreeMap<>();
        for (Map.Entry<String, String> e : scripts.entrySet()) {
            raw.put(e.getKey(), store.medianMillis(home, size, e.getValue(), runs));
        }
        Rss rss = Rss.of(List.of(home.resolve("bin/vitals").toString(), "kpi:report", "--from", MONTH.from().toString(),
                "--to", MONTH.to().toString()));

        md.line("## KPIs on the " + size.name() + " dataset" + (store instanceof StoreUnderTest.Postgres ? " in PostgreSQL" : "")).line();
        md.line("Each KPI for " + MONTH.from() + " to " + MONTH.to() + " (whole customer base), warm, through the registry of a"
                + " running Vitals (`KpiRegistry.compute`, the registry keeping no answers: `keptResults = 0`). Baseline: the statements that very computation ran (captured with"
                + " `vitals.store.trace`, segment scope applied, parameters bound) run by " + store.shell()
                + " (below 5 ms the ratio says little).").line();
        md.line("| KPI | statements | Vitals | " + (store instanceof StoreUnderTest.Postgres ? "psql" : "sqlite3") + " | ratio |").line("|---|---:|---:|---:|---:|");
        double sumOurs = 0;
        double sumRaw = 0;
        int within = 0;
        for (String id : scripts.keySet()) {
            double a = ours.get(id);
            double b = raw.get(id);
            sumOurs += a;
            sumRaw += b;
            if (a <= 1.2 * b || a < 5) {
                within++;
            }
            md.line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |", id, StoreUnderTest.statements(scripts.get(id)),
                    Stats.millis(a), Stats.millis(b), b > 0 ? String.format(Locale.ROOT, "%.2f", a / b) : "–"));
        }
        md.line(String.format(Locale.ROOT, "| **all %d** | | **%s** | **%s** | **%.2f** |", scripts.size(), Stats.millis(sumOurs),
                Stats.millis(sumRaw), sumOurs / sumRaw)).line();
        md.line(String.format(Locale.ROOT, "%d of %d KPIs within 1.2 × the raw SQL time (or under 5 ms).", within, scripts.size()));
        failures.forEach((id, why) -> md.line("- `" + id + "` did not compute: " + why));
        md.line();
        md.line("| | Vitals | baseline | ratio |").line("|---|---:|---:|---:|");
        md.line(String.format(Locale.ROOT, "| `kpi:report` for the month, warm (%d KPIs, each also for the month before, rendered)"
                + " | %s | %s (raw SQL of the month alone) | %.2f |",
                scripts.size(), Stats.millis(report), Stats.millis(sumRaw), report / sumRaw));
        md.line(String.format(Locale.ROOT, "| `kpi:report` asked again over unchanged data (answers kept by the registry;"
                + " the first asking, %s, computed them) | %s | %s (raw SQL of the month alone) | %.4f |",
                Stats.millis(firstAsked), Stats.millis(kept), Stats.millis(sumRaw), kept / sumRaw));
        md.line(String.format(Locale.ROOT, "| `kpi:report` in a serving Vitals after a sync that changed data, once the report kept warm"
                + " after it is ready (%s after the sync; after start %s) | %s | %s (raw SQL of the month alone) | %.4f |",
                Stats.millis(served.readyAfterSync()), Stats.millis(served.readyAfterStart()), Stats.millis(served.report()),
                Stats.millis(sumRaw), served.report() / sumRaw));
        md.line(String.format(Locale.ROOT, "| `bin/vitals kpi:report` as a new process (boot included) | %s | | |", Stats.millis(rss.millis())));
        md.line(String.format(Locale.ROOT, "| peak RSS of that process (-Xmx256m) | %,d MB | | |", rss.peakKb() / 1024));
        md.line(String.format(Locale.ROOT, "| peak heap in use in the benchmark JVM (-Xmx%dm) while computing | %,d MB | | |",
                Runtime.getRuntime().maxMemory() / 1024 / 1024, peakHeap / 1024 / 1024)).line();
    }

    /** Milliseconds: start to the report kept warm, a sync's end to the report kept warm again, {@code kpi:report} after that. */
    record Served(double readyAfterStart, double readyAfterSync, double report) {
    }

    /**
     * Fourth pass, as {@code bin/vitals serve} runs (HTTP on a free port, the default report computed
     * ahead, with no quiet wait): how long after start and after a sync until the report is kept warm
     * (its line in the log), and {@code kpi:report} then. The sync updates one survey answer dated after
     * the month, so no KPI of the month changes, but the data version does and everything is computed again.
     */
    private Served served(Path home) throws Exception {
        Path log = home.resolve("data/log/vitals.log");
        Path warmCfg = home.resolve("etc/vitals.report.warm.cfg");
        Path httpCfg = home.resolve("etc/vitals.http.cfg");
        Path sourceCfg = home.resolve("etc/vitals.source.file-bench-warm.cfg");
        Path answers = work.resolve("warm-answers.csv");
        String shippedHttp = Files.exists(httpCfg) ? Files.readString(httpCfg) : null; // a dataset from before HTTP has none
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(httpCfg, "address = 127.0.0.1\nport = " + port + "\n");
        Files.writeString(warmCfg, "quietSeconds = 0\nrestFactor = 0\n");
        Files.writeString(answers, "id,email,score,at\nbench-warm,bench@unknown.example,7," + java.time.Instant.now().getEpochSecond() + "\n");
        Files.writeString(sourceCfg, "path = " + answers + "\n" + """
                entity = survey_responses
                default.type = nps
                map.externalId = id
                map.email = email
                map.score = score
                map.answeredAt = at
                dateFormat = epoch
                """);
        try {
            long warmBefore = warmLines(log);
            long started = System.nanoTime();
            try (VitalsRuntime vitals = VitalsRuntime.home(home).property("vitals.today", TODAY.toString()).http(true)
                    .settleTimeout(Duration.ofMinutes(5)).start()) {
                await(() -> warmLines(log) > warmBefore, WARM_WAIT, 100);
                double afterStart = (System.nanoTime() - started) / 1e6;
                CommandOutcome sync = vitals.execute("connector:sync bench-warm");
                long synced = System.nanoTime();
                if (!sync.succeeded() || sync.output().contains("inserted 0, updated 0")) {
                    throw new IllegalStateException("the sync of one answer changed nothing: " + sync.output() + sync.failureMessage());
                }
                await(() -> warmLines(log) > warmBefore + 1, WARM_WAIT, 100);
                double afterSync = (System.nanoTime() - synced) / 1e6;
                List<Double> times = reportTimes(vitals, () -> { });
                // the dataset stays as generated: the answer, its cursor and its runs go
                BundleContext context = vitals.framework().getBundleContext();
                context.getService(context.getServiceReference(DataWriter.class)).deleteSource("bench-warm");
                return new Served(afterStart, afterSync, Stats.median(times));
            }
        } finally {
            if (shippedHttp == null) {
                Files.deleteIfExists(httpCfg);
            } else {
                Files.writeString(httpCfg, shippedHttp);
            }
            Files.deleteIfExists(warmCfg);
            Files.deleteIfExists(sourceCfg);
            Files.deleteIfExists(answers);
        }
    }

    private static long warmLines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("kept warm: ")).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** The most heap in use seen while the KPIs of one dataset computed. */
    private long peakHeap;

    private void noteHeap() {
        peakHeap = Math.max(peakHeap, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
    }

    /** {@code kpi:report} for the month, once and then {@code runs} times more: every time, in milliseconds. */
    private List<Double> reportTimes(VitalsRuntime vitals, Runnable afterEach) {
        String command = "kpi:report --from " + MONTH.from() + " --to " + MONTH.to();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            long started = System.nanoTime();
            CommandOutcome out = vitals.execute(command);
            times.add((System.nanoTime() - started) / 1e6);
            if (!out.succeeded()) {
                throw new IllegalStateException(command + " failed: " + out.failureMessage());
            }
            afterEach.run();
        }
        return times;
    }

    private void hotDeploy(VitalsRuntime vitals, Path home, Size size) throws IOException {
        System.out.println("== hot deploy");
        Path jar;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("deploy"), "vitals-kpi-csat-*.jar")) {
            jar = jars.iterator().next();
        }
        Path aside = work.resolve(jar.getFileName());
        Path staged = work.resolve("staged-" + jar.getFileName());
        List<Double> times = new ArrayList<>();
        KpiQuery query = KpiQuery.of(MONTH);
        try {
            for (int i = 0; i < 20; i++) {
                Files.move(jar, aside, StandardCopyOption.REPLACE_EXISTING);
                await(() -> vitals.kpis().find("csat").isEmpty());
                Files.copy(aside, staged, StandardCopyOption.REPLACE_EXISTING);
                long started = System.nanoTime();
                Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE);
                await(() -> {
                    try {
                        return vitals.kpis().find("csat").isPresent() && vitals.kpis().compute("csat", query).hasValue();
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
                times.add((System.nanoTime() - started) / 1e6);
            }
        } finally {
            if (!Files.exists(jar)) {
                Files.move(aside, jar);
            }
        }
        md.line("## Hot deploy").line();
        md.line("20 drops of the CSAT KPI jar into `deploy/` of a running Vitals (" + size.name() + " dataset), each timed from the"
                + " jar appearing (an atomic move) until `csat` computes. FileInstall polls every " + poll(home) + " ms and waits for a file to be"
                + " unchanged across two polls.").line();
        md.line("| median | max |").line("|---:|---:|");
        md.line("| " + Stats.millis(Stats.median(times)) + " | " + Stats.millis(Stats.max(times)) + " |").line();
    }

    /** FileInstall's poll interval as the home configures it. */
    private static String poll(Path home) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("etc/vitals.properties"))) {
            p.load(in);
        }
        return p.getProperty("felix.fileinstall.poll", "?").trim();
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        await(condition, Duration.ofSeconds(30), 2);
    }

    /** The report kept warm on the large dataset takes most of a minute; allow far more. */
    private static final Duration WARM_WAIT = Duration.ofMinutes(15);

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, long pollMillis) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- ingest

    private void ingest(Size size, Path home) throws Exception {
        System.out.println("== ingest");
        int rows = 1_000_000;
        Path copy = work.resolve("ingest");
        deleteTree(copy);
        copyTree(home, copy);
        Path csv = work.resolve("events.csv");
        int customers = Integer.parseInt(store.scalar(copy, size, "SELECT count(*) FROM customers"));
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("event_id,account,user,event,at\n");
            String[] events = {"login", "create_report", "export", "invite_user", "dashboard_view"};
            for (int i = 0; i < rows; i++) {
                out.write("bench-" + i + ",c" + (1 + i % customers) + ",u" + (i % 50_000) + "," + events[i % events.length] + ","
                        + (1_790_000_000L + i * 7L) + "\n");
            }
        }
        Files.writeString(copy.resolve("etc/vitals.source.file-bench-events.cfg"), "path = " + csv + "\n" + """
                entity = usage_events
                map.externalId = event_id
                map.customer = account
                customerSource = demo
                map.userId = user
                map.event = event
                map.occurredAt = at
                dateFormat = epoch
                pageSize = 5000
                """);
        double ours;
        long inserted;
        try (VitalsRuntime vitals = VitalsRuntime.home(copy).settleTimeout(Duration.ofMinutes(5)).start()) {
            BundleContext context = vitals.framework().getBundleContext();
            var engine = context.getServiceReference(SyncService.class);
            if (engine == null) {
                throw new IllegalStateException("the sync engine did not start in " + copy + " (data/log/vitals.log says why)");
            }
            SyncService sync = context.getService(engine);
            await(() -> sync.sources().stream().anyMatch(s -> s.id().equals("bench-events")));
            if (store.copiesShareTheData()) {
                sync.resetCursor("bench-events"); // a run before this one synced the file into the same data
            }
            long started = System.nanoTime();
            SyncReport report = sync.sync("bench-events", (s, p, t) -> { });
            ours = (System.nanoTime() - started) / 1e9;
            if (report.outcome() != SyncReport.Outcome.COMPLETE) {
                throw new IllegalStateException("the ingest sync did not complete: " + report.message());
            }
            inserted = report.counts().inserted();
            if (store.copiesShareTheData()) {
                // the dataset stays as generated for the next run's KPIs
                context.getService(context.getServiceReference(DataWriter.class)).deleteSource("bench-events");
                store.scalar(copy, size, "VACUUM ANALYZE usage_events");
            }
        }
        StoreUnderTest.Imported baseline = store.importBaseline(csv, work);
        deleteTree(copy);
        Files.deleteIfExists(csv);
        md.line("## Ingest").line();
        md.line(String.format(Locale.ROOT, "A CSV of %,d usage events (id, account, user, event, epoch time). Vitals: the `file`"
                + " connector syncing it into the " + size.name() + " store (each row validated, its account looked up,"
                + " upserted by id, pages of 5,000 committed with the cursor; the table keeps its indexes). Baseline: "
                + baseline.how() + ".", rows)).line();
        md.line("| | rows | time | rows/s | ratio |").line("|---|---:|---:|---:|---:|");
        md.line(String.format(Locale.ROOT, "| Vitals `connector:sync` | %,d | %.1f s | %,.0f | %.2f |", inserted, ours, inserted / ours,
                (inserted / ours) / (baseline.rows() / baseline.seconds())));
        md.line(String.format(Locale.ROOT, "| %s | %,d | %.1f s | %,.0f | |", baseline.tool(), baseline.rows(), baseline.seconds(),
                baseline.rows() / baseline.seconds())).line();
    }

    // ---- files

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
