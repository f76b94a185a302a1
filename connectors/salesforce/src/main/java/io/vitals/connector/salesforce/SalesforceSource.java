package io.vitals.connector.salesforce;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceSettings;
import io.vitals.connector.Secret;
import io.vitals.connector.Source;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourceHttp;
import io.vitals.connector.SourceIds;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.model.DealKind;

/**
 * A Salesforce org as a source: its accounts as customers and its opportunities as deals, read
 * with SOQL queries over the REST API. Configured by {@code etc/vitals.source.salesforce-<id>.cfg}:
 *
 * <pre>
 * instanceUrl = https://acme.my.salesforce.com
 * accessToken = env:SALESFORCE_TOKEN
 * interval = 3600
 * </pre>
 *
 * A sync runs the account query, then the opportunity query, following {@code nextRecordsUrl}
 * batch by batch, one committed page per batch. A query with {@code {since}} (the defaults) reads
 * only records whose {@code SystemModstamp} is at or after the newest one committed before, which
 * the cursor keeps per object: a sync that died resumes from there (query locators expire, so it
 * never keeps one), re-reading the records of that last instant, which land as unchanged. A query
 * without {@code {since}} is read in full every sync.
 *
 * <p>{@code {fields}} includes IsDeleted, and a query that selects it is sent to queryAll, which also
 * answers the records in Salesforce's recycle bin: a deleted account becomes a deletion of its
 * customer, a deleted opportunity one of its deal, at its SystemModstamp (the moment it was deleted),
 * in the same SystemModstamp order as the rest, so the cursor resumes over them alike. A query that
 * does not select IsDeleted is sent to query and sees no deletions.
 */
public class SalesforceSource implements Source {

    static final String PID = "vitals.source.salesforce";
    static final String KIND = "salesforce";
    static final List<String> OBJECTS = List.of("accounts", "opportunities");
    static final String DEFAULT_ACCOUNT_QUERY = "SELECT {fields} FROM Account WHERE SystemModstamp >= {since} ORDER BY SystemModstamp, Id";
    static final String DEFAULT_OPPORTUNITY_QUERY =
            "SELECT {fields} FROM Opportunity WHERE SystemModstamp >= {since} ORDER BY SystemModstamp, Id";
    static final String DEFAULT_KIND_MAP = "New Customer=new_business,Existing Customer - Upgrade=upsell,"
            + "Existing Customer - Replacement=renewal,Existing Customer - Downgrade=renewal";

    @ObjectClassDefinition(name = "Source: Salesforce", description = "Accounts (as customers, with owner, industry, region and"
            + " chosen fields as segments) and opportunities (new business, upsell, cross-sell, renewal; open, won, lost) of one"
            + " Salesforce org, read with SOQL over the REST API; after the first sync only records changed since the last one."
            + " One file etc/vitals.source.salesforce-<id>.cfg per org.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.salesforce-' (vitals.source.salesforce-crm.cfg is the source 'crm').")
        String id() default "";

        @AttributeDefinition(name = "Instance URL", description = "The org's My Domain address, such as"
                + " https://acme.my.salesforce.com; https, or http on a loopback address for tests.")
        String instanceUrl() default "";

        @AttributeDefinition(name = "API version", description = "The REST API version to call, such as 60.0.")
        String apiVersion() default "60.0";

        @AttributeDefinition(name = "Access token", description = "Where an access token (session id) is: env:VARIABLE or"
                + " file:path/to/secrets.properties#key, a relative path being under the Vitals home. Never the token itself."
                + " Leave empty to use clientId and clientSecret instead.")
        String accessToken() default "";

        @AttributeDefinition(name = "Client id", description = "The consumer key of an external client app with the OAuth 2.0"
                + " client credentials flow enabled (and a run-as integration user); with clientSecret instead of accessToken."
                + " Vitals asks {instanceUrl}/services/oauth2/token for a token at each sync, and again once when it expires.")
        String clientId() default "";

        @AttributeDefinition(name = "Client secret", description = "Where the app's consumer secret is: env:VARIABLE or"
                + " file:path/to/secrets.properties#key. Never the secret itself.")
        String clientSecret() default "";

        @AttributeDefinition(name = "Objects", description = "Which to read, comma-separated: accounts, opportunities."
                + " Accounts are always read first.")
        String objects() default "accounts,opportunities";

