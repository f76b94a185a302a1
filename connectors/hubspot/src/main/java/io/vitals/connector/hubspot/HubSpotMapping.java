package io.vitals.connector.hubspot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.Deletion;
import io.vitals.connector.SourcePage;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;

/**
 * Maps HubSpot's company and deal objects ({@code {"id":..., "properties":{...}, "createdAt":...,
 * "updatedAt":..., "associations":{...}}}, every property value a string or null) to customers
 * and deals on a page, and archived ones ({@code "archived":true, "archivedAt":...}) to deletions;
 * what it cannot map goes to the page's rejects with the reason.
 */
final class HubSpotMapping {

    /** How the configuration maps properties. */
    record Settings(String regionProperty, String industryProperty, String planProperty, String ownerDisplay,
            Map<String, String> attributes, String kindProperty, Map<String, DealKind> kindMap, DealKind defaultKind,
            Set<String> wonStages, Set<String> lostStages, String productProperty) {

        List<String> companyProperties() {
            Set<String> p = new LinkedHashSet<>(List.of("name", "createdate", "hs_lastmodifieddate", "hubspot_owner_id"));
            for (String s : new String[] {regionProperty, industryProperty, planProperty}) {
                if (s != null) {
                    p.add(s);
                }
            }
            p.addAll(attributes.values());
            return List.copyOf(p);
        }

        List<String> dealProperties() {
            Set<String> p = new LinkedHashSet<>(List.of("dealname", "amount", "closedate", "createdate", "dealstage", "pipeline",
                    "hs_is_closed_won", "hs_is_closed", "deal_currency_code", "hs_lastmodifieddate", kindProperty));
            if (productProperty != null) {
                p.add(productProperty);
            }
            return List.copyOf(p);
        }
    }

    /** A row that cannot be mapped, with the reason in one line. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String source;
    private final Settings settings;
    private final Map<String, String> owners;

    HubSpotMapping(String source, Settings settings, Map<String, String> owners) {
        this.source = source;
        this.settings = settings;
        this.owners = owners;
    }

    // ---- companies

    void company(JsonNode c, SourcePage page) {
        String raw = c.toString();
        String id = text(c, "id");
        try {
            if (id == null || id.isBlank()) {
                throw new Unmappable("company without an id");
            }
            String what = "company " + id;
            JsonNode props = c.path("properties");
            Instant signup = instant(props, "createdate", what);
            if (signup == null) {
                signup = topLevelInstant(c, "createdAt", what);
            }
            if (signup == null) {
                throw new Unmappable(what + ": createdate is missing (and so is createdAt)");
            }
            String ownerId = prop(props, "hubspot_owner_id");
            String csm = ownerId == null ? null : owners.getOrDefault(ownerId, ownerId);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Map.Entry<String, String> a : settings.attributes().entrySet()) {
                String v = prop(props, a.getValue());
                if (v != null) {
                    attributes.put(a.getKey(), v);
                }
            }
            page.customer(new Customer(0, source, id, prop(props, "name"), null, signup, prop(props, settings.planProperty()),
                    prop(props, settings.regionProperty()), csm, prop(props, settings.industryProperty()), attributes), raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "company " + id + ": " + e.getMessage());
        }
    }

    // ---- deals

    void deal(JsonNode d, SourcePage page) {
        String raw = d.toString();
        String id = text(d, "id");
        try {
            if (id == null || id.isBlank()) {
                throw new Unmappable("deal without an id");
            }
            String what = "deal " + id;
            JsonNode props = d.path("properties");
            Instant created = instant(props, "createdate", what);
            if (created == null) {
                created = topLevelInstant(d, "createdAt", what);
            }
            if (created == null) {
                throw new Unmappable(what + ": createdate is missing (and so is createdAt)");
            }
            long cents = cents(props, "amount", what);
            DealStage stage = stage(props, what);
            Instant closedAt = instant(props, "closedate", what);
            DealKind kind = kind(props, what);
            String currency = prop(props, "deal_currency_code");
            String company = company(d);
            Deal deal = new Deal(0, source, id, null, kind, stage, cents, currency == null ? null : currency.toUpperCase(Locale.ROOT),
                    prop(props, settings.productProperty()), created, closedAt);
            page.deal(deal, company == null ? null : CustomerKey.of(source, company), raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "deal " + id + ": " + e.getMessage());
        }
    }

    /** Won when hs_is_closed_won says so, lost when hs_is_closed does and it is not won; the stage ids when those are absent. */
    private DealStage stage(JsonNode props, String what) throws Unmappable {
        String stage = prop(props, "dealstage");
        Boolean closedWon = bool(props, "hs_is_closed_won", what);
        Boolean closed = bool(props, "hs_is_closed", what);
        boolean won = closedWon != null ? closedWon : stage != null && settings.wonStages().contains(stage);
        boolean isClosed = closed != null ? closed || won
                : won || stage != null && settings.lostStages().contains(stage);
        return won ? DealStage.WON : isClosed ? DealStage.LOST : DealStage.OPEN;
    }

