package io.vitals.connector.tabular;

import java.lang.reflect.Array;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.vitals.connector.tabular.Entity.Field;

/**
 * A source's mapping from rows to records, read from its configuration properties (the keys
 * below; any other key is the connector's own and ignored here):
 *
 * <pre>
 * entity = subscriptions                  customers, subscriptions, invoices, survey_responses, tickets, users,
 *                                         usage_events, deals, advocacy_events, onboarding_milestones, costs,
 *                                         cancellations
 * map.externalId = id                     the column that gives each field (see {@link Entity} for the fields)
 * map.status = Churn + Churn Reason      several columns give one field: their values joined by "|" ("Yes|Price"),
 *                                         for value.status.Yes|Price = canceled
 * map.attributes = Company size, Country  customers, tickets: these columns become attributes of the same name
 * attribute.size = Company size           customers, tickets: this column becomes the attribute "size"
 * where.Churn = Yes, True                 only rows whose Churn is one of these (case does not matter) become records;
 *                                         where.Churn = * keeps rows where it is not empty. The others are skipped:
 *                                         counted as read and as skipped, neither records nor rejects
 * whereNot.Status = test, internal        rows whose Status is one of these are skipped
 * default.currency = USD                  the value when the column is absent or empty
 * value.status.Yes = canceled             a raw value translated before it is read (case does not matter)
 * dateFormat = MM/dd/yyyy                 iso (default), epoch, epoch_ms, a java.time pattern, months_before:2024-06-01
 * dateFormat.startedAt = epoch            the format of one field, when it differs
 * timezone = Europe/Paris                 for dates and local date-times (default UTC)
 * amountsIn = major                       major ("49.90" is 4990 cents, default) or minor (cents already)
 * customerSource = crm                    the source whose customer ids the customer column holds (default: this source)
 * customerBy = id                         id (default) or email: what the customer column holds
 * customerThrough = subscriptions         the customer column holds the id of a subscription of customerSource, and
 *                                         the record's customer is that subscription's (a row kept until it is known)
 * complete = true                         the file (the query) holds every customer or subscription: one gone from
 *                                         it was deleted at the source, and stops counting from that sync on
 * duplicates = last                       a second row with an id read earlier in the same pass: last (it wins,
 *                                         counted as a duplicate, default) or reject (kept in the rejects)
 * </pre>
 *
 * Everything is checked when the mapping is made: a key naming no field, a default or a
 * translation the field cannot read, a required field nothing gives.
 */
public final class TabularMapping {

    private static final Pattern SOURCE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private final Entity entity;
    private final boolean rowIds;
    private final Map<String, String> columns = new LinkedHashMap<>();
    /** The columns of a field that several give ({@code map.status = Churn + Reason}), in order. */
    private final Map<String, java.util.List<String>> joined = new HashMap<>();
    private final java.util.List<RowFilter> filters = new java.util.ArrayList<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> translations = new HashMap<>();
    private final Map<String, DateFormat> dateFormats = new HashMap<>();
    private final DateFormat dateFormat;
    private final ZoneId zone;
    private final boolean minorUnits;
    private final String customerSource;
    private final boolean customerByEmail;
    private final boolean customerThroughSubscriptions;
    private final boolean rejectDuplicates;
    private final boolean complete;
    private final Map<String, String> settings = new LinkedHashMap<>();

    /**
     * @param properties the source's configuration (a component's properties); values are strings,
     *        or arrays or collections of strings for a list
     * @param rowIds true when the connector gives every row a stable id of its own (file name and
     *        row number), so {@code map.externalId} may be left out
     * @throws IllegalArgumentException with a one-line message naming the key and what would be right
     */
    public static TabularMapping of(Map<String, ?> properties, boolean rowIds) {
        return new TabularMapping(properties, rowIds);
    }

