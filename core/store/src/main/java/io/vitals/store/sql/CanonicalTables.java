package io.vitals.store.sql;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tables of the canonical model, and which of them belong to a customer (and so to a segment). */
final class CanonicalTables {

    static final String CUSTOMERS = "customers";

    /** Tables with a {@code customer_id} column, restricted to a segment's customers when one is asked. */
    static final List<String> CUSTOMER_OWNED = List.of("customer_attributes", "subscriptions", "invoices",
            "survey_responses", "tickets", "users", "usage_events", "deals", "advocacy_events",
            "onboarding_milestones", "costs", "cancellations");

    static final List<String> ALL = List.of(CUSTOMERS, "customer_attributes", "subscriptions", "invoices",
            "survey_responses", "tickets", "users", "usage_events", "deals", "advocacy_events",
            "onboarding_milestones", "costs", "cancellations");

    /** Customer columns a segment may filter on, by segment key. */
    static final java.util.Map<String, String> SEGMENT_COLUMNS = java.util.Map.of(
            "plan", "plan",
            "region", "region",
            "csm", "csm_owner",
            "csm_owner", "csm_owner",
            "industry", "industry",
            "cohort", "cohort");

    private static final Pattern TABLE_NAME = Pattern.compile(
            "(?<![.\\w])(" + String.join("|", ALL) + ")(?![\\w])", Pattern.CASE_INSENSITIVE);

    private CanonicalTables() {
    }

    /** The canonical tables a piece of SQL names (not counting schema-qualified names). */
    static Set<String> referencedBy(String sql) {
        java.util.LinkedHashSet<String> found = new java.util.LinkedHashSet<>();
        Matcher m = TABLE_NAME.matcher(sql);
        while (m.find()) {
            found.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        return found;
    }
}
