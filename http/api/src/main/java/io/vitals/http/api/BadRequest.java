package io.vitals.http.api;

/** A request the API cannot answer as asked: its status and a one-line reason. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Object known;

    BadRequest(int status, String reason) {
        this(status, reason, null);
    }

    BadRequest(int status, String reason, Object known) {
        super(reason);
        this.status = status;
        this.known = known;
    }
}
