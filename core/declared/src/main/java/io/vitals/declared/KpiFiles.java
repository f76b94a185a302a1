package io.vitals.declared;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiProblem;
import io.vitals.store.MetricStore;

/**
 * Loads {@code .kpi} files as FileInstall finds them in {@code deploy/}: a good file becomes a
 * {@link Kpi} service, a bad one a {@link KpiProblem} with the reason and the line; editing a file
 * reloads it and deleting it removes it. Nothing a file says can change anything else.
 */
@Component(service = ArtifactInstaller.class, immediate = true)
public class KpiFiles implements ArtifactInstaller {

    private final MetricStore store;
    private final BundleContext context;
    private final Path home;
    private final Map<File, ServiceRegistration<?>> registered = new ConcurrentHashMap<>();

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Activate
    public KpiFiles(@Reference MetricStore store, BundleContext context) {
        this.store = store;
        this.context = context;
        String h = context.getProperty("vitals.home");
        this.home = h == null ? null : Path.of(h).toAbsolutePath().normalize();
    }

    @Deactivate
    void deactivate() {
        registered.values().forEach(ServiceRegistration::unregister);
        registered.clear();
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".kpi");
    }

    @Override
    public void install(File artifact) {
        load(artifact);
    }

    @Override
    public void update(File artifact) {
        load(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        ServiceRegistration<?> old = registered.remove(artifact);
        if (old != null) {
            old.unregister();
        }
    }

    private synchronized void load(File artifact) {
        uninstall(artifact);
        String origin = display(artifact.toPath());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Kpi.ORIGIN_PROPERTY, origin);
        properties.put(Kpi.MODIFIED_PROPERTY, artifact.lastModified());
        Loaded loaded = loadFile(artifact.toPath(), origin);
        if (loaded.kpi() != null) {
            properties.put(Kpi.ID_PROPERTY, loaded.kpi().definition().id());
            if (loaded.version() != null) {
                properties.put("vitals.kpi.version", loaded.version());
            }
            registered.put(artifact, context.registerService(Kpi.class, loaded.kpi(), properties));
        } else {
            log.warn("{} cannot be loaded: {}", origin, loaded.problem());
            registered.put(artifact, context.registerService(KpiProblem.class, loaded.problem(), properties));
        }
    }

    /** A file's KPI, or why it has none. */
    record Loaded(DeclaredKpi kpi, String version, KpiProblem problem) {
    }

    Loaded loadFile(Path file, String origin) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Loaded(null, null, new KpiProblem(origin, null, "cannot read the file: " + e.getMessage(), 0));
        }
        return load(text, origin, store);
    }

    /** Parses and checks a KPI file against the store. */
    static Loaded load(String text, String origin, MetricStore store) {
        KpiFile file;
        try {
            file = KpiFile.parse(text);
        } catch (KpiFile.Invalid e) {
            return new Loaded(null, null, new KpiProblem(origin, null, e.getMessage(), e.line));
        }
        String id = file.definition().id();
        List<String> columns;
        try {
            columns = check(file.sql(), file, store);
        } catch (SqlProblem e) {
            return new Loaded(null, null, new KpiProblem(origin, id, "sql: " + e.getMessage(), file.sqlLine() + e.offset));
        }
        boolean ratio = columns.contains("numerator") && columns.contains("denominator");
        if (!ratio && !columns.contains("value")) {
            return new Loaded(null, null, new KpiProblem(origin, id, "sql: the query must answer a column named value, or numerator"
                    + " and denominator; it answers " + String.join(", ", columns), file.sqlLine()));
        }
        List<String> customerColumns = List.of();
        if (file.customers() != null) {
            try {
                customerColumns = check(file.customers(), file, store);
            } catch (SqlProblem e) {
                return new Loaded(null, null, new KpiProblem(origin, id, "customers: " + e.getMessage(), file.customersLine() + e.offset));
            }
        }
        return new Loaded(new DeclaredKpi(file, ReadOnlySql.check(file.sql()),
                file.customers() == null ? null : ReadOnlySql.check(file.customers()), store, ratio, customerColumns),
                file.version(), null);
    }

    /** Why a query was refused, and how many lines into it the problem is. */
    static final class SqlProblem extends Exception {
        private static final long serialVersionUID = 1L;
        final int offset;

        SqlProblem(String message, int offset) {
            super(message);
            this.offset = offset;
        }
    }

    /** The unknown name in SQLite's words ("no such column: x") or PostgreSQL's ("column "x" does not exist"). */
    private static final Pattern NAMED = Pattern.compile(
            "no such (?:column|table|function): ([\\w.]+)|(?:column|relation|function) \"?([\\w.]+)\"?(?:\\([^)]*\\))? does not exist");

    private static List<String> check(String sql, KpiFile file, MetricStore store) throws SqlProblem {
        String query;
        try {
            query = ReadOnlySql.check(sql);
        } catch (IllegalArgumentException e) {
            throw new SqlProblem(e.getMessage(), 0);
        }
        try {
            return store.prepare(query, file.parameters());
        } catch (InvalidQueryException e) {
            // point at the line that names the unknown thing, when the database says which
            Matcher m = NAMED.matcher(e.getMessage());
            int offset = 0;
            if (m.find()) {
                String named = m.group(1) != null ? m.group(1) : m.group(2);
                String name = named.contains(".") ? named.substring(named.indexOf('.') + 1) : named;
                String[] lines = sql.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(lines[i]).find()) {
                        offset = i;
                        break;
                    }
                }
            }
            throw new SqlProblem(e.getMessage(), offset);
        } catch (RuntimeException e) {
            throw new SqlProblem(e.getMessage(), 0);
        }
    }

    private String display(Path file) {
        Path p = file.toAbsolutePath().normalize();
        return home != null && p.startsWith(home) ? home.relativize(p).toString() : p.toString();
    }
}
