package io.vitals.http;

/**
 * What a bundle needs to serve something under Vitals' HTTP server: select the "vitals" servlet
 * context, which checks the bearer token when the server is reachable from other machines.
 *
 * <pre>
 * &#64;Component(service = Servlet.class)
 * &#64;HttpWhiteboardServletPattern("/my-thing/*")
 * &#64;HttpWhiteboardContextSelect(VitalsHttp.CONTEXT_SELECT)
 * public class MyServlet extends HttpServlet { ... }
 * </pre>
 */
public final class VitalsHttp {

    /** The name of the servlet context Vitals' servlets are served in. */
    public static final String CONTEXT_NAME = "vitals";

    /** The Whiteboard context selection filter for it. */
    public static final String CONTEXT_SELECT = "(osgi.http.whiteboard.context.name=" + CONTEXT_NAME + ")";

    /** The framework property that turns the HTTP server on ({@code bin/vitals serve} sets it). */
    public static final String SERVE_PROPERTY = "vitals.http.serve";

    private VitalsHttp() {
    }
}
