package io.vitals.kpi;

/**
 * A question a KPI cannot answer as asked: a malformed or empty period, an unknown segment key, an
 * unknown grain. The message is one line that says what was wrong and what would be right.
 */
public class InvalidQueryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message);
    }
}