    private TabularMapping(Map<String, ?> properties, boolean rowIds) {
        this.rowIds = rowIds;
        Map<String, String> p = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        properties.forEach((k, v) -> {
            String text = text(v);
            if (text != null) {
                p.put(k, text);
            }
        });
        this.entity = Entity.of(p.getOrDefault("entity", ""));
        settings.put("entity", entity.code());

        String zoneText = p.getOrDefault("timezone", "").trim();
        try {
            this.zone = ZoneId.of(zoneText.isEmpty() ? "UTC" : zoneText);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timezone = " + zoneText + " is not a time zone (e.g. UTC, Europe/Paris, America/New_York)");
        }
        this.dateFormat = DateFormat.of("dateFormat", p.get("dateFormat"), zone);
        if (dateFormat.base() != null) {
            throw new IllegalArgumentException("dateFormat = " + dateFormat.spec() + ": only one field's format can count from"
                    + " another field; write dateFormat.<field> = " + dateFormat.spec());
        }

        String amounts = p.getOrDefault("amountsIn", "major").trim().toLowerCase(Locale.ROOT);
        if (!amounts.equals("major") && !amounts.equals("minor")) {
            throw new IllegalArgumentException("amountsIn must be major (\"49.90\" is 49.90) or minor (\"4990\" is 49.90); got '"
                    + amounts + "'");
        }
        this.minorUnits = amounts.equals("minor");

        String by = p.getOrDefault("customerBy", "id").trim().toLowerCase(Locale.ROOT);
        if (!by.equals("id") && !by.equals("email")) {
            throw new IllegalArgumentException("customerBy must be id (the customer column holds customer ids) or email; got '" + by + "'");
        }
        this.customerByEmail = by.equals("email");
        String dup = p.getOrDefault("duplicates", "last").trim().toLowerCase(Locale.ROOT);
        if (!dup.equals("last") && !dup.equals("reject")) {
            throw new IllegalArgumentException("duplicates must be last (a later row with an id read before wins) or reject; got '"
                    + io.vitals.kpi.Texts.clip(dup) + "'");
        }
        this.rejectDuplicates = dup.equals("reject");
        String whole = p.getOrDefault("complete", "false").trim().toLowerCase(Locale.ROOT);
        if (!whole.equals("true") && !whole.equals("false")) {
            throw new IllegalArgumentException("complete must be true or false; got '" + io.vitals.kpi.Texts.clip(whole) + "'");
        }
        this.complete = whole.equals("true");
        if (complete && entity != Entity.CUSTOMERS && entity != Entity.SUBSCRIPTIONS) {
            throw new IllegalArgumentException("complete = true tells deletions of customers or subscriptions, not of " + entity.code());
        }
        String cs = p.getOrDefault("customerSource", "").trim().toLowerCase(Locale.ROOT);
        if (!cs.isEmpty() && !SOURCE_ID.matcher(cs).matches()) {
            throw new IllegalArgumentException("customerSource must be a source id (lower-case letters, digits, dots, dashes,"
                    + " underscores); got '" + cs + "'");
        }
        this.customerSource = cs.isEmpty() ? null : cs;
        String through = p.getOrDefault("customerThrough", "").trim().toLowerCase(Locale.ROOT);
        if (!through.isEmpty() && !through.equals(io.vitals.connector.CustomerKey.THROUGH_SUBSCRIPTIONS)) {
            throw new IllegalArgumentException("customerThrough can only be subscriptions (the customer column holds a"
                    + " subscription's id); got '" + io.vitals.kpi.Texts.clip(through) + "'");
        }
        this.customerThroughSubscriptions = !through.isEmpty();
        if (customerThroughSubscriptions && (entity.customer() == Entity.CustomerRule.NONE || entity == Entity.SUBSCRIPTIONS)) {
            throw new IllegalArgumentException("customerThrough = subscriptions finds the customer of a record through its"
                    + " subscription; " + entity.code() + " cannot be found that way");
        }
        if (customerThroughSubscriptions && customerByEmail) {
            throw new IllegalArgumentException("customerThrough = subscriptions and customerBy = email contradict each other:"
                    + " the customer column holds either a subscription's id or an e-mail address");
        }

        // map.*, attribute.*, default.*, value.*.*, dateFormat.*
        Map<String, String> valueSettings = new TreeMap<>();
        Map<String, String> formatSettings = new TreeMap<>();
        for (Map.Entry<String, String> e : p.entrySet()) {
            String key = e.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            String value = e.getValue();
            if (lower.startsWith("map.")) {
                String name = key.substring(4);
                if (name.equalsIgnoreCase("attributes")) {
                    requireCustomers(key);
                    for (String column : value.split(",")) {
                        if (!column.isBlank()) {
                            attributes.put(column.trim(), column.trim());
                        }
                    }
                    continue;
                }
                Field f = field(key, name);
                if (value.isBlank()) {
                    throw new IllegalArgumentException(key + " needs a column name");
                }
                java.util.List<String> parts = java.util.Arrays.stream(value.trim().split("(?:^|\\s)\\+(?:\\s|$)", -1)).map(String::trim).toList();
                if (parts.stream().anyMatch(String::isEmpty)) {
                    throw new IllegalArgumentException(key + " = " + value.trim() + ": write the columns as A + B");
                }
                if (parts.size() > 1) {
                    joined.put(f.name(), parts);
                }
                columns.put(f.name(), String.join(" + ", parts));
            } else if (lower.startsWith("where.") || lower.startsWith("wherenot.")) {
                boolean not = lower.startsWith("wherenot.");
                String column = key.substring(not ? 9 : 6).trim();
                if (column.isEmpty() || value.isBlank()) {
                    throw new IllegalArgumentException(key + ": write " + (not ? "whereNot" : "where")
                            + ".<column> = <value>, <value> (or * for any value)");
                }
                filters.add(RowFilter.of(column, value, not));
            } else if (lower.startsWith("attribute.")) {
                requireCustomers(key);
                String name = key.substring(10).trim();
                if (name.isEmpty() || value.isBlank()) {
                    throw new IllegalArgumentException(key + ": write attribute.<name> = <column>");
                }
                attributes.put(name, value.trim());
            } else if (lower.startsWith("default.")) {
                Field f = field(key, key.substring(8));
                if (!value.isBlank()) {
                    defaults.put(f.name(), value.trim());
                }
            } else if (lower.startsWith("value.")) {
                String rest = key.substring(6);
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new IllegalArgumentException(key + ": write value.<field>.<raw value> = <value>, e.g. value.status.Yes = canceled");
                }
                Field f = field(key, rest.substring(0, dot));
                String raw = rest.substring(dot + 1).trim().toLowerCase(Locale.ROOT);
                translations.computeIfAbsent(f.name(), n -> new HashMap<>()).put(raw, value.trim());
                valueSettings.put("value." + f.name() + "." + rest.substring(dot + 1), value);
            } else if (lower.startsWith("dateformat.")) {
                Field f = field(key, key.substring(11));
                if (f.kind() != Entity.Kind.DATE) {
                    throw new IllegalArgumentException(key + ": " + f.name() + " is not a date");
                }
                dateFormats.put(f.name(), DateFormat.of(key, value, zone));
                formatSettings.put("dateFormat." + f.name(), dateFormats.get(f.name()).spec());
            }
        }