        @AttributeDefinition(name = "Account query", description = "The SOQL that reads accounts. {fields} stands for the fields"
                + " the mapping keys below name; {since} for the newest SystemModstamp already read (a datetime literal), which"
                + " makes every sync after the first read only what changed; such a query must ORDER BY SystemModstamp."
                + " A query without {since} is read in full every sync. {fields} includes IsDeleted: a query that selects it"
                + " also reads the records in the recycle bin (through queryAll), and a deleted account or opportunity"
                + " becomes a deletion of its customer or deal; one that does not select IsDeleted sees no deletions.")
        String accountQuery() default DEFAULT_ACCOUNT_QUERY;

        @AttributeDefinition(name = "Opportunity query", description = "The SOQL that reads opportunities; {fields} and {since}"
                + " as for the account query.")
        String opportunityQuery() default DEFAULT_OPPORTUNITY_QUERY;

        @AttributeDefinition(name = "Page size", description = "Records per batch (Salesforce takes 200 to 2000 and may send"
                + " fewer); one batch is one commit.", min = "200", max = "2000")
        int pageSize() default 2000;

        @AttributeDefinition(name = "Requests per minute", description = "At most this many requests a minute; 0: no pacing."
                + " Salesforce limits API requests per day, not per minute; a 429 or 503 is retried anyway.", min = "0")
        int requestsPerMinute() default 0;

        @AttributeDefinition(name = "Region field", description = "The account field (a dotted path such as Owner.UserRole.Name"
                + " works) that gives the region segment; empty: none.")
        String regionField() default "BillingCountry";

        @AttributeDefinition(name = "Industry field", description = "The account field that gives the industry segment; empty: none.")
        String industryField() default "Industry";

        @AttributeDefinition(name = "Owner field", description = "The account field that gives the csm segment, such as"
                + " Owner.Name or Owner.Email; empty: none.")
        String ownerField() default "Owner.Name";

        @AttributeDefinition(name = "Plan field", description = "The account field that gives the plan segment (a custom field"
                + " such as Plan__c); empty: none.")
        String planField() default "";

        @AttributeDefinition(name = "Attributes", description = "Further account fields kept as customer attributes, usable as"
                + " segments, comma-separated; dotted paths such as Owner.Email allowed; 'name=field' stores a field under another"
                + " name (employees=NumberOfEmployees). Empty values are not kept.")
        String attributes() default "Type,NumberOfEmployees";

        @AttributeDefinition(name = "Kind field", description = "The opportunity field that tells the kind of deal.")
        String kindField() default "Type";

        @AttributeDefinition(name = "Kind map", description = "How values of the kind field map to kinds, comma-separated"
                + " value=kind with kind one of new_business, upsell, cross_sell, renewal (values compared without regard to case)."
                + " An opportunity with a value not listed is rejected with it.")
        String kindMap() default DEFAULT_KIND_MAP;

        @AttributeDefinition(name = "Default kind", description = "The kind of an opportunity whose kind field is empty.",
                options = {@Option(label = "new_business", value = "new_business"), @Option(label = "upsell", value = "upsell"),
                        @Option(label = "cross_sell", value = "cross_sell"), @Option(label = "renewal", value = "renewal")})
        String defaultKind() default "new_business";

        @AttributeDefinition(name = "Won stages", description = "Stage names that mean won, comma-separated; used only for"
                + " records without IsWon (a query that does not select it).")
        String wonStages() default "Closed Won";

        @AttributeDefinition(name = "Lost stages", description = "Stage names that mean lost, comma-separated; used only for"
                + " records without IsClosed.")
        String lostStages() default "Closed Lost";

        @AttributeDefinition(name = "Currency field", description = "The opportunity field with its currency: CurrencyIsoCode in"
                + " orgs with multiple currencies enabled; empty (single-currency orgs, where that field does not exist): none.")
        String currencyField() default "";

        @AttributeDefinition(name = "Product field", description = "The opportunity field kept as the deal's product; empty: none.")
        String productField() default "";

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for Salesforce to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 60;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*");

