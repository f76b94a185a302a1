package io.vitals.connector.typeform;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.model.Customer;
import io.vitals.testkit.Configs;
import io.vitals.testkit.SourceHarness;

/** Configurations, customers and store reads for the tests. */
final class TypeformData {

    private TypeformData() {
    }

    static TypeformSource.Config config(Map<String, ?> values) {
        return Configs.of(TypeformSource.Config.class, values);
    }

    /**
     * The source "survey" on form abc of the fake, token in secrets.properties, score from the NPS
     * question, e-mail from the e-mail question or the hidden field, customer id from the hidden
     * field customer_id (hubspot-main), comment from "why", no pacing; {@code more} overrides.
     */
    static TypeformSource source(FakeTypeform fake, Path home, int pageSize, Object... more) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "survey");
        values.put("formId", "abc");
        values.put("accessToken", "file:secrets.properties#typeform");
        values.put("baseUrl", fake.url());
        values.put("scoreField", "nps");
        values.put("emailField", "email");
        values.put("emailHidden", "email");
        values.put("customerIdHidden", "customer_id");
        values.put("customerSource", "hubspot-main");
        values.put("commentField", "why");
        values.put("pageSize", pageSize);
        values.put("requestsPerMinute", 0);
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                values.remove((String) more[i]);
            } else {
                values.put((String) more[i], more[i + 1]);
            }
        }
        return new TypeformSource(config(values), home);
    }

    static Customer customer(String source, String id, String email) {
        return new Customer(0, source, id, "Customer " + id, email, Instant.parse("2025-01-01T00:00:00Z"), "pro", null, null, null,
                Map.of());
    }

    /** Rows of a query with every number as a Long, for comparing with expected values. */
    static List<Map<String, Object>> rows(SourceHarness harness, String sql) {
        return harness.rows(sql).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            r.forEach((k, v) -> m.put(k, v instanceof Number n ? (Object) n.longValue() : v));
            return m;
        }).toList();
    }

    /** Lands customers as the source {@code source} would. */
    static void customers(SourceHarness harness, String source, Customer... customers) {
        harness.sync(new Source() {
            @Override public String id() { return source; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public Duration interval() { return Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                SourcePage page = new SourcePage();
                for (Customer c : List.of(customers)) {
                    page.customer(c, c.externalId());
                }
                context.commit(page);
            }
        });
    }
}