        for (Map.Entry<String, DateFormat> d : dateFormats.entrySet()) {
            String base = d.getValue().base();
            if (base == null) {
                continue;
            }
            Field from = entity.field(base).filter(b -> b.kind() == Entity.Kind.DATE).orElseThrow(() -> new IllegalArgumentException(
                    "dateFormat." + d.getKey() + " = " + d.getValue().spec() + ": " + entity.code() + " have no date field '" + base
                    + "'"));
            DateFormat baseFormat = dateFormats.get(from.name());
            if (from.name().equals(d.getKey()) || (baseFormat != null && baseFormat.base() != null)) {
                throw new IllegalArgumentException("dateFormat." + d.getKey() + " = " + d.getValue().spec() + ": it must count from"
                        + " a field that is itself a date, not a count");
            }
            dateFormats.put(d.getKey(), DateFormat.of("dateFormat." + d.getKey(),
                    d.getValue().spec().replace(base, from.name()), zone));
        }

        // check what is given can be read
        for (Map.Entry<String, String> d : defaults.entrySet()) {
            Field f = entity.field(d.getKey()).orElseThrow();
            try {
                read(f, d.getValue());
            } catch (BadValue e) {
                throw new IllegalArgumentException("default." + f.name() + ": '" + d.getValue() + "' " + e.getMessage());
            }
        }
        for (Map.Entry<String, Map<String, String>> t : translations.entrySet()) {
            Field f = entity.field(t.getKey()).orElseThrow();
            for (Map.Entry<String, String> v : t.getValue().entrySet()) {
                if (v.getValue().isEmpty()) {
                    continue; // translated to nothing: the field is absent
                }
                try {
                    read(f, v.getValue());
                } catch (BadValue e) {
                    throw new IllegalArgumentException("value." + f.name() + "." + v.getKey() + ": '" + v.getValue() + "' "
                            + e.getMessage());
                }
            }
        }
        for (Field f : entity.fields()) {
            boolean given = columns.containsKey(f.name()) || defaults.containsKey(f.name()) || f.builtIn() != null;
            boolean needed = f.required() && !(f == entity.idField() && rowIds && entity != Entity.USERS);
            if (needed && !given) {
                throw new IllegalArgumentException(entity.code() + " need map." + f.name() + " (the column with " + f.description()
                        + ")" + (f == entity.idField() ? "" : " or default." + f.name()));
            }
        }

