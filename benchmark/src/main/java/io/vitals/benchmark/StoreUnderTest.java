package io.vitals.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store a run measures and the database's own shell that gives the baseline: SQLite files
 * (the sqlite3 shell on the same file) or schemas on a PostgreSQL server (psql on the same schema).
 */
abstract class StoreUnderTest {

    /** The baseline tool, as the report names it. */
    abstract String shell();

    /** What the machine table says of the store and its baseline. */
    abstract String versions(Path dist) throws IOException, InterruptedException;

    /** The folder of a dataset's Vitals home under the work folder. */
    abstract String homeName(Benchmark.Size size);

    /** What besides the dataset's own settings must match for a generated dataset to be reused. */
    abstract String spec(Benchmark.Size size);

    /** Points a new home at an empty store for the dataset, before it is generated. */
    abstract void prepare(Path home, Benchmark.Size size) throws IOException, InterruptedException;

    abstract boolean holdsData(Path home, Benchmark.Size size) throws IOException, InterruptedException;

    /** One value of a query, run by the baseline tool. */
    abstract String scalar(Path home, Benchmark.Size size, String sql) throws IOException, InterruptedException;

    /** Bytes the dataset takes on disk (tables and indexes). */
    abstract long bytes(Path home, Benchmark.Size size) throws IOException, InterruptedException;

    /** The traced statements of a KPI run once to warm up and {@code runs} more times: the median of the summed times. */
    abstract double medianMillis(Path home, Benchmark.Size size, String script, int runs) throws IOException, InterruptedException;

    /** Whether a copied home still names the same data (a server's schema), which the ingest must then leave as it was. */
    abstract boolean copiesShareTheData();

    /** The ingest's baseline: the database's own bulk import of the CSV into a new table without indexes. */
    abstract Imported importBaseline(Path csv, Path work) throws IOException, InterruptedException;

    record Imported(String tool, String how, long rows, double seconds) {
    }

    /** Statements in a traced script: each ends with a line holding only ';'. */
    static int statements(String script) {
        int n = 0;
        for (String line : script.split("\n")) {
            if (line.equals(";")) {
                n++;
            }
        }
        return n;
    }

