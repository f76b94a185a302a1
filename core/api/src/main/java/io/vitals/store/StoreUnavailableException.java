package io.vitals.store;

/**
 * The store cannot be reached or opened (a server database down, a password not set). The
 * message says why in one line; the store tries again on a later call, so this may pass.
 */
public class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
