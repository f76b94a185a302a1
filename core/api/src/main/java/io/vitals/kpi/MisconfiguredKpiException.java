package io.vitals.kpi;

/**
 * Asked for a KPI that is installed but could not start with its configuration (a value of the wrong
 * type, cut-offs that contradict each other): the message names the file and the setting to mend.
 */
public class MisconfiguredKpiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MisconfiguredKpiException(String id, String file, String reason) {
        super("KPI '" + id + "' is misconfigured" + (file == null ? "" : " in " + file) + ": " + reason);
    }
}
