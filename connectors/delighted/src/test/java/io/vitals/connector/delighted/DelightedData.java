package io.vitals.connector.delighted;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.model.Customer;
import io.vitals.testkit.Configs;
import io.vitals.testkit.SourceHarness;

/** Configurations and customers for the tests. */
final class DelightedData {

    /** 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600L;

    private DelightedData() {
    }

    static DelightedSource.Config config(Map<String, ?> values) {
        return Configs.of(DelightedSource.Config.class, values);
    }

    /** The source "nps" reading the fake with the key in secrets.properties, matching by person property customer_id. */
    static DelightedSource source(FakeDelighted fake, Path home, int pageSize, Object... more) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "nps");
        values.put("apiKey", "file:secrets.properties#delighted");
        values.put("baseUrl", fake.url());
        values.put("pageSize", pageSize);
        values.put("customerSource", "hubspot-main");
        values.put("customerIdProperty", "customer_id");
        for (int i = 0; i < more.length; i += 2) {
            values.put((String) more[i], more[i + 1]);
        }
        return new DelightedSource(config(values), home);
    }

    static Customer customer(String source, String id, String email) {
        return new Customer(0, source, id, "Customer " + id, email, Instant.parse("2025-01-01T00:00:00Z"), "pro", null, null, null,
                Map.of());
    }

    /** Rows of a query with every number as a Long, for comparing with expected values. */
    static List<Map<String, Object>> rows(SourceHarness harness, String sql) {
        return harness.rows(sql).stream().map(r -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
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
