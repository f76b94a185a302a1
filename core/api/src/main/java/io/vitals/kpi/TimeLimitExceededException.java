package io.vitals.kpi;

/**
 * A computation took longer than its time limit and was stopped; its statement was cancelled in
 * the database, so it holds no connection. Asking a shorter period, a coarser grain or a higher
 * limit ({@code etc/vitals.registry.cfg}) helps.
 */
public class TimeLimitExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long limitSeconds;

    public TimeLimitExceededException(long limitSeconds) {
        this("the computation", limitSeconds);
    }

    /** @param what the computation that was stopped, e.g. "KPI 'nps' for 2026-01-01..2026-02-01" */
    public TimeLimitExceededException(String what, long limitSeconds) {
        super(what + " took longer than " + limitSeconds + " s, its time limit, and was stopped; ask a shorter period"
                + " or a coarser grain, or raise the limit in etc/vitals.registry.cfg");
        this.limitSeconds = limitSeconds;
    }

    public long limitSeconds() {
        return limitSeconds;
    }
}
