package io.vitals.connector.salesforce;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * Maps Salesforce query records ({@code {"attributes":{...},"Id":...,"Owner":{...,"Name":...},...}},
 * fields as the query selected them, datetimes as {@code 2025-03-04T10:15:00.000+0000}, dates as
 * {@code 2026-03-31}, amounts as numbers in major units) to customers and deals on a page; a record
 * with IsDeleted = true (queryAll answers those in the recycle bin) to a deletion at its SystemModstamp;
 * what it cannot map goes to the page's rejects with the reason.
 */
final class SalesforceMapping {

    /** How the configuration maps fields. */
    record Settings(String regionField, String industryField, String ownerField, String planField, Map<String, String> attributes,
            String kindField, Map<String, DealKind> kindMap, DealKind defaultKind, Set<String> wonStages, Set<String> lostStages,
            String currencyField, String productField) {

        /** The fields {@code {fields}} stands for in the account query. */
        List<String> accountFields() {
            List<String> fields = new ArrayList<>(List.of("Id", "Name", "CreatedDate", "SystemModstamp", "IsDeleted"));
            add(fields, industryField, regionField, ownerField, planField);
            attributes.values().forEach(f -> add(fields, f));
            return List.copyOf(fields);
        }

        /** The fields {@code {fields}} stands for in the opportunity query. */
        List<String> opportunityFields() {
            List<String> fields = new ArrayList<>(List.of("Id", "AccountId", "Amount", "CloseDate", "CreatedDate", "IsClosed",
                    "IsDeleted", "IsWon", "StageName", "SystemModstamp"));
            add(fields, kindField, currencyField, productField);
            return List.copyOf(fields);
        }

        private static void add(List<String> fields, String... more) {
            for (String f : more) {
                if (f != null && fields.stream().noneMatch(x -> x.equalsIgnoreCase(f))) {
                    fields.add(f);
                }
            }
        }
    }

    /** A row that cannot be mapped, with the reason in one line. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Salesforce's datetimes: {@code 2025-03-04T10:15:00.000+0000}, and ISO ones with Z or +00:00. */
    private static final DateTimeFormatter SALESFORCE = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendPattern("[XXX][XX][X]").toFormatter(Locale.ROOT);
    private static final DateTimeFormatter LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String source;
    private final Settings settings;

    SalesforceMapping(String source, Settings settings) {
        this.source = source;
        this.settings = settings;
    }

    // ---- accounts

    void account(JsonNode a, SourcePage page) {
        String raw = a.toString();
        String id = value(a, "Id");
        try {
            if (id == null) {
                throw new Unmappable("account without an Id");
            }
            String what = "account " + id;
            if (deleted(a, "customers", id, what, page, raw)) {
                return;
            }
            Instant created = instant(a, "CreatedDate", what);
            if (created == null) {
                throw new Unmappable(what + ": CreatedDate is missing");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : settings.attributes().entrySet()) {
                String v = value(a, e.getValue());
                if (v != null) {
                    attributes.put(e.getKey(), v);
                }
            }
            page.customer(new Customer(0, source, id, value(a, "Name"), null, created, value(a, settings.planField()),
                    value(a, settings.regionField()), value(a, settings.ownerField()), value(a, settings.industryField()), attributes),
                    raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "account " + id + ": " + e.getMessage());
        }
    }

    // ---- opportunities

    void opportunity(JsonNode o, SourcePage page) {
        String raw = o.toString();
        String id = value(o, "Id");
        try {
            if (id == null) {
                throw new Unmappable("opportunity without an Id");
            }
            String what = "opportunity " + id;
            if (deleted(o, "deals", id, what, page, raw)) {
                return;
            }
            Instant created = instant(o, "CreatedDate", what);
            if (created == null) {
                throw new Unmappable(what + ": CreatedDate is missing");
            }
            long cents = cents(o, "Amount", what);
            DealStage stage = stage(o, what);
            Instant close = date(o, "CloseDate", what);
            DealKind kind = kind(o, what);
            String currency = value(o, settings.currencyField());
            String account = value(o, "AccountId");
            Deal deal = new Deal(0, source, id, null, kind, stage, cents, currency == null ? null : currency.toUpperCase(Locale.ROOT),
                    value(o, settings.productField()), created, close);
            page.deal(deal, account == null ? null : CustomerKey.of(source, account), raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "opportunity " + id + ": " + e.getMessage());
        }
    }

    /**
     * A record in the recycle bin goes to the page as a deletion, whatever its other fields hold (they
     * may no longer map, and need not); true when it did.
     */
    private static boolean deleted(JsonNode r, String entity, String id, String what, SourcePage page, String raw) throws Unmappable {
        if (!Boolean.TRUE.equals(bool(r, "IsDeleted", what))) {
            return false;
        }
        Instant at = instant(r, "SystemModstamp", what);
        if (at == null) {
            throw new Unmappable(what + ": deleted (IsDeleted) but without SystemModstamp, the moment it was deleted");
        }
        page.deleted(new Deletion(entity, id, at), raw);
        return true;
    }

