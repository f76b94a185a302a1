package io.vitals.store.sql;

/** A database failure, with the database's own message kept in ours. */
final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
