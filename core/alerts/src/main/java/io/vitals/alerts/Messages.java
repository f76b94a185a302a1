package io.vitals.alerts;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.alert.Alert;

/** How an alert reads: one line for the log and the shell, and the JSON body a webhook posts. */
final class Messages {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Messages() {
    }

    static String number(Double value) {
        if (value == null) {
            return "no data";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", value.longValue());
        }
        return String.format(Locale.ROOT, "%,.2f", value);
    }

    /**
     * The body for Slack's and Teams' incoming webhooks: Slack reads {@code text}; Teams reads the
     * MessageCard fields ({@code @type}, {@code summary}, {@code themeColor}, {@code title}, and
     * {@code text} too). {@code vitals} carries the alert's fields for a receiver of our own.
     */
    static String webhookBody(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        String title = (a.worse() ? "Vitals alert: " : "Vitals: ") + a.kpi() + (a.segment().isEmpty() ? "" : " (" + a.segment() + ")")
                + " " + (a.from() == null ? "customers in " + a.to() : a.to().toLowerCase(Locale.ROOT));
        o.put("text", (a.worse() ? ":warning: " : ":white_check_mark: ") + a.message());
        o.put("@type", "MessageCard");
        o.put("@context", "https://schema.org/extensions");
        o.put("summary", title);
        o.put("title", title);
        o.put("themeColor", color(a));
        ObjectNode v = o.putObject("vitals");
        v.put("id", a.id());
        v.put("rule", a.rule());
        v.put("kpi", a.kpi());
        v.put("segment", a.segment());
        if (a.customerId() != null) {
            v.put("customerId", a.customerId());
        }
        v.put("from", a.from());
        v.put("to", a.to());
        if (a.value() != null) {
            v.put("value", a.value());
        }
        if (a.target() != null) {
            v.put("target", a.target());
        }
        v.put("raisedAt", a.raisedAt().toString());
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String color(Alert a) {
        return switch (a.to() == null ? "" : a.to().toUpperCase(Locale.ROOT)) {
            case "GREEN" -> "2EB67D";
            case "YELLOW" -> "ECB22E";
            default -> "E01E5A";
        };
    }

}