    private final String id;
    private final String instanceUrl;
    private final String apiVersion;
    private final Secret accessToken;
    private final String clientId;
    private final Secret clientSecret;
    private final List<String> objects;
    private final Map<String, Soql> queries = new LinkedHashMap<>();
    private final int pageSize;
    private final int requestsPerMinute;
    private final Duration interval;
    private final Duration timeout;
    private final SalesforceMapping.Settings mapping;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    SalesforceSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        this.instanceUrl = instanceUrl(config.instanceUrl());
        String version = config.apiVersion() == null ? "" : config.apiVersion().trim();
        if (version.startsWith("v")) {
            version = version.substring(1);
        }
        if (!version.matches("\\d{2,3}\\.0")) {
            throw new IllegalArgumentException("apiVersion must be a REST API version such as 60.0; got '" + config.apiVersion() + "'");
        }
        this.apiVersion = version;
        boolean token = !blank(config.accessToken());
        boolean client = !blank(config.clientId()) || !blank(config.clientSecret());
        if (token && client) {
            throw new IllegalArgumentException("give accessToken or clientId with clientSecret, not both");
        }
        if (!token && !client) {
            throw new IllegalArgumentException("accessToken is required (accessToken = env:SALESFORCE_TOKEN), or clientId and"
                    + " clientSecret for the client credentials flow (clientSecret = env:SALESFORCE_CLIENT_SECRET)");
        }
        if (client && (blank(config.clientId()) || blank(config.clientSecret()))) {
            throw new IllegalArgumentException(blank(config.clientId())
                    ? "clientId is required with clientSecret: the consumer key of the external client app"
                    : "clientSecret is required with clientId: clientSecret = env:SALESFORCE_CLIENT_SECRET or"
                            + " clientSecret = file:etc/secrets.properties#salesforce");
        }
        this.accessToken = token ? Secret.parse("accessToken", config.accessToken(), home) : null;
        this.clientId = client ? config.clientId().trim() : null;
        this.clientSecret = client ? Secret.parse("clientSecret", config.clientSecret(), home) : null;
        this.objects = SourceSettings.someOf("objects", config.objects(), OBJECTS);
        if (config.pageSize() < 200 || config.pageSize() > 2000) {
            throw new IllegalArgumentException("pageSize must be from 200 to 2000 (Salesforce's batch sizes); got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        if (config.requestsPerMinute() < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be 0 (no pacing) or more; got " + config.requestsPerMinute());
        }
        this.requestsPerMinute = config.requestsPerMinute();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        if (config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be at least 1; got " + config.timeoutSeconds());
        }
        this.timeout = Duration.ofSeconds(config.timeoutSeconds());

        String region = field("regionField", config.regionField());
        String industry = field("industryField", config.industryField());
        String owner = field("ownerField", config.ownerField());
        String plan = field("planField", config.planField());
        Map<String, String> attributes = attributes(config.attributes());
        String kindField = field("kindField", config.kindField());
        if (kindField == null) {
            throw new IllegalArgumentException("kindField must name an opportunity field such as Type; got nothing");
        }
        Map<String, DealKind> kindMap = kindMap(config.kindMap());
        DealKind defaultKind = DealKind.parse("defaultKind", config.defaultKind());
        Set<String> won = list(config.wonStages());
        Set<String> lost = list(config.lostStages());
        for (String w : won) {
            if (lost.contains(w)) {
                throw new IllegalArgumentException("wonStages and lostStages both list '" + w + "'; a stage is won or lost, not both");
            }
        }
        String currency = field("currencyField", config.currencyField());
        String product = field("productField", config.productField());
        this.mapping = new SalesforceMapping.Settings(region, industry, owner, plan, attributes, kindField, kindMap, defaultKind,
                won, lost, currency, product);
        queries.put("accounts", Soql.parse("accountQuery", config.accountQuery(), mapping.accountFields()));
        queries.put("opportunities", Soql.parse("opportunityQuery", config.opportunityQuery(), mapping.opportunityFields()));

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("instanceUrl", instanceUrl);
        s.put("apiVersion", apiVersion);
        s.put("accessToken", accessToken == null ? "" : accessToken.reference());
        s.put("clientId", clientId == null ? "" : clientId);
        s.put("clientSecret", clientSecret == null ? "" : clientSecret.reference());
        s.put("objects", String.join(",", objects));
        s.put("accountQuery", queries.get("accounts").template());
        s.put("opportunityQuery", queries.get("opportunities").template());
        s.put("pageSize", String.valueOf(pageSize));
        s.put("requestsPerMinute", String.valueOf(requestsPerMinute));
        s.put("regionField", nullToEmpty(region));
        s.put("industryField", nullToEmpty(industry));
        s.put("ownerField", nullToEmpty(owner));
        s.put("planField", nullToEmpty(plan));
        s.put("attributes", SourceSettings.namedListText(attributes));
        s.put("kindField", kindField);
        s.put("kindMap", SalesforceMapping.kindMapText(kindMap));
        s.put("defaultKind", defaultKind.code());
        s.put("wonStages", String.join(",", won));
        s.put("lostStages", String.join(",", lost));
        s.put("currencyField", nullToEmpty(currency));
        s.put("productField", nullToEmpty(product));
        s.put("interval", String.valueOf(config.interval()));
        s.put("timeoutSeconds", String.valueOf(config.timeoutSeconds()));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String instanceUrl(String configured) {
        String example = "https://acme.my.salesforce.com";
        if (blank(configured)) {
            throw new IllegalArgumentException("instanceUrl is required: the org's My Domain address, such as " + example);
        }
        return SourceSettings.apiHost("instanceUrl", configured, example, "the token", "http://127.0.0.1:8080");
    }

