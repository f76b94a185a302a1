package io.vitals.http.server;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import io.vitals.http.HttpSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * What every request passes before any servlet sees it: only GET and HEAD (nothing over HTTP writes,
 * and TRACE would echo a token back); on a server that asks no token, only loopback host names (a web
 * page that rebinds its own name to 127.0.0.1 is refused); a query string that decodes. Whatever fails
 * further in, an error or a servlet's uncaught failure, is answered as one line of JSON: no error page,
 * no stack trace, no path leaves the server. Until the platform has settled after its start, every request
 * but {@code /healthz} and {@code /readyz} is answered 503 with {@code Retry-After}: a KPI that is not
 * registered yet is not called unknown. Those two answer a request from this machine without a token.
 */
@Component(service = Preprocessor.class, configurationPid = HttpSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class RequestGuard implements Preprocessor {

    private static final Set<String> METHODS = Set.of("GET", "HEAD");

    private final Logger log;
    private final Readiness readiness;
    private volatile boolean open;
    private volatile Set<String> hosts = Set.of();

    @Activate
    public RequestGuard(@Reference(service = LoggerFactory.class) Logger log, @Reference Readiness readiness, HttpSettings settings) {
        this.log = log;
        this.readiness = readiness;
        configure(settings);
    }

    @Modified
    void configure(HttpSettings settings) {
        this.open = VitalsContext.loopback(settings.address());
        this.hosts = Arrays.stream(settings.hosts().split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void init(FilterConfig config) {
    }

    @Override
    public void destroy() {
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            JsonError.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "method " + JsonError.clip(request.getMethod()) + " is not allowed: Vitals over HTTP is read only (GET)");
            return;
        }
        if (open && !acceptedHost(request.getHeader("Host"))) {
            JsonError.send(response, HttpServletResponse.SC_FORBIDDEN, "host '" + JsonError.clip(String.valueOf(request.getHeader("Host")))
                    + "' is not this machine's; add it to hosts in etc/vitals.http.cfg to allow it");
            return;
        }
        String malformed = malformedQuery(request.getQueryString());
        if (malformed != null) {
            JsonError.send(response, HttpServletResponse.SC_BAD_REQUEST, malformed);
            return;
        }
        String path = request.getRequestURI();
        if (Readiness.handles(path) && VitalsContext.loopback(String.valueOf(request.getRemoteAddr()))) {
            readiness.answer(path, response);
            return;
        }
        if (!Readiness.handles(path)) {
            java.util.Optional<String> waiting = readiness.waitingFor();
            if (waiting.isPresent()) {
                response.setHeader("Retry-After", String.valueOf(Readiness.RETRY_AFTER));
                JsonError.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Vitals is starting (waiting for " + waiting.get()
                        + "); ask again in " + Readiness.RETRY_AFTER + " s, or watch GET /readyz");
                return;
            }
        }
        JsonErrors wrapped = new JsonErrors(response);
        try {
            chain.doFilter(request, wrapped);
        } catch (Throwable t) { // NOPMD an OutOfMemoryError too: the client gets one line, the log the rest
            log.error("GET {} failed: {}", request.getRequestURI(), t.toString(), t);
            if (!response.isCommitted()) {
                response.reset();
                JsonError.send(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                        "internal error; the reason is in Vitals' log (data/log/vitals.log)");
            }
            if (t instanceof Error e && !(t instanceof OutOfMemoryError) && !(t instanceof StackOverflowError)) {
                throw e;
            }
        }
    }

    /** A Host header naming loopback (localhost, 127.x, [::1]) or one of the configured names, with any port. */
    boolean acceptedHost(String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            name = end < 0 ? h : h.substring(0, end + 1);
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || hosts.contains(name);
    }

    /** Why a query string does not decode (a bad %-escape), or null. */
    static String malformedQuery(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            try {
                URLDecoder.decode(part, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "malformed query string near '" + JsonError.clip(part) + "': a % must start an escape such as %20";
            }
        }
        return null;
    }

    /** sendError anywhere further in (no servlet for a path, a servlet's own) answers JSON, not the server's HTML page. */
    private static final class JsonErrors extends HttpServletResponseWrapper {
        JsonErrors(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            JsonError.send((HttpServletResponse) getResponse(), status, message == null ? JsonError.reason(status) : JsonError.clip(message));
        }

        @Override
        public void sendError(int status) throws IOException {
            JsonError.send((HttpServletResponse) getResponse(), status, JsonError.reason(status));
        }
    }
}
