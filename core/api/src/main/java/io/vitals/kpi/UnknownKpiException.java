package io.vitals.kpi;

import java.util.Collection;

/** Asked for a KPI id that no installed KPI has; the message lists the ids that exist. */
public class UnknownKpiException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;
    private final String id;

    public UnknownKpiException(String id, Collection<String> known) {
        super("unknown KPI '" + id + "'; known KPIs: " + (known.isEmpty() ? "(none installed)" : String.join(", ", known)));
        this.id = id;
    }

    public String id() {
        return id;
    }
}