        Map<String, String> inFieldOrder = new LinkedHashMap<>();
        for (Field f : entity.fields()) {
            if (columns.containsKey(f.name())) {
                inFieldOrder.put(f.name(), columns.get(f.name()));
            }
        }
        columns.clear();
        columns.putAll(inFieldOrder);
        columns.forEach((f, c) -> settings.put("map." + f, c));
        if (!attributes.isEmpty()) {
            attributes.forEach((name, column) -> settings.put("attribute." + name, column));
        }
        filters.sort(java.util.Comparator.comparing(RowFilter::key));
        filters.forEach(w -> settings.put(w.key(), String.join(", ", w.values())));
        for (Field f : entity.fields()) {
            if (defaults.containsKey(f.name())) {
                settings.put("default." + f.name(), defaults.get(f.name()));
            }
        }
        settings.putAll(valueSettings);
        settings.put("dateFormat", dateFormat.spec());
        settings.putAll(formatSettings);
        settings.put("timezone", zone.getId());
        settings.put("amountsIn", minorUnits ? "minor" : "major");
        settings.put("duplicates", rejectDuplicates ? "reject" : "last");
        if (complete) {
            settings.put("complete", "true");
        }
        if (entity.customer() != Entity.CustomerRule.NONE) {
            settings.put("customerSource", customerSource == null ? "(this source)" : customerSource);
            settings.put("customerBy", customerByEmail ? "email" : "id");
            if (customerThroughSubscriptions) {
                settings.put("customerThrough", io.vitals.connector.CustomerKey.THROUGH_SUBSCRIPTIONS);
            }
        }
    }

    private void requireCustomers(String key) {
        if (!entity.hasAttributes()) {
            throw new IllegalArgumentException(key + ": only customers and tickets have attributes; " + entity.code() + " have "
                    + entity.fieldNames());
        }
    }

    /** A condition on one column's value that a row must meet to become a record. */
    record RowFilter(String column, java.util.Set<String> values, boolean not) {

        static RowFilter of(String column, String list, boolean not) {
            java.util.Set<String> values = new java.util.TreeSet<>();
            for (String v : list.split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim().toLowerCase(Locale.ROOT));
                }
            }
            if (values.contains("*") && values.size() > 1) {
                throw new IllegalArgumentException((not ? "whereNot." : "where.") + column + " = " + list.trim()
                        + ": * (any value) stands alone");
            }
            return new RowFilter(column, values, not);
        }

        boolean keeps(String cell) {
            String v = cell == null ? "" : cell.trim().toLowerCase(Locale.ROOT);
            boolean matches = values.contains("*") ? !v.isEmpty() : values.contains(v);
            return matches != not;
        }

        String key() {
            return (not ? "whereNot." : "where.") + column;
        }
    }

    private Field field(String key, String name) {
        return entity.field(name.trim()).orElseThrow(() -> new IllegalArgumentException(key + ": " + entity.code()
                + " have no field '" + name.trim() + "'; their fields are " + entity.fieldNames()));
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ",").append(Array.get(v, i));
            }
            return b.toString();
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(v);
    }

    public Entity entity() {
        return entity;
    }

    /**
     * Every column the mapping reads, each with the configuration key that names it
     * ({@code Plan} by {@code map.plan}, {@code Size} by {@code map.attributes}), for a connector
     * to check a file's header.
     */
    public Map<String, String> columns() {
        Map<String, String> all = new LinkedHashMap<>();
        columns.forEach((f, c) -> {
            for (String column : joined.getOrDefault(f, java.util.List.of(c))) {
                all.putIfAbsent(column, "map." + f);
            }
        });
        filters.forEach(w -> all.putIfAbsent(w.column(), w.key()));
        attributes.forEach((name, c) -> all.putIfAbsent(c, name.equals(c) ? "map.attributes" : "attribute." + name));
        return Collections.unmodifiableMap(all);
    }

    /** True when the connector's own row id stands in for the id (no {@code map.externalId}). */
    public boolean usesRowIds() {
        return rowIds && !columns.containsKey(entity.idField().name()) && !defaults.containsKey(entity.idField().name());
    }

    /** The mapping as the configuration says it, with the defaults in force, for {@code settings()}. */
    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }

    // ---- for the row mapper

    String column(Field f) {
        return columns.get(f.name());
    }

    /** The columns of a field several columns give, or null when one does. */
    java.util.List<String> joinedColumns(Field f) {
        return joined.get(f.name());
    }

    Map<String, String> attributeColumns() {
        return attributes;
    }

    /** True when the row meets every {@code where.*} and {@code whereNot.*} of the mapping. */
    boolean keeps(Map<String, String> row) {
        for (RowFilter w : filters) {
            if (!w.keeps(RowMapper.cell(row, w.column()))) {
                return false;
            }
        }
        return true;
    }

    /** True when the customer column holds a subscription's id, the customer being that subscription's. */
    boolean customerThroughSubscriptions() {
        return customerThroughSubscriptions;
    }

    String defaultText(Field f) {
        String d = defaults.get(f.name());
        return d != null ? d : f.builtIn();
    }

    /** The translation of a raw value, or null when there is none. */
    String translate(Field f, String raw) {
        Map<String, String> t = translations.get(f.name());
        return t == null ? null : t.get(raw.trim().toLowerCase(Locale.ROOT));
    }

    String customerSource(String self) {
        return customerSource == null ? self : customerSource;
    }

    /** True when a row whose id was read earlier in the pass is rejected rather than written over the earlier one. */
    boolean rejectDuplicates() {
        return rejectDuplicates;
    }

    /** True when the rows hold every record of the entity: one gone from them was deleted at the source. */
    public boolean complete() {
        return complete;
    }

    boolean customerByEmail() {
        return customerByEmail;
    }

    DateFormat dateFormat(Field f) {
        return dateFormats.getOrDefault(f.name(), dateFormat);
    }

    /** The field's text read as its kind (a relative time as counted from the epoch: see {@link DateFormat#base()}). */
    Object read(Field f, String text) throws BadValue {
        return switch (f.kind()) {
            case TEXT -> text.trim();
            case CODE -> Values.code(text);
            case DATE -> {
                DateFormat format = dateFormat(f);
                yield format.base() == null ? format.parse(text) : format.parse(text, java.time.Instant.EPOCH);
            }
            case AMOUNT -> Values.amount(text, minorUnits);
            case INT -> Values.integer(text);
            case COUNT -> Values.count(text, 0);
            case POSITIVE -> Values.count(text, 1);
            case INTERVAL -> Values.interval(text);
            case CURRENCY -> Values.currency(text);
            case SURVEY_TYPE -> Values.surveyType(text);
            case DEAL_KIND -> Values.dealKind(text);
            case DEAL_STAGE -> Values.dealStage(text);
            case PRIORITY -> Values.oneOf(text, Values.PRIORITIES);
            case INVOICE_STATUS -> Values.oneOf(text, Values.INVOICE_STATUSES);
            case INVOICE_KIND -> Values.oneOf(text, Values.INVOICE_KINDS);
        };
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
