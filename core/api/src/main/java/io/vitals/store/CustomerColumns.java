package io.vitals.store;

import java.util.ArrayList;
import java.util.List;

import io.vitals.kpi.KpiTable;

/**
 * The columns every drill-down starts with, so the customers behind any KPI read the same way:
 * select {@link #SQL} from {@code customers c} and add the KPI's own columns.
 */
public final class CustomerColumns {

    /** The customer's id, name, plan, region and CSM, from {@code customers} aliased {@code c}. */
    public static final String SQL = "c.id AS customer_id, c.name AS customer, c.plan AS plan, c.region AS region, c.csm_owner AS csm";

    private CustomerColumns() {
    }

    /** The customer columns followed by the KPI's own. */
    public static List<KpiTable.Column> with(KpiTable.Column... more) {
        List<KpiTable.Column> columns = new ArrayList<>(List.of(
                KpiTable.Column.text("customer_id", "ID"),
                KpiTable.Column.text("customer", "CUSTOMER"),
                KpiTable.Column.text("plan", "PLAN"),
                KpiTable.Column.text("region", "REGION"),
                KpiTable.Column.text("csm", "CSM")));
        columns.addAll(List.of(more));
        return columns;
    }
}
