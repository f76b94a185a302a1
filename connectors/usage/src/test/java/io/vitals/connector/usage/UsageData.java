package io.vitals.connector.usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.model.Customer;
import io.vitals.testkit.Configs;
import io.vitals.testkit.SourceHarness;

/** Configurations, Segment calls, files and customers for the tests. */
final class UsageData {

    static final ObjectMapper JSON = new ObjectMapper();

    private UsageData() {
    }

    static UsageSource.Config config(Map<String, ?> values) {
        return Configs.of(UsageSource.Config.class, values);
    }

    /** The source "product" reading {@code <home>/usage}, accounts being billing's customers; {@code more} overrides. */
    static UsageSource source(Path home, int pageSize, Object... more) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "product");
        values.put("folder", "usage");
        values.put("customerSource", "billing");
        values.put("pageSize", pageSize);
        for (int i = 0; i < more.length; i += 2) {
            values.put((String) more[i], more[i + 1]);
        }
        return new UsageSource(config(values), home);
    }

    /** A track call; {@code messageId} null leaves it out; the account goes in context.groupId. */
    static String track(String messageId, String user, String event, String timestamp, String account) {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "track");
        c.put("event", event);
        c.put("userId", user);
        if (messageId != null) {
            c.put("messageId", messageId);
        }
        c.put("timestamp", timestamp);
        ObjectNode context = c.putObject("context");
        context.put("library", "analytics.js");
        if (account != null) {
            context.put("groupId", account);
        }
        c.putObject("properties").put("plan", "pro").putArray("tags").add("a").add("b");
        return c.toString();
    }

    static String identify(String user, String timestamp, String account, String createdAt) {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "identify");
        c.put("userId", user);
        c.put("messageId", "id-" + user + "-" + timestamp);
        c.put("timestamp", timestamp);
        ObjectNode traits = c.putObject("traits");
        traits.put("email", user + "@example.com");
        if (createdAt != null) {
            traits.put("createdAt", createdAt);
        }
        if (account != null) {
            traits.putObject("company").put("id", account).put("name", "Account " + account);
        }
        return c.toString();
    }

    static String group(String user, String account, String timestamp) {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "group");
        c.put("userId", user);
        c.put("groupId", account);
        c.put("timestamp", timestamp);
        c.putObject("traits").put("name", "Account " + account).put("plan", "pro");
        return c.toString();
    }

    static Path write(Path folder, String name, String... lines) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(name);
        Files.writeString(file, String.join("\n", lines) + (lines.length == 0 ? "" : "\n"), StandardCharsets.UTF_8);
        return file;
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    static long t(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    static Customer customer(String source, String id) {
        return new Customer(0, source, id, "Account " + id, null, Instant.parse("2025-01-01T00:00:00Z"), "pro", null, null, null,
                Map.of());
    }

    /** Lands customers as the source {@code source} would. */
    static void customers(SourceHarness harness, String source, String... ids) {
        harness.sync(new Source() {
            @Override public String id() { return source; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public Duration interval() { return Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                SourcePage page = new SourcePage();
                for (String id : ids) {
                    page.customer(customer(source, id), id);
                }
                context.commit(page);
            }
        });
    }

    /** Rows of a query with every number as a Long. */
    static List<Map<String, Object>> rows(SourceHarness harness, String sql) {
        return harness.rows(sql).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            r.forEach((k, v) -> m.put(k, v instanceof Number n ? (Object) n.longValue() : v));
            return m;
        }).toList();
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
