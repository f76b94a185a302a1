package io.vitals.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/vitals.http.cfg}: read by the server, the servlet context, and the API for its limits. */
@ObjectClassDefinition(id = HttpSettings.PID, name = "Vitals HTTP server",
        description = "Where the HTTP API, /metrics and the dashboard listen, and who may use them.")
public @interface HttpSettings {

    String PID = "vitals.http";

    @AttributeDefinition(description = "The address to listen on. 127.0.0.1 (the default) is this machine only; "
            + "any other address (0.0.0.0 for all) asks every request for a token.")
    String address() default "127.0.0.1";

    @AttributeDefinition(description = "The TCP port (0 picks a free one).", min = "0", max = "65535")
    int port() default 8787;

    @AttributeDefinition(description = "The file of accepted tokens, hashed, relative to the Vitals home: one "
            + "'name = sha256:<hex of SHA-256 of the token>' a line.")
    String tokens() default "etc/vitals.http.tokens";

    @AttributeDefinition(description = "Host names a browser may use to reach a server that asks no token (on loopback),"
            + " besides localhost and loopback addresses; comma-separated. Others are refused, so a web page cannot read"
            + " the API through DNS rebinding.")
    String hosts() default "";

    @AttributeDefinition(description = "How many computations (a KPI, its customers, a report) one client (a token, or"
            + " an address when no token is asked) may have running at once; a request beyond waits up to"
            + " 10 s for one to end, then is answered 429.", min = "1")
    int computationsPerClient() default 3;
}