    private DealKind kind(JsonNode props, String what) throws Unmappable {
        String value = prop(props, settings.kindProperty());
        if (value == null) {
            return settings.defaultKind();
        }
        DealKind kind = settings.kindMap().get(value.toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new Unmappable(what + ": " + settings.kindProperty() + " '" + value + "' is not in kindMap (it maps "
                    + (settings.kindMap().isEmpty() ? "nothing" : String.join(", ", settings.kindMap().keySet())) + ")");
        }
        return kind;
    }

    /** The deal's company: the primary association (deal_to_company), else the first one. */
    static String company(JsonNode d) {
        String first = null;
        for (JsonNode a : d.path("associations").path("companies").path("results")) {
            String id = text(a, "id");
            if (id == null || id.isBlank()) {
                continue;
            }
            if ("deal_to_company".equals(text(a, "type"))) {
                return id;
            }
            if (first == null) {
                first = id;
            }
        }
        return first;
    }

    // ---- archived

    /**
     * An object of {@code list} (companies or deals) that HubSpot lists as archived: the customer or deal
     * deleted from its {@code archivedAt} on.
     */
    void archived(String list, JsonNode o, SourcePage page) {
        String raw = o.toString();
        String kind = list.equals("companies") ? "company" : "deal";
        String id = text(o, "id");
        try {
            if (id == null || id.isBlank()) {
                throw new Unmappable("archived " + kind + " without an id");
            }
            String what = "archived " + kind + " " + id;
            Instant at = topLevelInstant(o, "archivedAt", what);
            if (at == null) {
                throw new Unmappable(what + ": archivedAt is missing");
            }
            page.deleted(new Deletion(list.equals("companies") ? "customers" : "deals", id, at), raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        }
    }

    // ---- values

    /** A property's value, trimmed; null when absent, null or blank (or when {@code name} is null). */
    static String prop(JsonNode props, String name) {
        if (name == null) {
            return null;
        }
        JsonNode v = props.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.isValueNode() ? v.asText() : v.toString();
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode props, String name, String what) throws Unmappable {
        String v = prop(props, name);
        if (v == null) {
            return null;
        }
        Instant at = parseInstant(v);
        if (at == null) {
            throw new Unmappable(what + ": " + name + " '" + v + "' is not a date");
        }
        return at;
    }

    private static Instant topLevelInstant(JsonNode object, String field, String what) throws Unmappable {
        String v = text(object, field);
        if (v == null || v.isBlank()) {
            return null;
        }
        Instant at = parseInstant(v.trim());
        if (at == null) {
            throw new Unmappable(what + ": " + field + " '" + v + "' is not a date");
        }
        return at;
    }

    /** An ISO instant or offset date-time, a date (midnight UTC) or epoch milliseconds; null when it is none of those. */
    static Instant parseInstant(String v) {
        try {
            if (v.matches("-?\\d{10,}")) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static Boolean bool(JsonNode props, String name, String what) throws Unmappable {
        String v = prop(props, name);
        if (v == null) {
            return null;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new Unmappable(what + ": " + name + " '" + v + "' is neither true nor false");
    }

    /** A decimal amount in major units as cents (half up beyond the cent); empty is 0. */
    static long cents(JsonNode props, String name, String what) throws Unmappable {
        String v = prop(props, name);
        if (v == null) {
            return 0;
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw new Unmappable(what + ": " + name + " '" + v + "' is not a number");
        }
        if (amount.signum() < 0) {
            throw new Unmappable(what + ": " + name + " '" + v + "' is negative");
        }
        try {
            return amount.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new Unmappable(what + ": " + name + " '" + v + "' is too large");
        }
    }

    /** When an object was last modified, as an ISO instant: hs_lastmodifieddate, else updatedAt; null when neither parses. */
    static String modified(JsonNode object) {
        String v = prop(object.path("properties"), "hs_lastmodifieddate");
        Instant at = v == null ? null : parseInstant(v);
        if (at == null) {
            String u = text(object, "updatedAt");
            at = u == null ? null : parseInstant(u.trim());
        }
        return at == null ? null : at.toString();
    }

    /** The later of two ISO instants (either may be null). */
    static String later(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Instant x = parseInstant(a);
        Instant y = parseInstant(b);
        if (x == null) {
            return y == null ? null : b;
        }
        return y != null && y.isAfter(x) ? b : a;
    }

    static String kindMapText(Map<String, DealKind> kindMap) {
        StringJoiner j = new StringJoiner(",");
        kindMap.forEach((value, kind) -> j.add(value + "=" + kind.code()));
        return j.toString();
    }
}
