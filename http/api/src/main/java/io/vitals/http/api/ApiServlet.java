package io.vitals.http.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.http.HttpSettings;
import io.vitals.http.VitalsHttp;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiReporter;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Segments;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;
import io.vitals.kpi.TimeLimitExceededException;
import io.vitals.kpi.UnknownKpiException;
import io.vitals.render.Csv;
import io.vitals.render.Json;
import io.vitals.render.Queries;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The REST API, read only: every answer comes from the KPI registry and the reporter, in the JSON
 * (or CSV) the shell prints for the same question. A bad parameter answers 400, an unknown KPI 404
 * with the known ids, anything else that fails 500; each with a one-line reason, never a stack trace.
 */
@Component(service = Servlet.class, configurationPid = HttpSettings.PID)
@HttpWhiteboardServletPattern("/api/*")
@HttpWhiteboardContextSelect(VitalsHttp.CONTEXT_SELECT)
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Set<String> QUERY = Set.of("from", "to", "segment");

    private final transient KpiRegistry registry;
    private final transient KpiReporter reporter;
    private final transient BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile TargetBook targets;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile Segments segments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile io.vitals.kpi.MonthBook months;

    /** How long a client over its share of computations waits for one of its own to end before it is answered 429. */
    static final long SLOT_WAIT_MILLIS = 10_000;

    private final transient ClientSlots slots = new ClientSlots();
    private volatile int computationsPerClient;

    @Activate
    public ApiServlet(@Reference KpiRegistry registry, @Reference KpiReporter reporter, BundleContext context, HttpSettings settings) {
        this.registry = registry;
        this.reporter = reporter;
        this.context = context;
        configure(settings);
    }

    @Modified
    void configure(HttpSettings settings) {
        computationsPerClient = Math.max(1, settings.computationsPerClient());
    }

    /** A token's name when the server asked for one, else the address the request came from. */
    private static String client(HttpServletRequest request) {
        return request.getRemoteUser() != null ? "token " + request.getRemoteUser() : "address " + request.getRemoteAddr();
    }

    /** Runs one computation in one of the client's slots; 429 when it has none free. */
    private void computing(HttpServletRequest request, IoWork work) throws IOException {
        String client = client(request);
        boolean held;
        try {
            held = slots.acquire(client, computationsPerClient, SLOT_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequest(503, "interrupted while waiting for a free computation");
        }
        if (!held) {
            throw new BadRequest(429, "this client already has " + computationsPerClient + " computations running; ask again"
                    + " when one has ended (computationsPerClient in etc/vitals.http.cfg)");
        }
        try {
            work.run();
        } finally {
            slots.release(client);
        }
    }

    private interface IoWork {
        void run() throws IOException;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        try {
            route(parts, request, response);
        } catch (BadRequest e) {
            error(response, e.status, e.getMessage(), e.known);
        } catch (UnknownKpiException e) {
            error(response, HttpServletResponse.SC_NOT_FOUND, e.getMessage(), ids());
        } catch (InvalidQueryException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, parameters(e.getMessage()), null);
        } catch (io.vitals.kpi.MisconfiguredKpiException e) {
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage(), null);
        } catch (TimeLimitExceededException e) {
            error(response, HttpServletResponse.SC_GATEWAY_TIMEOUT, parameters(e.getMessage()), null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, withoutPaths(message.lines().findFirst().orElse(message)), null);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "the API is read only: GET only", null);
            return;
        }
        super.service(request, response);
    }

    private void route(List<String> parts, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (parts.equals(List.of("openapi.json"))) {
            allow(request, Set.of());
            try (InputStream in = ApiServlet.class.getResourceAsStream("/openapi.json")) {
                send(response, "application/json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } else if (parts.equals(List.of("kpis"))) {
            allow(request, Set.of());
            ArrayNode list = Json.array();
            for (KpiInfo info : registry.list()) {
                ObjectNode o = Json.info(info);
                o.put("source", info.origin().endsWith(".kpi") ? "file" : "bundle");
                list.add(o);
            }
            json(response, list);
        } else if (parts.size() == 2 && parts.get(0).equals("kpis")) {
            allow(request, Set.of("from", "to", "segment", "by"));
            KpiInfo info = require(parts.get(1));
            KpiQuery query = query(request);
            String by = request.getParameter("by");
            Grain grain = by == null ? null : Grain.parse(by);
            computing(request, () -> {
                KpiSeries series = grain == null ? null : registry.series(info.id(), query, grain);
                KpiResult whole = registry.compute(info.id(), query);
                json(response, Json.answer(info, query, whole, series, target(info.id(), query)));
            });
        } else if (parts.size() == 3 && parts.get(0).equals("kpis") && parts.get(2).equals("customers")) {
            allow(request, Set.of("from", "to", "segment", "subset", "sort", "ascending", "limit", "format"));
            KpiInfo info = require(parts.get(1));
            KpiQuery query = query(request);
            DrillDown drillDown = new DrillDown(request.getParameter("subset"), request.getParameter("sort"),
                    !flag(request, "ascending"), limit(request));
            String format = Optional.ofNullable(request.getParameter("format")).orElse("json");
            if (!format.equals("json") && !format.equals("csv")) {
                throw new BadRequest(400, "unknown format '" + format + "'; expected json or csv");
            }
            computing(request, () -> {
                KpiTable table = registry.customers(info.id(), query, drillDown);
                if (format.equals("json")) {
                    json(response, Json.table(table));
                } else {
                    response.setHeader("Content-Disposition", "attachment; filename=\"" + info.id() + "-customers.csv\"");
                    send(response, "text/csv", Csv.table(table));
                }
            });
        } else if (parts.equals(List.of("report"))) {
            allow(request, QUERY);
            KpiQuery query = query(request);
            computing(request, () -> json(response, Json.report(reporter.latest(query))));
        } else if (parts.equals(List.of("restatements"))) {
            allow(request, Set.of("month"));
            io.vitals.kpi.MonthBook book = months;
            if (book == null) {
                throw new BadRequest(503, "closed months are not available");
            }
            String month = request.getParameter("month");
            java.time.YearMonth m;
            try {
                m = month == null ? null : java.time.YearMonth.parse(month.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new BadRequest(400, "malformed month '" + io.vitals.kpi.Texts.clip(month) + "'; expected a month such as 2026-11");
            }
            json(response, Json.restatements(book.restatements(m)));
        } else if (parts.equals(List.of("segments"))) {
            allow(request, Set.of());
            Segments s = segments;
            if (s == null) {
                throw new BadRequest(503, "the store is not available");
            }
            json(response, Json.tree(s.values()));
        } else {
            throw new BadRequest(404, "no endpoint GET /api" + (parts.isEmpty() ? "" : "/" + String.join("/", parts))
                    + "; see /api/openapi.json");
        }
    }

    private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile("(?:[/\\\\][^/\\\\\\s:;,'\"()]+){2,}");

    /** A file's folders are nobody's business over HTTP (a store's path in its error): its name is enough. */
    static String withoutPaths(String message) {
        java.util.regex.Matcher m = PATH.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = m.group();
            int last = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(path.substring(last + 1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The registry speaks of the shell's options (--from); over HTTP they are parameters (from). */
    static String parameters(String message) {
        return message.replaceAll("--segment (\\S+)", "segment=$1").replaceAll("--(from|to|by|limit)\\b", "$1");
    }

    private KpiInfo require(String id) {
        return registry.require(id);
    }

    private List<String> ids() {
        return registry.list().stream().map(KpiInfo::id).sorted().toList();
    }

    private Target target(String id, KpiQuery query) {
        TargetBook book = targets;
        return book == null ? null : book.targetFor(id, query.segment()).orElse(null);
    }

    private KpiQuery query(HttpServletRequest request) {
        String[] terms = request.getParameterValues("segment");
        Segment segment = Segment.parse(terms == null ? List.of() : List.of(terms));
        Segments known = segments;
        if (known != null && !segment.isAll()) {
            java.util.SortedSet<String> keys = new java.util.TreeSet<>(known.values().keySet());
            for (String key : segment.filters().keySet()) {
                if (!keys.contains(key)) {
                    // the report would fail every KPI one by one: say it once
                    throw new BadRequest(400, "unknown segment key '" + key + "'; known keys: " + String.join(", ", keys));
                }
            }
        }
        return new KpiQuery(Queries.period(request.getParameter("from"), request.getParameter("to"),
                Queries.today(context.getProperty(Queries.TODAY_PROPERTY))), segment);
    }

    /** A parameter the endpoint does not know is a mistake worth saying, not something to ignore. */
    private static void allow(HttpServletRequest request, Set<String> known) {
        for (String name : request.getParameterMap().keySet()) {
            if (!known.contains(name)) {
                throw new BadRequest(400, "unknown parameter '" + name + "'"
                        + (known.isEmpty() ? "; this endpoint takes none" : "; expected " + String.join(", ", new java.util.TreeSet<>(known))));
            }
        }
        for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
            if (e.getValue().length > 1 && !e.getKey().equals("segment")) {
                throw new BadRequest(400, "parameter '" + e.getKey() + "' given twice");
            }
        }
    }

    private static boolean flag(HttpServletRequest request, String name) {
        String v = request.getParameter(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.isEmpty() || v.equals("true")) {
            return true;
        }
        throw new BadRequest(400, "malformed " + name + " '" + v + "'; expected true or false");
    }

    private static int limit(HttpServletRequest request) {
        String v = request.getParameter("limit");
        if (v == null) {
            return DrillDown.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(v.trim());
            if (limit < 1 || limit > 100_000) {
                throw new BadRequest(400, "limit must be between 1 and 100000, got " + limit);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "malformed limit '" + v + "'; expected a whole number such as 50");
        }
    }

    private static void json(HttpServletResponse response, Object node) throws IOException {
        send(response, "application/json", Json.write(node) + "\n");
    }

    private static void send(HttpServletResponse response, String type, String body) throws IOException {
        response.setContentType(type + ";charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpServletResponse response, int status, String reason, Object known) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(status);
        if (status == 429) {
            response.setHeader("Retry-After", "5");
        }
        ObjectNode o = Json.object();
        o.put("error", reason);
        if (known != null) {
            o.set("known", Json.tree(known));
        }
        send(response, "application/json", Json.write(o) + "\n");
    }
}
