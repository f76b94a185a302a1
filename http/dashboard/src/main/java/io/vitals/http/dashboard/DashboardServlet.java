package io.vitals.http.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.vitals.http.VitalsHttp;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The dashboard's files, from this bundle's {@code web/} folder: {@code /} is the page, the rest its
 * script, style and the chart library. The page itself reads its numbers from {@code /api}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardContextSelect(VitalsHttp.CONTEXT_SELECT)
public class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8", "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8", "svg", "image/svg+xml", "txt", "text/plain;charset=utf-8");

    private final transient BundleContext context;

    @Activate
    public DashboardServlet(BundleContext context) {
        this.context = context;
    }

    /** ECharts' files, where its WebJar keeps them in this bundle; its licence as /lib/ECHARTS-LICENSE. */
    private URL library(String name) {
        String file = name.equals("ECHARTS-LICENSE") ? "LICENSE" : name;
        if (!file.equals("echarts.min.js") && !file.equals("LICENSE")) {
            return null;
        }
        java.util.Enumeration<URL> found = context.getBundle().findEntries("META-INF/resources/webjars/echarts", file, true);
        return found != null && found.hasMoreElements() ? found.nextElement() : null;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.isEmpty() || path.equals("/")) {
            path = "/index.html";
        }
        if (path.contains("..") || !path.matches("/[A-Za-z0-9._/-]+")) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        URL file = path.startsWith("/lib/") ? library(path.substring("/lib/".length())) : context.getBundle().getEntry("web" + path);
        if (file == null || path.endsWith("/")) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("not found: " + path + "; the dashboard is at /, the API at /api/openapi.json");
            return;
        }
        String ext = path.substring(path.lastIndexOf('.') + 1);
        response.setContentType(TYPES.getOrDefault(ext, path.endsWith("LICENSE") ? TYPES.get("txt") : "application/octet-stream"));
        response.setHeader("Cache-Control", path.startsWith("/lib/") ? "max-age=86400" : "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        try (InputStream in = file.openStream()) {
            in.transferTo(response.getOutputStream());
        }
    }
}