    /** A field's API name or dotted path, or null when empty. */
    private static String field(String key, String configured) {
        String f = configured == null ? "" : configured.trim();
        if (f.isEmpty()) {
            return null;
        }
        if (!FIELD.matcher(f).matches()) {
            throw new IllegalArgumentException(key + " must be a field's API name or a dotted path such as Owner.Name; got '"
                    + configured + "'");
        }
        return f;
    }

    /** {@code name=field} or {@code field}, comma-separated, as attribute name to field path. */
    private static Map<String, String> attributes(String configured) {
        return SourceSettings.namedList("attributes", configured, FIELD,
                "attributes must list account fields (API names or dotted paths) or name=field,"
                        + " comma-separated, such as Type,employees=NumberOfEmployees");
    }

    /** {@code value=kind,...}, values as written (compared without regard to case). */
    private static Map<String, DealKind> kindMap(String configured) {
        Map<String, DealKind> out = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("kindMap must be value=kind pairs, comma-separated, such as"
                        + " New Customer=new_business,Existing Customer - Upgrade=upsell; got '" + p + "'");
            }
            String value = p.substring(0, eq).trim();
            DealKind kind = DealKind.parse("kindMap (for '" + value + "')", p.substring(eq + 1));
            if (!seen.add(value.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("kindMap maps '" + value + "' twice");
            }
            out.put(value, kind);
        }
        return out;
    }

    private static Set<String> list(String configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** For tests: waits between retries and for pacing differently (and lets them see the waits asked for). */
    SalesforceSource sleeper(SourceHttp.Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /** The query an object is read with, its fields filled in. */
    Soql query(String object) {
        return queries.get(object);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void sync(SyncContext context) throws Exception {
        if (context.stopping()) {
            return;
        }
        SourceHttp.Sleeper s = sleeper;
        SourceHttp.Sleeper waits = s == null ? d -> Thread.sleep(d.toMillis()) : s;
        SourceHttp http = new SourceHttp(context.retryPolicy(), timeout, context::stopping, waits).pace(requestsPerMinute);
        SalesforceAuth auth = accessToken != null ? SalesforceAuth.token(accessToken)
                : SalesforceAuth.clientCredentials(instanceUrl, clientId, clientSecret, timeout, context.retryPolicy(), waits,
                        context::stopping, JSON);
        SalesforceClient client = new SalesforceClient(http, instanceUrl, apiVersion, pageSize, auth, JSON);
        SalesforceMapping map = new SalesforceMapping(id, mapping);

        SalesforceCursor cursor = SalesforceCursor.read(context.cursor(), JSON);
        for (String object : objects) {
            Soql query = queries.get(object);
            String since = query.incremental() ? cursor.since(object, query.fingerprint()) : null;
            JsonNode answer = client.query(query.text(since), query.includesDeleted());
            int restarts = 0;
            while (true) {
                JsonNode records = answer.path("records");
                if (!records.isArray()) {
                    throw new SourceException("the answer from " + instanceUrl + " to the " + object + " query has no \"records\" list");
                }
                SourcePage page = new SourcePage().read(records.size());
                String high = since;
                for (JsonNode r : records) {
                    if (object.equals("accounts")) {
                        map.account(r, page);
                    } else {
                        map.opportunity(r, page);
                    }
                    high = SalesforceMapping.later(high, SalesforceMapping.modstamp(r));
                }
                if (query.incremental()) {
                    cursor = cursor.with(object, high, query.fingerprint());
                    since = high;
                }
                context.commit(page.cursor(cursor.toJson(JSON)));
                String next = SalesforceMapping.text(answer, "nextRecordsUrl");
                if (answer.path("done").asBoolean(true) || next == null || next.isBlank()) {
                    break;
                }
                if (context.stopping()) {
                    return;
                }
                try {
                    answer = client.next(next);
                } catch (SalesforceClient.SalesforceException e) {
                    if (!"INVALID_QUERY_LOCATOR".equals(e.errorCode()) || restarts >= 3) {
                        throw e;
                    }
                    // the locator expired: the query again, from what is committed (in full for a query without {since})
                    restarts++;
                    answer = client.query(query.text(since), query.includesDeleted());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "salesforce source " + id;
    }
}
