package io.vitals.store;

/**
 * The store's disk is full: nothing of the write that failed was kept. The message names the file
 * (or the database server) in one line; work that writes should stop at once rather than go on.
 */
public class StoreFullException extends StoreUnavailableException {

    private static final long serialVersionUID = 1L;

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
