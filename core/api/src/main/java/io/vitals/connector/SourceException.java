package io.vitals.connector;

/**
 * A source that failed in a way worth telling the user in one line: an HTTP error with the
 * server's own message, a host unreachable after retries, a file that cannot be read. Messages
 * never contain secrets.
 */
public class SourceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private String body;

    public SourceException(String message) {
        this(message, 0, null);
    }

    public SourceException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status that ended it, or 0. */
    public int status() {
        return status;
    }

    /** The body of the HTTP answer that ended it (for a source to find the server's message), or null. */
    public String body() {
        return body;
    }

    SourceException withBody(String body) {
        this.body = body;
        return this;
    }
}
