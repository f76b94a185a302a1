package io.vitals.connector.hubspot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.Configs;

/** HubSpot objects shaped as the API documents them, and configurations, for the tests. */
final class HubSpotData {

    private HubSpotData() {
    }

    /** Epoch seconds of an ISO instant or date (midnight UTC). */
    static long t(String when) {
        return (when.length() == 10 ? Instant.parse(when + "T00:00:00Z") : Instant.parse(when)).getEpochSecond();
    }

    /** Properties from name, value pairs (values are strings or null, as HubSpot sends them). */
    static ObjectNode props(String... kv) {
        ObjectNode p = FakeHubSpot.JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                p.putNull(kv[i]);
            } else {
                p.put(kv[i], kv[i + 1]);
            }
        }
        return p;
    }

    /** A company created at {@code created} (an ISO instant), last modified a day later, with further properties. */
    static ObjectNode company(String id, String created, String... kv) {
        ObjectNode c = FakeHubSpot.JSON.createObjectNode();
        c.put("id", id);
        ObjectNode p = props(kv);
        p.put("createdate", created);
        if (!p.has("hs_lastmodifieddate")) {
            p.put("hs_lastmodifieddate", java.time.OffsetDateTime.parse(created).toInstant().plusSeconds(86_400).toString());
        }
        c.set("properties", p);
        c.put("createdAt", created);
        c.put("updatedAt", p.get("hs_lastmodifieddate").asText());
        c.put("archived", false);
        return c;
    }

    /** A deal of {@code company} (null: none) created at {@code created}, with further properties. */
    static ObjectNode deal(String id, String company, String created, String... kv) {
        ObjectNode d = company(id, created, kv);
        if (company != null) {
            ObjectNode results = FakeHubSpot.JSON.createObjectNode();
            results.putArray("results").addObject().put("id", company).put("type", "deal_to_company");
            d.putObject("associations").set("companies", results);
        }
        return d;
    }

    static ObjectNode owner(String id, String email, String first, String last) {
        ObjectNode o = FakeHubSpot.JSON.createObjectNode();
        o.put("id", id);
        o.put("email", email);
        o.put("type", "PERSON");
        o.put("firstName", first);
        o.put("lastName", last);
        o.put("userId", Integer.parseInt(id) * 1000);
        o.put("createdAt", "2024-01-01T00:00:00.000Z");
        o.put("updatedAt", "2024-01-01T00:00:00.000Z");
        o.put("archived", false);
        return o;
    }

    /**
     * Each record's external id and deleted_at (epoch seconds, or null) as the table of the harness in
     * {@code dir} holds them: read beside the store, which shows a query only what was not deleted before
     * the period's end.
     */
    static List<String> deletedAt(Path dir, String table) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db").toAbsolutePath());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT external_id, deleted_at FROM " + table + " ORDER BY external_id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getObject(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static HubSpotSource.Config config(Map<String, ?> values) {
        return Configs.of(HubSpotSource.Config.class, values);
    }

    /** The source "crm" on the fake, the token from a file under {@code home}, no pacing, with further keys. */
    static HubSpotSource source(FakeHubSpot fake, Path home, int pageSize, Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "crm");
        values.put("accessToken", "file:secrets.properties#hubspot");
        values.put("baseUrl", fake.url());
        values.put("pageSize", pageSize);
        values.put("requestsPerMinute", 0);
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new HubSpotSource(config(values), home);
    }
}