    /** Runs a baseline tool on a script of {@code runs + 1} copies of the statements; the median of the per-run sums. */
    static double medianOfRuns(List<String> command, java.util.Map<String, String> env, String preamble, String script, int runs,
            Pattern time, double toMillis) throws IOException, InterruptedException {
        int statements = statements(script);
        if (statements == 0) {
            return 0;
        }
        StringBuilder all = new StringBuilder(preamble);
        for (int i = 0; i <= runs; i++) {
            all.append(script);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        Process shell = builder.start();
        try (OutputStream in = shell.getOutputStream()) {
            in.write(all.toString().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (shell.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed on the traced statements:\n" + script);
        }
        List<Double> times = new ArrayList<>();
        Matcher m = time.matcher(out);
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)) * toMillis);
        }
        if (times.size() != statements * (runs + 1)) {
            throw new IllegalStateException("expected " + statements * (runs + 1) + " timings from " + command.get(0) + ", got "
                    + times.size() + ":\n" + out);
        }
        List<Double> perRun = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double sum = 0;
            for (int s = 0; s < statements; s++) {
                sum += times.get(run * statements + s);
            }
            perRun.add(sum);
        }
        return Stats.median(perRun);
    }

    /** The embedded default: data/vitals.db in each home. */
    static final class Sqlite extends StoreUnderTest {

        private static final Pattern RUN_TIME = Pattern.compile("^Run Time: real ([0-9.]+)", Pattern.MULTILINE);

        @Override String shell() { return "the sqlite3 shell on the same file with `.timer on` (millisecond resolution)"; }

        @Override String versions(Path dist) throws IOException, InterruptedException {
            String sqlite = Processes.output(List.of(Benchmark.SQLITE3, "--version")).split(" ")[0];
            String driver;
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist.resolve("bundle"), "sqlite-jdbc-*.jar")) {
                driver = jars.iterator().next().getFileName().toString().replace(".jar", "");
            }
            return "| SQLite | in Vitals: " + driver + "; baseline: the sqlite3 shell " + sqlite + " |";
        }

        @Override String homeName(Benchmark.Size size) { return size.name(); }

        @Override String spec(Benchmark.Size size) { return ""; }

        @Override void prepare(Path home, Benchmark.Size size) {
            // the default store configuration already means data/vitals.db
        }

        @Override boolean holdsData(Path home, Benchmark.Size size) {
            return Files.exists(db(home));
        }

        @Override String scalar(Path home, Benchmark.Size size, String sql) throws IOException, InterruptedException {
            return Processes.output(List.of(Benchmark.SQLITE3, "-readonly", db(home).toString(), sql)).trim();
        }

        @Override long bytes(Path home, Benchmark.Size size) throws IOException {
            long bytes = Files.size(db(home));
            Path wal = home.resolve("data/vitals.db-wal");
            return Files.exists(wal) ? bytes + Files.size(wal) : bytes;
        }

        @Override double medianMillis(Path home, Benchmark.Size size, String script, int runs) throws IOException, InterruptedException {
            return medianOfRuns(List.of(Benchmark.SQLITE3, "-batch", "-readonly", db(home).toString()), java.util.Map.of(),
                    ".timer on\n.output /dev/null\n", script, runs, RUN_TIME, 1000);
        }

        @Override boolean copiesShareTheData() { return false; }

        @Override Imported importBaseline(Path csv, Path work) throws IOException, InterruptedException {
            Path empty = work.resolve("import.db");
            Files.deleteIfExists(empty);
            double seconds = Processes.timed(List.of(Benchmark.SQLITE3, empty.toString(), ".mode csv", ".import " + csv + " usage_events"));
            long rows = Long.parseLong(Processes.output(List.of(Benchmark.SQLITE3, empty.toString(), "SELECT count(*) FROM usage_events")).trim());
            Files.deleteIfExists(empty);
            return new Imported("`sqlite3 .import`", "`sqlite3 .import` of the same file into a new, empty table without indexes", rows, seconds);
        }

        private static Path db(Path home) {
            return home.resolve("data/vitals.db");
        }
    }

    /**
     * A PostgreSQL server the person running the benchmark names by JDBC URL; each dataset gets a
     * schema of its own ({@code bench_<size>}). User and password come from psql's own PGUSER and
     * PGPASSWORD, which Vitals reads too (its store configuration refers to env:PGPASSWORD).
     */
    static final class Postgres extends StoreUnderTest {

        private static final Pattern TIME = Pattern.compile("^Time: ([0-9.]+) ms", Pattern.MULTILINE);

        private final String url;
        private final URI server;
        private final String user;

        Postgres(String url) {
            if (!url.startsWith("jdbc:postgresql://") || url.contains("?")) {
                throw new IllegalArgumentException("--postgres takes a URL such as jdbc:postgresql://127.0.0.1:5432/vitals"
                        + " (no parameters: the user and password come from PGUSER and PGPASSWORD); got '" + url + "'");
            }
            this.url = url;
            this.server = URI.create(url.substring("jdbc:".length()));
            this.user = System.getenv().getOrDefault("PGUSER", System.getProperty("user.name"));
        }

        @Override String shell() { return "psql on the same schema with `\\timing on`"; }

        @Override String versions(Path dist) throws IOException, InterruptedException {
            String version = psql(null, "SHOW server_version").trim();
            String driver;
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist.resolve("bundle"), "postgresql-*.jar")) {
                driver = jars.iterator().next().getFileName().toString().replace(".jar", "");
            }
            return "| PostgreSQL | server " + version + " at " + server.getHost() + ":" + port() + " (its own configuration);"
                    + " in Vitals: " + driver + "; baseline: " + Processes.output(List.of("psql", "--version")).trim() + " |";
        }

        @Override String homeName(Benchmark.Size size) { return size.name() + "-postgresql"; }

        @Override String spec(Benchmark.Size size) { return " store=" + url + "/" + schema(size); }

        @Override void prepare(Path home, Benchmark.Size size) throws IOException, InterruptedException {
            psql(null, "DROP SCHEMA IF EXISTS " + schema(size) + " CASCADE; CREATE SCHEMA " + schema(size));
            String password = System.getenv("PGPASSWORD") == null ? "" : "password = env:PGPASSWORD\n";
            Files.writeString(home.resolve("etc/vitals.store.cfg"),
                    "url = " + url + "?currentSchema=" + schema(size) + "\nuser = " + user + "\n" + password);
        }

        @Override boolean holdsData(Path home, Benchmark.Size size) throws IOException, InterruptedException {
            return !psql(null, "SELECT 1 FROM information_schema.tables WHERE table_schema = '" + schema(size)
                    + "' AND table_name = 'customers'").isBlank();
        }

        @Override String scalar(Path home, Benchmark.Size size, String sql) throws IOException, InterruptedException {
            return psql(size, sql).trim();
        }

        @Override long bytes(Path home, Benchmark.Size size) throws IOException, InterruptedException {
            return Long.parseLong(psql(null, "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + schema(size) + "' AND c.relkind = 'r'").trim());
        }

        @Override double medianMillis(Path home, Benchmark.Size size, String script, int runs) throws IOException, InterruptedException {
            return medianOfRuns(command(), java.util.Map.of("PGOPTIONS", "-c search_path=" + schema(size)),
                    "\\timing on\n\\o /dev/null\n", script, runs, TIME, 1);
        }

        @Override boolean copiesShareTheData() { return true; }

        @Override Imported importBaseline(Path csv, Path work) throws IOException, InterruptedException {
            // text columns, as sqlite3's .import makes them from the header
            psql(null, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS bench_import CASCADE; CREATE SCHEMA bench_import;"
                    + " CREATE TABLE bench_import.usage_events (event_id text, account text, \"user\" text, event text, at text)");
            List<String> copy = new ArrayList<>(command());
            copy.addAll(List.of("-c", "\\copy bench_import.usage_events FROM '" + csv + "' WITH (FORMAT csv, HEADER true)"));
            double seconds = Processes.timed(copy);
            long rows = Long.parseLong(psql(null, "SELECT count(*) FROM bench_import.usage_events").trim());
            psql(null, "SET client_min_messages = warning; DROP SCHEMA bench_import CASCADE");
            return new Imported("psql `\\copy`", "psql's `\\copy` (COPY FROM STDIN) of the same file into a new, empty table"
                    + " without indexes, text columns as `sqlite3 .import` makes them", rows, seconds);
        }

        private String psql(Benchmark.Size size, String sql) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(command());
            command.addAll(List.of("-A", "-t", "-c", sql));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            if (size != null) {
                builder.environment().put("PGOPTIONS", "-c search_path=" + schema(size));
            }
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("psql could not run '" + sql + "' on " + url + " as " + user
                        + " (set PGUSER and PGPASSWORD for the server)");
            }
            return out;
        }

        private List<String> command() {
            return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.getHost(), "-p", String.valueOf(port()),
                    "-U", user, "-d", server.getPath().substring(1));
        }

        private int port() {
            return server.getPort() < 0 ? 5432 : server.getPort();
        }

        private static String schema(Benchmark.Size size) {
            return "bench_" + size.name();
        }
    }
}
