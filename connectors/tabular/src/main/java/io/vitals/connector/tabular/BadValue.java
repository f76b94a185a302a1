package io.vitals.connector.tabular;

/** A value that does not read as its field's kind; the message completes "field: 'value' ...". */
final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
        super(message, null, false, false);
    }
}
