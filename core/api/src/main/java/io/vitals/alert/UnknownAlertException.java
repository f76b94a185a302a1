package io.vitals.alert;

/** No alert has the id asked for. */
public class UnknownAlertException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long id;

    public UnknownAlertException(long id) {
        super("unknown alert " + id + "; alert:list --all shows every alert and its id");
        this.id = id;
    }

    public long id() {
        return id;
    }
}
