package io.vitals.connector.salesforce;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.testkit.FakeApi;

/**
 * Salesforce's REST API on {@link FakeApi}, as Salesforce documents it: {@code GET
 * /services/data/vXX.X/query?q=<SOQL>} (live records only) and {@code /queryAll/?q=<SOQL>} (those in
 * the recycle bin too, IsDeleted = true, their SystemModstamp the moment of the deletion; its
 * nextRecordsUrl still under /query/) answering {@code {"totalSize":..,"done":..,"nextRecordsUrl":
 * "/services/data/vXX.X/query/01g...-2000","records":[{"attributes":{"type":..,"url":..},...}]}}
 * with only the fields selected (relationship fields as nested objects), batches of the
 * {@code Sforce-Query-Options: batchSize} asked for or fewer, query locators that can expire, the
 * SOQL this connector sends (SELECT fields FROM object [WHERE field op literal [AND ...]] [ORDER BY
 * fields]), errors as {@code [{"message":..,"errorCode":..}]} (MALFORMED_QUERY, INVALID_FIELD,
 * INVALID_SESSION_ID, INVALID_QUERY_LOCATOR), and the OAuth 2.0 client credentials token endpoint.
 */
final class FakeSalesforce implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN_PATH = "/services/oauth2/token";

    /** Fields every record of an object type has, whether a stored record sets them or not. */
    static final Map<String, List<String>> STANDARD = Map.of(
            "Account", List.of("Id", "Name", "Type", "Industry", "BillingCountry", "BillingState", "NumberOfEmployees", "AnnualRevenue",
                    "OwnerId", "Owner.Name", "Owner.Email", "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted"),
            "Opportunity", List.of("Id", "Name", "AccountId", "Amount", "CloseDate", "StageName", "IsClosed", "IsWon", "Type",
                    "CreatedDate", "LastModifiedDate", "SystemModstamp", "LeadSource", "IsDeleted"));

    private static final Pattern SOQL = Pattern.compile(
            "(?is)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+(\\w+)(?:\\s+WHERE\\s+(.+?))?(?:\\s+ORDER\\s+BY\\s+(\\S.*?))?\\s*$");
    private static final Pattern CONDITION = Pattern.compile("(?i)^\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*(>=|<=|!=|=|>|<)\\s*(\\S+)\\s*$");
    private static final Pattern DATA = Pattern.compile("^/services/data/v(\\d+\\.\\d)/(query|queryAll)(?:/([^/]*))?$");

    private record Locator(List<ObjectNode> rows, String version) {
    }

    final FakeApi api = FakeApi.start();
    final Map<String, List<ObjectNode>> objects = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Locator> locators = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String clientId;
    private volatile String clientSecret;
    /** The most records Salesforce sends in one batch (it may send fewer than asked for). */
    volatile int batchCap = 2000;
    /** When set, a 401 echoes the token it was given (as a careless proxy might). */
    volatile boolean echoTokenOnAuthFailure;

    FakeSalesforce() {
        objects.put("Account", Collections.synchronizedList(new ArrayList<>()));
        objects.put("Opportunity", Collections.synchronizedList(new ArrayList<>()));
        api.route("/services/data/", this::data);
        api.route(TOKEN_PATH, this::token);
    }

    String url() {
        return api.url();
    }

    /** Accepts this bearer token (a configured access token). */
    FakeSalesforce acceptToken(String token) {
        tokens.add(token);
        return this;
    }

    /** Issues tokens to this client (the client credentials flow). */
    FakeSalesforce client(String id, String secret) {
        this.clientId = id;
        this.clientSecret = secret;
        return this;
    }

    /** Every session ends: the next request with any token answers 401 INVALID_SESSION_ID. */
    void expireSessions() {
        tokens.clear();
    }

    /** Every open query locator ends (as after 15 minutes): the next nextRecordsUrl answers 400 INVALID_QUERY_LOCATOR. */
    void expireLocators() {
        locators.clear();
    }

    /** Stores records (every record has IsDeleted, false unless set). */
    void add(String object, ObjectNode... records) {
        for (ObjectNode r : records) {
            live(r);
        }
        objects.get(object).addAll(List.of(records));
    }

    private static ObjectNode live(ObjectNode r) {
        if (!r.has("IsDeleted")) {
            r.put("IsDeleted", false);
        }
        return r;
    }

    /** Moves a record to the recycle bin at {@code at} (an ISO instant): IsDeleted, and SystemModstamp the moment. */
    void delete(String object, String id, String at) {
        ObjectNode r = find(object, id).deepCopy();
        r.put("IsDeleted", true);
        r.put("SystemModstamp", SalesforceData.sf(at));
        replace(object, r);
    }

    /** Restores a record from the recycle bin at {@code at}, as undelete does. */
    void undelete(String object, String id, String at) {
        ObjectNode r = find(object, id).deepCopy();
        r.put("IsDeleted", false);
        r.put("SystemModstamp", SalesforceData.sf(at));
        replace(object, r);
    }

    private ObjectNode find(String object, String id) {
        List<ObjectNode> list = objects.get(object);
        synchronized (list) {
            return list.stream().filter(r -> r.path("Id").asText().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + id));
        }
    }

    void replace(String object, ObjectNode record) {
        live(record);
        List<ObjectNode> list = objects.get(object);
        synchronized (list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).path("Id").asText().equals(record.path("Id").asText())) {
                    list.set(i, record);
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no " + record.path("Id").asText());
    }

    /** The requests as "token", "query <SOQL>", "queryAll <SOQL>" or "more <locator>", in order. */
    List<String> requests() {
        List<String> out = new ArrayList<>();
        for (FakeApi.Request r : api.requests()) {
            if (r.path().equals(TOKEN_PATH)) {
                out.add("token");
                continue;
            }
            Matcher m = DATA.matcher(r.path());
            if (m.matches() && locator(m) == null) {
                out.add(m.group(2) + " " + r.param("q"));
            } else if (m.matches()) {
                out.add("more " + locator(m));
            } else {
                out.add(r.method() + " " + r.path());
            }
        }
        return out;
    }

    /** The query locator a path names, or null for a query ({@code /query?q=} or {@code /queryAll/?q=}). */
    private static String locator(Matcher path) {
        return path.group(3) == null || path.group(3).isEmpty() ? null : path.group(3);
    }

    /** The locator of the {@code n}th query (from 1) at {@code offset}, as nextRecordsUrl names it. */
    static String locator(int n, int offset) {
        return String.format("01gD0000002HU%02dIAW-%d", n, offset);
    }

    // ---- the token endpoint

    private FakeApi.Answer token(FakeApi.Request r) {
        if (!r.method().equals("POST")) {
            return FakeApi.Answer.json(405, "[{\"message\":\"HTTP Method 'GET' not allowed. Allowed are POST\",\"errorCode\":\"METHOD_NOT_ALLOWED\"}]");
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : r.body().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return oauthError("unsupported_grant_type", "grant type not supported");
        }
        if (clientId == null || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            return oauthError("invalid_client", "invalid client credentials");
        }
        String token = "00DFAKE0000001!AQ4AQ" + issued.incrementAndGet() + "SessionTokenValue";
        tokens.add(token);
        ObjectNode body = JSON.createObjectNode();
        body.put("access_token", token);
        body.put("signature", "c2lnbmF0dXJl");
        body.put("scope", "api");
        body.put("instance_url", url());
        body.put("id", "https://login.salesforce.com/id/00DFAKE0000001/005FAKE0000001");
        body.put("token_type", "Bearer");
        body.put("issued_at", "1767225600000");
        return FakeApi.Answer.json(200, body.toString());
    }

    private static FakeApi.Answer oauthError(String error, String description) {
        return FakeApi.Answer.json(400, JSON.createObjectNode().put("error", error).put("error_description", description).toString());
    }

    // ---- queries

    private FakeApi.Answer data(FakeApi.Request r) {
        Matcher path = DATA.matcher(r.path());
        if (!path.matches()) {
            return error(404, "NOT_FOUND", "The requested resource does not exist");
        }
        String auth = r.header("Authorization");
        String given = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
        if (!tokens.contains(given)) {
            return error(401, "INVALID_SESSION_ID", echoTokenOnAuthFailure ? "Session " + given + " expired or invalid"
                    : "Session expired or invalid");
        }
        if (!r.method().equals("GET")) {
            return error(405, "METHOD_NOT_ALLOWED", "HTTP Method '" + r.method() + "' not allowed. Allowed are GET,HEAD");
        }
        String version = path.group(1);
        String more = locator(path);
        if (more != null) {
            Locator locator = locators.get(more);
            if (locator == null) {
                return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
            }
            int offset = Integer.parseInt(more.substring(more.lastIndexOf('-') + 1));
            return batch(locator.rows(), offset, batchSize(r), version, more.substring(0, more.lastIndexOf('-')));
        }
        boolean withDeleted = path.group(2).equals("queryAll");
        String q = r.param("q");
        if (q == null || q.isBlank()) {
            return error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }
        Matcher m = SOQL.matcher(q);
        if (!m.matches()) {
            return error(400, "MALFORMED_QUERY", "\n" + q + "\n^\nERROR at Row:1:Column:1\nunexpected token: <EOF>");
        }
        String object = m.group(2);
        List<ObjectNode> stored = objects.get(object);
        if (stored == null) {
            return error(400, "INVALID_TYPE", "\n" + q + "\n^\nERROR at Row:1:Column:1\nsObject type '" + object + "' is not supported.");
        }
        List<ObjectNode> found;
        synchronized (stored) {
            found = new ArrayList<>(stored);
        }
        Set<String> known = known(object, found);
        if (!withDeleted) {
            // query leaves out what is in the recycle bin; queryAll answers it
            found.removeIf(rec -> rec.path("IsDeleted").asBoolean(false));
        }
        List<String> fields = new ArrayList<>();
        for (String f : m.group(1).split(",")) {
            String field = f.trim();
            if (!known.contains(field.toLowerCase())) {
                return noSuchColumn(q, field, object);
            }
            fields.add(field);
        }
        if (m.group(3) != null) {
            for (String condition : m.group(3).split("(?i)\\s+AND\\s+")) {
                Matcher c = CONDITION.matcher(condition);
                if (!c.matches()) {
                    return error(400, "MALFORMED_QUERY", "\n" + q + "\n^\nERROR at Row:1:Column:1\nunexpected token: '" + condition.trim() + "'");
                }
                if (!known.contains(c.group(1).toLowerCase())) {
                    return noSuchColumn(q, c.group(1), object);
                }
                String literal = c.group(3);
                Instant at = instant(literal);
                if (at == null && !literal.matches("'[^']*'|true|false|-?\\d+(\\.\\d+)?")) {
                    return error(400, "MALFORMED_QUERY", "\n" + q + "\n^\nERROR at Row:1:Column:1\nunexpected token: '" + literal + "'");
                }
                found.removeIf(rec -> !matches(rec, c.group(1), c.group(2), literal, at));
            }
        }
        if (m.group(4) != null) {
            Comparator<ObjectNode> order = null;
            for (String o : m.group(4).split(",")) {
                String[] parts = o.trim().split("\\s+");
                if (!known.contains(parts[0].toLowerCase())) {
                    return noSuchColumn(q, parts[0], object);
                }
                Comparator<ObjectNode> by = Comparator.comparing(rec -> sortKey(value(rec, parts[0])));
                if (parts.length > 1 && parts[1].equalsIgnoreCase("DESC")) {
                    by = by.reversed();
                }
                order = order == null ? by : order.thenComparing(by);
            }
            found.sort(order);
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (ObjectNode rec : found) {
            rows.add(project(rec, object, fields, version));
        }
        return batch(rows, 0, batchSize(r), version, locator(queries.incrementAndGet(), 0).replaceAll("-\\d+$", ""));
    }

    private FakeApi.Answer batch(List<ObjectNode> rows, int offset, int size, String version, String locatorId) {
        int to = Math.min(rows.size(), offset + size);
        ObjectNode body = JSON.createObjectNode();
        body.put("totalSize", rows.size());
        body.put("done", to >= rows.size());
        if (to < rows.size()) {
            String next = locatorId + "-" + to;
            locators.put(next, new Locator(rows, version));
            body.put("nextRecordsUrl", "/services/data/v" + version + "/query/" + next);
        }
        ArrayNode records = body.putArray("records");
        rows.subList(offset, to).forEach(records::add);
        return FakeApi.Answer.json(200, body.toString());
    }

    private int batchSize(FakeApi.Request r) {
        int size = 2000;
        String options = r.header("Sforce-Query-Options");
        if (options != null) {
            Matcher m = Pattern.compile("batchSize=(\\d+)").matcher(options);
            if (m.find()) {
                size = Math.max(200, Math.min(2000, Integer.parseInt(m.group(1))));
            }
        }
        return Math.min(size, batchCap);
    }

    /** The fields an object has: its standard ones and any a stored record sets (one level of relationship). */
    private static Set<String> known(String object, List<ObjectNode> records) {
        Set<String> known = new HashSet<>();
        STANDARD.get(object).forEach(f -> known.add(f.toLowerCase()));
        for (ObjectNode rec : records) {
            for (Iterator<Map.Entry<String, JsonNode>> it = rec.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                known.add(e.getKey().toLowerCase());
                if (e.getValue().isObject()) {
                    e.getValue().fieldNames().forEachRemaining(n -> known.add((e.getKey() + "." + n).toLowerCase()));
                }
            }
        }
        return known;
    }

    private static JsonNode value(ObjectNode rec, String path) {
        JsonNode at = rec;
        for (String part : path.split("\\.")) {
            JsonNode next = null;
            for (Iterator<String> names = at.fieldNames(); names.hasNext();) {
                String n = names.next();
                if (n.equalsIgnoreCase(part)) {
                    next = at.get(n);
                }
            }
            if (next == null || next.isNull()) {
                return null;
            }
            at = next;
        }
        return at;
    }

    private static String sortKey(JsonNode v) {
        if (v == null) {
            return "";
        }
        Instant at = instant(v.asText());
        return at != null ? String.format("%020d", at.toEpochMilli()) : v.asText();
    }

    private static boolean matches(ObjectNode rec, String field, String op, String literal, Instant at) {
        JsonNode v = value(rec, field);
        int cmp;
        if (at != null) {
            Instant x = v == null ? null : instant(v.asText());
            if (x == null) {
                return false;
            }
            cmp = x.compareTo(at);
        } else {
            String expected = literal.startsWith("'") ? literal.substring(1, literal.length() - 1) : literal;
            if (v == null) {
                return op.equals("!=");
            }
            cmp = v.asText().compareTo(expected);
        }
        return switch (op) {
            case ">=" -> cmp >= 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case "<" -> cmp < 0;
            case "=" -> cmp == 0;
            default -> cmp != 0;
        };
    }

    /** A Salesforce datetime (2025-06-01T08:00:00.000+0000) or a SOQL datetime literal (2025-06-01T08:00:00Z). */
    static Instant instant(String v) {
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return v.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ") ? Instant.parse(v) : null;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** The record with only the selected fields, as the query answers it. */
    private static ObjectNode project(ObjectNode rec, String object, List<String> fields, String version) {
        ObjectNode out = JSON.createObjectNode();
        String id = rec.path("Id").asText();
        out.putObject("attributes").put("type", object).put("url", "/services/data/v" + version + "/sobjects/" + object + "/" + id);
        for (String field : fields) {
            String[] parts = field.split("\\.");
            String top = canonical(rec, parts[0]);
            if (parts.length == 1) {
                JsonNode v = rec.get(top);
                out.set(top, v == null ? JSON.nullNode() : v);
                continue;
            }
            JsonNode related = rec.get(top);
            if (related == null || related.isNull()) {
                out.putNull(top);
                continue;
            }
            ObjectNode rel = out.has(top) && out.get(top).isObject() ? (ObjectNode) out.get(top) : out.putObject(top);
            if (!rel.has("attributes")) {
                rel.putObject("attributes").put("type", top.equals("Owner") ? "User" : top)
                        .put("url", "/services/data/v" + version + "/sobjects/User/" + related.path("Id").asText("005FAKE"));
            }
            String name = canonical((ObjectNode) related, parts[1]);
            JsonNode v = related.get(name);
            rel.set(name, v == null ? JSON.nullNode() : v);
        }
        return out;
    }

    /** The field's name as Salesforce spells it (the stored record's or the standard list's spelling). */
    private static String canonical(ObjectNode rec, String name) {
        for (Iterator<String> names = rec.fieldNames(); names.hasNext();) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return n;
            }
        }
        for (List<String> fields : STANDARD.values()) {
            for (String f : fields) {
                String first = f.contains(".") ? f.substring(f.indexOf('.') + 1) : f;
                if (f.equalsIgnoreCase(name)) {
                    return f;
                }
                if (first.equalsIgnoreCase(name)) {
                    return first;
                }
            }
        }
        return name;
    }

    private FakeApi.Answer noSuchColumn(String q, String field, String object) {
        return error(400, "INVALID_FIELD", "\n" + q + "\n^\nERROR at Row:1:Column:8\nNo such column '" + field + "' on entity '" + object
                + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."
                + " Please reference your WSDL or the describe call for the appropriate names.");
    }

    private static FakeApi.Answer error(int status, String code, String message) {
        ArrayNode body = JSON.createArrayNode();
        body.addObject().put("message", message).put("errorCode", code);
        return FakeApi.Answer.json(status, body.toString());
    }

    @Override
    public void close() {
        api.close();
    }
}
