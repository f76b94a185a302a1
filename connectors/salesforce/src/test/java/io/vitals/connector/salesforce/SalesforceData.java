package io.vitals.connector.salesforce;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.Configs;

/** Salesforce records shaped as the API documents them, and configurations, for the tests. */
final class SalesforceData {

    private SalesforceData() {
    }

    /** Epoch seconds of an ISO instant or date (midnight UTC). */
    static long t(String when) {
        return (when.length() == 10 ? Instant.parse(when + "T00:00:00Z") : Instant.parse(when)).getEpochSecond();
    }

    /** A Salesforce datetime, as the API writes it: 2025-03-04T10:15:00.000+0000. */
    static String sf(String isoInstant) {
        return isoInstant.replace("Z", "").concat(isoInstant.contains(".") ? "+0000" : ".000+0000");
    }

    /** An object from name, value pairs (String, Number, Boolean, JsonNode or null). */
    static ObjectNode obj(Object... kv) {
        ObjectNode o = FakeSalesforce.JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            String k = (String) kv[i];
            Object v = kv[i + 1];
            if (v == null) {
                o.putNull(k);
            } else if (v instanceof JsonNode n) {
                o.set(k, n);
            } else if (v instanceof Boolean b) {
                o.put(k, b);
            } else if (v instanceof Integer n) {
                o.put(k, n);
            } else if (v instanceof Long n) {
                o.put(k, n);
            } else if (v instanceof Double n) {
                o.put(k, BigDecimal.valueOf(n));
            } else if (v instanceof BigDecimal n) {
                o.put(k, n);
            } else {
                o.put(k, (String) v);
            }
        }
        return o;
    }

    static ObjectNode owner(String name, String email) {
        return obj("Id", "005" + Math.abs(name.hashCode()), "Name", name, "Email", email);
    }

    /** An account created at {@code created} and last modified at {@code modified} (ISO instants), with further fields. */
    static ObjectNode account(String id, String name, String created, String modified, Object... kv) {
        ObjectNode a = obj("Id", id, "Name", name, "CreatedDate", sf(created), "SystemModstamp", sf(modified));
        a.setAll(obj(kv));
        return a;
    }

    /** An opportunity of {@code account} (null: none), with further fields. */
    static ObjectNode opportunity(String id, String account, String created, String modified, Object... kv) {
        ObjectNode o = obj("Id", id, "Name", "Opportunity " + id, "AccountId", account, "CreatedDate", sf(created),
                "SystemModstamp", sf(modified), "IsClosed", false, "IsWon", false, "StageName", "Prospecting", "Amount", null,
                "CloseDate", null, "Type", null);
        o.setAll(obj(kv));
        return o;
    }

    static SalesforceSource.Config config(Map<String, ?> values) {
        return Configs.of(SalesforceSource.Config.class, values);
    }

    /** The source "crm" on the fake, the access token from a file under {@code home}, with further keys. */
    static SalesforceSource source(FakeSalesforce fake, Path home, Object... kv) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", "crm");
        values.put("instanceUrl", fake.url());
        values.put("accessToken", "file:secrets.properties#salesforce");
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new SalesforceSource(config(values), home);
    }
}