    /** Won when IsWon, lost when IsClosed and not won, else open; the stage names for records without those fields. */
    private DealStage stage(JsonNode o, String what) throws Unmappable {
        String stage = value(o, "StageName");
        Boolean isWon = bool(o, "IsWon", what);
        Boolean isClosed = bool(o, "IsClosed", what);
        boolean won = isWon != null ? isWon : stage != null && contains(settings.wonStages(), stage);
        boolean closed = isClosed != null ? isClosed || won : won || stage != null && contains(settings.lostStages(), stage);
        return won ? DealStage.WON : closed ? DealStage.LOST : DealStage.OPEN;
    }

    private static boolean contains(Set<String> names, String value) {
        return names.stream().anyMatch(n -> n.equalsIgnoreCase(value));
    }

    private DealKind kind(JsonNode o, String what) throws Unmappable {
        String value = value(o, settings.kindField());
        if (value == null) {
            return settings.defaultKind();
        }
        for (Map.Entry<String, DealKind> e : settings.kindMap().entrySet()) {
            if (e.getKey().equalsIgnoreCase(value)) {
                return e.getValue();
            }
        }
        throw new Unmappable(what + ": " + settings.kindField() + " '" + value + "' is not in kindMap (it maps "
                + (settings.kindMap().isEmpty() ? "nothing" : String.join(", ", settings.kindMap().keySet())) + ")");
    }

    // ---- values

    /** The node at a field or dotted path (Owner.Name), field names matched without regard to case; null when absent. */
    static JsonNode node(JsonNode record, String path) {
        if (path == null) {
            return null;
        }
        JsonNode at = record;
        for (String part : path.split("\\.")) {
            if (at == null || !at.isObject()) {
                return null;
            }
            JsonNode next = at.get(part);
            if (next == null) {
                for (Iterator<String> names = at.fieldNames(); names.hasNext();) {
                    String name = names.next();
                    if (name.equalsIgnoreCase(part)) {
                        next = at.get(name);
                        break;
                    }
                }
            }
            at = next;
        }
        return at == null || at.isNull() || at.isMissingNode() ? null : at;
    }

    /** A field's value as text (numbers in plain notation), trimmed; null when absent, null or blank. */
    static String value(JsonNode record, String path) {
        JsonNode v = node(record, path);
        if (v == null) {
            return null;
        }
        String s = v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.isValueNode() ? v.asText() : v.toString();
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode r, String field, String what) throws Unmappable {
        String v = value(r, field);
        if (v == null) {
            return null;
        }
        Instant at = parseInstant(v);
        if (at == null) {
            throw new Unmappable(what + ": " + field + " '" + v + "' is not a datetime");
        }
        return at;
    }

    /** A date field (2026-03-31) as midnight UTC; a datetime is taken as it is. */
    private static Instant date(JsonNode r, String field, String what) throws Unmappable {
        String v = value(r, field);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            Instant at = parseInstant(v);
            if (at == null) {
                throw new Unmappable(what + ": " + field + " '" + v + "' is not a date");
            }
            return at;
        }
    }

    /** A Salesforce or ISO datetime; null when it is not one. */
    static Instant parseInstant(String v) {
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.trim(), SALESFORCE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Boolean bool(JsonNode r, String field, String what) throws Unmappable {
        JsonNode v = node(r, field);
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String s = v.asText().trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new Unmappable(what + ": " + field + " '" + s + "' is neither true nor false");
    }

    /** An amount in major units (a number, or a decimal string) as cents, half up beyond the cent; null is 0. */
    static long cents(JsonNode r, String field, String what) throws Unmappable {
        JsonNode v = node(r, field);
        if (v == null) {
            return 0;
        }
        BigDecimal amount;
        if (v.isNumber()) {
            amount = v.decimalValue();
        } else {
            String s = v.asText().trim();
            if (s.isEmpty()) {
                return 0;
            }
            try {
                amount = new BigDecimal(s);
            } catch (NumberFormatException e) {
                throw new Unmappable(what + ": " + field + " '" + s + "' is not a number");
            }
        }
        if (amount.signum() < 0) {
            throw new Unmappable(what + ": " + field + " " + amount.toPlainString() + " is negative");
        }
        try {
            return amount.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new Unmappable(what + ": " + field + " " + amount.toPlainString() + " is too large");
        }
    }

    /** A record's SystemModstamp as a SOQL datetime literal to the second (2025-06-01T08:00:00Z), or null. */
    static String modstamp(JsonNode r) {
        Instant at = parseInstant(value(r, "SystemModstamp"));
        return at == null ? null : LITERAL.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The later of two datetime literals (either may be null). */
    static String later(String a, String b) {
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
