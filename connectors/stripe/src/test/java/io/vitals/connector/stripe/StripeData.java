package io.vitals.connector.stripe;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stripe objects shaped as the API documents them, and configurations, for the tests. */
final class StripeData {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StripeData() {
    }

    /** Epoch seconds of an ISO instant or date (midnight UTC). */
    static long t(String when) {
        return (when.length() == 10 ? Instant.parse(when + "T00:00:00Z") : Instant.parse(when)).getEpochSecond();
    }

    /** An object from key, value pairs (values: String, Number, Boolean, JsonNode, List, null). */
    static ObjectNode obj(Object... kv) {
        ObjectNode o = F.objectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], node(kv[i + 1]));
        }
        return o;
    }

    static ArrayNode arr(Object... values) {
        ArrayNode a = F.arrayNode();
        for (Object v : values) {
            a.add(node(v));
        }
        return a;
    }

    private static JsonNode node(Object v) {
        if (v == null) {
            return F.nullNode();
        }
        if (v instanceof JsonNode n) {
            return n;
        }
        if (v instanceof String s) {
            return F.textNode(s);
        }
        if (v instanceof Integer n) {
            return F.numberNode(n);
        }
        if (v instanceof Long n) {
            return F.numberNode(n);
        }
        if (v instanceof Double n) {
            return F.numberNode(n);
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof List<?> l) {
            return arr(l.toArray());
        }
        throw new IllegalArgumentException("no JSON for " + v.getClass());
    }

    static ObjectNode customer(String id, String email, String created) {
        return obj("id", id, "object", "customer", "email", email, "name", "Name of " + id, "created", t(created),
                "metadata", obj(), "address", null, "currency", "usd", "livemode", false);
    }

    /** A recurring price (2018 on: items carry a price). */
    static ObjectNode price(String id, Long unitAmount, String currency, String interval, int count) {
        return obj("id", id, "object", "price", "active", true, "billing_scheme", unitAmount == null ? "tiered" : "per_unit",
                "currency", currency, "nickname", id.replace("price_", ""), "product", "prod_" + id.replace("price_", ""),
                "recurring", obj("interval", interval, "interval_count", count, "usage_type", "licensed"),
                "type", "recurring", "unit_amount", unitAmount,
                "unit_amount_decimal", unitAmount == null ? null : String.valueOf(unitAmount));
    }

    static ObjectNode item(String id, JsonNode price, int quantity) {
        return obj("id", id, "object", "subscription_item", "price", price, "quantity", quantity);
    }

    /** An active subscription of these items (older API shape: no period fields on items). */
    static ObjectNode subscription(String id, String customer, String currency, String start, ObjectNode... items) {
        ArrayNode data = arr((Object[]) items);
        return obj("id", id, "object", "subscription", "customer", customer, "status", "active", "currency", currency,
                "created", t(start), "start_date", t(start), "billing_cycle_anchor", t(start),
                "cancel_at", null, "cancel_at_period_end", false, "canceled_at", null, "ended_at", null,
                "trial_start", null, "trial_end", null, "discount", null, "discounts", arr(),
                "items", obj("object", "list", "data", data, "has_more", false, "total_count", items.length,
                        "url", "/v1/subscription_items?subscription=" + id),
                "metadata", obj(), "livemode", false);
    }

    static ObjectNode coupon(String id, Double percentOff, Long amountOff, String currency) {
        return obj("id", id, "object", "coupon", "percent_off", percentOff, "amount_off", amountOff, "currency", currency,
                "duration", "forever", "valid", true);
    }

    /** A discount as older API versions write it: the coupon embedded. */
    static ObjectNode discount(String id, ObjectNode coupon, String start, String end) {
        return obj("id", id, "object", "discount", "coupon", coupon, "start", t(start), "end", end == null ? null : t(end));
    }

    static ObjectNode invoice(String id, String customer, String status, String created) {
        return obj("id", id, "object", "invoice", "customer", customer, "status", status, "created", t(created),
                "currency", "usd", "billing_reason", "manual", "due_date", null,
                "status_transitions", obj("finalized_at", t(created), "paid_at", null, "voided_at", null),
                "subscription", null, "subtotal", null, "total", null, "total_excluding_tax", null, "tax", null,
                "livemode", false);
    }

    /** A configuration as ConfigAdmin would hand it over: the given values, every other attribute its default. */
    static StripeSource.Config config(Map<String, Object> values) {
        Map<String, Object> v = new HashMap<>(values);
        return (StripeSource.Config) Proxy.newProxyInstance(StripeSource.Config.class.getClassLoader(),
                new Class<?>[] {StripeSource.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> StripeSource.Config.class;
                    case "toString" -> "Config" + v;
                    case "hashCode" -> v.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> v.containsKey(method.getName()) ? v.get(method.getName()) : method.getDefaultValue();
                });
    }

    /** A source named billing reading the fake, its key in {@code dir/secrets.properties} under "stripe". */
    static StripeSource source(FakeStripe fake, Path home, int pageSize) {
        return new StripeSource(config(Map.of("id", "billing", "apiKey", "file:secrets.properties#stripe",
                "baseUrl", fake.url(), "pageSize", pageSize)), home);
    }
}
