package io.vitals.http.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

import io.vitals.http.HttpSettings;
import io.vitals.http.VitalsHttp;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet context every Vitals servlet selects. Listening on loopback only, it lets every
 * request through; on any other address a request needs {@code Authorization: Bearer <token>} (or,
 * for a browser, the {@code vitals_token} cookie the sign-in page sets) with a token whose hash is in
 * the tokens file, and is answered 401 otherwise.
 */
@Component(service = ServletContextHelper.class, configurationPid = HttpSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardContext(name = VitalsHttp.CONTEXT_NAME, path = "/")
public class VitalsContext extends ServletContextHelper {

    static final String COOKIE = "vitals_token";

    private final Path home;
    private volatile boolean open;
    private volatile Tokens tokens;

    private final org.osgi.service.log.Logger log;

    @Activate
    public VitalsContext(BundleContext context, HttpSettings settings,
            @org.osgi.service.component.annotations.Reference(service = org.osgi.service.log.LoggerFactory.class)
            org.osgi.service.log.Logger log) {
        super(context.getBundle());
        this.log = log;
        String h = context.getProperty("vitals.home");
        this.home = Path.of(h == null ? "." : h);
        configure(settings);
    }

    @Modified
    void configure(HttpSettings settings) {
        this.open = loopback(settings.address());
        Path file = Path.of(settings.tokens());
        this.tokens = new Tokens(file.isAbsolute() ? file : home.resolve(file), problem -> {
            if (!open) {
                log.warn("tokens: {}", problem);
            }
        });
        if (!open) {
            tokens.problem(); // read now, so a wrong line is logged at start rather than at the first request
        }
    }

    /** True when the address is this machine only; a name that does not resolve counts as not. */
    static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // open only when configured for loopback and the request did arrive on loopback: while a change of
        // address is being applied, the server may already listen wider than this context has been told
        if (open && loopback(request.getLocalAddr())) {
            return true;
        }
        Tokens t = tokens;
        String name = t.check(token(request));
        if (name != null) {
            request.setAttribute(REMOTE_USER, name);
            request.setAttribute(AUTHENTICATION_TYPE, "Bearer");
            return true;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"vitals\"");
        response.setHeader("Cache-Control", "no-store");
        String accept = request.getHeader("Accept");
        if (request.getMethod().equals("GET") && accept != null && accept.contains("text/html")) {
            response.setContentType("text/html;charset=utf-8");
            response.getOutputStream().write(SignIn.PAGE.getBytes(StandardCharsets.UTF_8));
            return false;
        }
        response.setContentType("application/json;charset=utf-8");
        String reason = token(request) == null ? "a token is needed: send 'Authorization: Bearer <token>'"
                : "this token is not accepted";
        response.getOutputStream().write(("{\"error\":\"" + reason + "\"}\n").getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static String token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (request.getCookies() != null) {
            for (jakarta.servlet.http.Cookie c : request.getCookies()) {
                if (COOKIE.equals(c.getName())) {
                    return java.net.URLDecoder.decode(c.getValue(), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }
}
