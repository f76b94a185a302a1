package io.vitals.http.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.vitals.http.VitalsHttp;
import io.vitals.runtime.RuntimeStatus;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /healthz} (the process answers) and {@code GET /readyz} (200 once the platform has settled
 * after its start, 503 with what it waits for before). Ready latches: a later deploy does not make a
 * serving Vitals unavailable. Requests from this machine are answered by {@link RequestGuard} before any
 * token check; others reach this servlet behind the context's token.
 */
@Component(service = {Servlet.class, Readiness.class})
@HttpWhiteboardServletPattern({Readiness.HEALTH, Readiness.READY})
@HttpWhiteboardContextSelect(VitalsHttp.CONTEXT_SELECT)
public class Readiness extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String HEALTH = "/healthz";
    static final String READY = "/readyz";
    /** Seconds a client is told to wait before it asks again while Vitals starts. */
    static final int RETRY_AFTER = 2;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile RuntimeStatus status;

    private volatile boolean ready;

    /** Empty once ready; else what the platform still waits for. */
    Optional<String> waitingFor() {
        if (ready) {
            return Optional.empty();
        }
        RuntimeStatus s = status;
        if (s == null) {
            return Optional.of("the platform's status to be known");
        }
        Optional<String> waiting = s.waitingFor();
        if (waiting.isEmpty()) {
            // settled twice in a row, as the launcher waits for it: FileInstall may be between two steps of one scan
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("the platform to settle");
            }
            waiting = s.waitingFor();
            ready = waiting.isEmpty();
        }
        return waiting;
    }

    static boolean handles(String path) {
        return HEALTH.equals(path) || READY.equals(path);
    }

    /** Answers {@code /healthz} or {@code /readyz}. */
    void answer(String path, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=utf-8");
        String body;
        if (HEALTH.equals(path)) {
            response.setStatus(HttpServletResponse.SC_OK);
            body = "{\"status\":\"alive\"}\n";
        } else {
            Optional<String> waiting = waitingFor();
            if (waiting.isEmpty()) {
                response.setStatus(HttpServletResponse.SC_OK);
                body = "{\"status\":\"ready\"}\n";
            } else {
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                response.setHeader("Retry-After", String.valueOf(RETRY_AFTER));
                body = "{\"status\":\"starting\",\"waitingFor\":\"" + JsonError.escape(waiting.get()) + "\"}\n";
            }
        }
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request.getServletPath(), response);
    }
}
