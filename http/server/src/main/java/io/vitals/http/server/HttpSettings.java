package io.vitals.http.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/vitals.http.cfg}. */
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
}
