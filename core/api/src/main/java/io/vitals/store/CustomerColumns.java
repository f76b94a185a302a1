package io.vitals.store;

import java.util.ArrayList;
import java.util.List;

import io.vitals.kpi.KpiTable;

/**
 * The columns every drill-down starts with, so the customers behind any KPI read the same way:
 * select {@link #SQL} from {@code customers c} and add the KPI's own columns.
 */
public final class CustomerColumns {

    /**
     * The customer's id in the store and at its source, name, plan, region and CSM, from {@code customers}
     * aliased {@code c} (its id at the source is what a user looks it up by; the store's id joins).
     */
    public static final String SQL = String.join(", ", "c.id AS customer_id", "c.external_id AS source_id", "c.name AS customer",
            "c.plan AS plan", "c.region AS region", "c.csm_owner AS csm"); // not a constant: a KPI bundle reads it from the API at run time, as with()

    private CustomerColumns() {
    }

    /** The customer columns followed by the KPI's own. */
    public static List<KpiTable.Column> with(KpiTable.Column... more) {
        List<KpiTable.Column> columns = new ArrayList<>(List.of(
                KpiTable.Column.text("customer_id", "#"),
                KpiTable.Column.text("source_id", "ID"),
                KpiTable.Column.text("customer", "CUSTOMER"),
                KpiTable.Column.text("plan", "PLAN"),
                KpiTable.Column.text("region", "REGION"),
                KpiTable.Column.text("csm", "CSM")));
        columns.addAll(List.of(more));
        return columns;
    }
}
