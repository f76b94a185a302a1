package io.vitals.connector.hubspot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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
 * A HubSpot CRM portal as a source: its companies as customers and its deals as deals, read page
 * by page from the CRM v3 objects API with a private app's access token, and those archived
 * (deleted) at HubSpot as deletions from their {@code archivedAt}. Configured by
 * {@code etc/vitals.source.hubspot-<id>.cfg}:
 *
 * <pre>
 * accessToken = env:HUBSPOT_TOKEN
 * attributes = domain,lifecyclestage,numberofemployees
 * interval = 3600
 * </pre>
 *
 * A sync is a full pass: the owners (to name each company's owner), then every company, then every
 * deal, then the archived companies and the archived deals ({@code ?archived=true}), one committed
 * page per API page. The list endpoints cannot filter on the modification time (nor on
 * {@code archivedAt}) and the search endpoint needs POST, which the platform's HTTP client does not
 * offer, and does not see archived objects anyway, so every pass reads everything; the store's
 * upserts make unchanged rows count as unchanged, and a deletion it already holds as well (HubSpot
 * keeps archived objects 90 days, so that list stays short). The cursor names the list and the
 * {@code after} token of the next page, so a sync that died resumes at the next page; it also keeps
 * the newest {@code hs_lastmodifieddate} seen.
 */
public class HubSpotSource implements Source {

    static final String PID = "vitals.source.hubspot";
    static final String KIND = "hubspot";
    static final List<String> LISTS = List.of("companies", "deals");
    /** The cursor's name for the archived objects of a list: {@code archived-deals}. */
    static final String ARCHIVED = "archived-";
    static final String DEFAULT_BASE_URL = "https://api.hubapi.com";

    @ObjectClassDefinition(name = "Source: HubSpot CRM", description = "Companies (as customers, with their owner, industry,"
            + " region and chosen properties as segments) and deals (new business, upsell, cross-sell, renewal; open, won, lost)"
            + " of one HubSpot portal, read from the CRM v3 API with a private app's access token. Every sync reads all"
            + " companies and deals again (unchanged ones stay unchanged), and the archived ones, which become deletions from"
            + " the moment they were archived. One file etc/vitals.source.hubspot-<id>.cfg per portal.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.hubspot-' (vitals.source.hubspot-crm.cfg is the source 'crm').")
        String id() default "";

        @AttributeDefinition(name = "Access token", description = "Where the private app's access token is (scopes"
                + " crm.objects.companies.read, crm.objects.deals.read and crm.objects.owners.read): env:VARIABLE or"
                + " file:path/to/secrets.properties#key, a relative path being under the Vitals home. Never the token itself.")
        String accessToken() default "";

        @AttributeDefinition(name = "Base URL", description = "HubSpot's API address; https, or http on a loopback address for tests.")
        String baseUrl() default DEFAULT_BASE_URL;

        @AttributeDefinition(name = "Objects", description = "Which lists to read, comma-separated: companies, deals."
                + " A pass always reads companies before deals, then the archived ones of the same lists.")
        String objects() default "companies,deals";

        @AttributeDefinition(name = "Page size", description = "Objects per API page (HubSpot's limit, 1 to 100); one page is one commit.",
                min = "1", max = "100")
        int pageSize() default 100;

        @AttributeDefinition(name = "Requests per minute", description = "At most this many requests a minute (private apps may"
                + " make 100 per 10 seconds, shared by every integration of the portal); 0: no pacing. A 429 is honoured anyway.",
                min = "0")
        int requestsPerMinute() default 600;

        @AttributeDefinition(name = "Region property", description = "The company property that gives the customer's region"
                + " segment (country, state, a custom region property); empty: none.")
        String regionProperty() default "country";

        @AttributeDefinition(name = "Industry property", description = "The company property that gives the industry segment; empty: none.")
        String industryProperty() default "industry";

        @AttributeDefinition(name = "Plan property", description = "The company property that gives the customer's plan"
                + " (a custom property, if you keep one); empty: none.")
        String planProperty() default "";

        @AttributeDefinition(name = "Owner shown as", description = "How the company owner (hubspot_owner_id) becomes the csm"
                + " segment: the owner's name, e-mail address, or the owner id as it is. An owner HubSpot does not list stays its id.",
                options = {@Option(label = "name", value = "name"), @Option(label = "email", value = "email"),
                        @Option(label = "id", value = "id")})
        String ownerDisplay() default "name";

        @AttributeDefinition(name = "Attributes", description = "Further company properties kept as customer attributes, usable"
                + " as segments (--segment lifecyclestage=customer), comma-separated; 'name=property' stores the property under"
                + " another name (employees=numberofemployees). Empty values are not kept.")
        String attributes() default "domain,lifecyclestage,numberofemployees";

        @AttributeDefinition(name = "Kind property", description = "The deal property that tells the kind of deal (HubSpot's"
                + " 'dealtype' by default, or a custom one).")
        String kindProperty() default "dealtype";

        @AttributeDefinition(name = "Kind map", description = "How values of the kind property map to kinds, comma-separated"
                + " value=kind with kind one of new_business, upsell, cross_sell, renewal (values compared without regard to case)."
                + " A deal with a value not listed is rejected with it.")
        String kindMap() default "newbusiness=new_business,existingbusiness=upsell";

        @AttributeDefinition(name = "Default kind", description = "The kind of a deal whose kind property is empty.",
                options = {@Option(label = "new_business", value = "new_business"), @Option(label = "upsell", value = "upsell"),
                        @Option(label = "cross_sell", value = "cross_sell"), @Option(label = "renewal", value = "renewal")})
        String defaultKind() default "new_business";

        @AttributeDefinition(name = "Won stages", description = "Deal stage ids that mean won, comma-separated; used only when"
                + " HubSpot does not give hs_is_closed_won.")
        String wonStages() default "closedwon";

        @AttributeDefinition(name = "Lost stages", description = "Deal stage ids that mean lost, comma-separated; used only when"
                + " HubSpot does not give hs_is_closed.")
        String lostStages() default "closedlost";

        @AttributeDefinition(name = "Product property", description = "The deal property kept as the deal's product; empty: none.")
        String productProperty() default "";

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for HubSpot to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 30;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern PROPERTY = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");

    private final String id;
    private final Secret accessToken;
    private final String baseUrl;
    private final List<String> lists;
    private final int pageSize;
    private final int requestsPerMinute;
    private final Duration interval;
    private final Duration timeout;
    private final HubSpotMapping.Settings mapping;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    HubSpotSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        if (config.accessToken() == null || config.accessToken().isBlank()) {
            throw new IllegalArgumentException("accessToken is required: accessToken = env:HUBSPOT_TOKEN or"
                    + " accessToken = file:etc/secrets.properties#hubspot");
        }
        this.accessToken = Secret.parse("accessToken", config.accessToken(), home);
        this.baseUrl = SourceSettings.apiUrl("baseUrl", config.baseUrl().isBlank() ? DEFAULT_BASE_URL : config.baseUrl(),
                DEFAULT_BASE_URL, "the access token", "http://127.0.0.1:8080");
        this.lists = SourceSettings.someOf("objects", config.objects(), LISTS);
        if (config.pageSize() < 1 || config.pageSize() > 100) {
            throw new IllegalArgumentException("pageSize must be from 1 to 100 (HubSpot's limit); got " + config.pageSize());
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

        String region = property("regionProperty", config.regionProperty());
        String industry = property("industryProperty", config.industryProperty());
        String plan = property("planProperty", config.planProperty());
        String owner = config.ownerDisplay() == null ? "" : config.ownerDisplay().trim().toLowerCase(Locale.ROOT);
        if (!Set.of("name", "email", "id").contains(owner)) {
            throw new IllegalArgumentException("ownerDisplay must be name, email or id; got '" + config.ownerDisplay() + "'");
        }
        Map<String, String> attributes = attributes(config.attributes());
        String kindProperty = property("kindProperty", config.kindProperty());
        if (kindProperty == null) {
            throw new IllegalArgumentException("kindProperty must name a deal property such as dealtype; got nothing");
        }
        Map<String, DealKind> kindMap = kindMap("kindMap", config.kindMap());
        DealKind defaultKind = DealKind.parse("defaultKind", config.defaultKind());
        Set<String> won = stages("wonStages", config.wonStages());
        Set<String> lost = stages("lostStages", config.lostStages());
        for (String w : won) {
            if (lost.contains(w)) {
                throw new IllegalArgumentException("wonStages and lostStages both list '" + w + "'; a stage is won or lost, not both");
            }
        }
        String product = property("productProperty", config.productProperty());
        this.mapping = new HubSpotMapping.Settings(region, industry, plan, owner, attributes, kindProperty, kindMap, defaultKind,
                won, lost, product);

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("accessToken", accessToken.reference());
        s.put("baseUrl", baseUrl);
        s.put("objects", String.join(",", lists));
        s.put("pageSize", String.valueOf(pageSize));
        s.put("requestsPerMinute", String.valueOf(requestsPerMinute));
        s.put("regionProperty", nullToEmpty(region));
        s.put("industryProperty", nullToEmpty(industry));
        s.put("planProperty", nullToEmpty(plan));
        s.put("ownerDisplay", owner);
        s.put("attributes", SourceSettings.namedListText(attributes));
        s.put("kindProperty", kindProperty);
        s.put("kindMap", HubSpotMapping.kindMapText(kindMap));
        s.put("defaultKind", defaultKind.code());
        s.put("wonStages", String.join(",", won));
        s.put("lostStages", String.join(",", lost));
        s.put("productProperty", nullToEmpty(product));
        s.put("interval", String.valueOf(config.interval()));
        s.put("timeoutSeconds", String.valueOf(config.timeoutSeconds()));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A property's internal name (letters, digits, underscores), or null when empty. */
    private static String property(String key, String configured) {
        String p = configured == null ? "" : configured.trim();
        if (p.isEmpty()) {
            return null;
        }
        if (!PROPERTY.matcher(p).matches()) {
            throw new IllegalArgumentException(key + " must be a property's internal name (letters, digits, underscores) such as"
                    + " country; got '" + configured + "'");
        }
        return p;
    }

    /** {@code name=property} or {@code property}, comma-separated, as attribute name to property. */
    private static Map<String, String> attributes(String configured) {
        return SourceSettings.namedList("attributes", configured, PROPERTY,
                "attributes must list company properties (letters, digits, underscores) or"
                        + " name=property, comma-separated, such as domain,employees=numberofemployees");
    }

    /** {@code value=kind,...}; values are kept lower-case. */
    private static Map<String, DealKind> kindMap(String key, String configured) {
        Map<String, DealKind> out = new LinkedHashMap<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + " must be value=kind pairs, comma-separated, such as"
                        + " newbusiness=new_business,existingbusiness=upsell; got '" + p + "'");
            }
            String value = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            DealKind kind = DealKind.parse(key + " (for '" + p.substring(0, eq).trim() + "')", p.substring(eq + 1));
            if (out.putIfAbsent(value, kind) != null) {
                throw new IllegalArgumentException(key + " maps '" + p.substring(0, eq).trim() + "' twice");
            }
        }
        return out;
    }

    private static Set<String> stages(String key, String configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** For tests: waits between retries and for pacing differently (and lets them see the waits asked for). */
    HubSpotSource sleeper(SourceHttp.Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
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
        SourceHttp http = new SourceHttp(context.retryPolicy(), timeout, context::stopping, sleeper).pace(requestsPerMinute);
        HubSpotClient client = new HubSpotClient(http, baseUrl, accessToken.reveal(), JSON, pageSize);

        List<String> steps = steps(lists);
        HubSpotCursor at = HubSpotCursor.resume(context.cursor(), steps, JSON);
        // the owners are no records: read whenever companies are, to name each company's owner
        Map<String, String> owners = at.list().equals("companies") && !mapping.ownerDisplay().equals("id")
                ? client.owners(mapping.ownerDisplay()) : Map.of();
        HubSpotMapping map = new HubSpotMapping(id, mapping, owners);

        String passHighWater = at.passHighWater();
        for (int l = steps.indexOf(at.list()); l < steps.size(); l++) {
            String step = steps.get(l);
            boolean archived = step.startsWith(ARCHIVED);
            String list = archived ? step.substring(ARCHIVED.length()) : step;
            String after = step.equals(at.list()) ? at.after() : null;
            boolean restarted = false;
            while (true) {
                if (context.stopping()) {
                    return;
                }
                JsonNode answer;
                try {
                    answer = archived ? client.archived(list, after) : client.page(list, properties(list), after);
                } catch (SourceException e) {
                    if (after != null && !restarted && e.status() == 400) {
                        // HubSpot no longer takes the stored paging token: this list again from its start
                        after = null;
                        restarted = true;
                        continue;
                    }
                    throw e;
                }
                JsonNode results = answer.path("results");
                if (!results.isArray()) {
                    throw new SourceException("the answer from " + baseUrl + HubSpotClient.OBJECTS + list
                            + (archived ? "?archived=true" : "") + " is no list (no \"results\" array)");
                }
                SourcePage page = new SourcePage().read(results.size());
                for (JsonNode object : results) {
                    if (archived) {
                        // the high water stays that of live objects; an archived one's moment is its deletion
                        map.archived(list, object, page);
                        continue;
                    }
                    if (list.equals("companies")) {
                        map.company(object, page);
                    } else {
                        map.deal(object, page);
                    }
                    passHighWater = HubSpotMapping.later(passHighWater, HubSpotMapping.modified(object));
                }
                String next = HubSpotMapping.text(answer.path("paging").path("next"), "after");
                boolean more = next != null && !next.isEmpty();
                HubSpotCursor cursor;
                if (more) {
                    cursor = new HubSpotCursor(step, next, passHighWater, at.highWater());
                } else if (l + 1 < steps.size()) {
                    cursor = new HubSpotCursor(steps.get(l + 1), null, passHighWater, at.highWater());
                } else {
                    cursor = HubSpotCursor.done(passHighWater == null ? at.highWater() : passHighWater);
                }
                context.commit(page.cursor(cursor.toJson(JSON)));
                if (!more) {
                    break;
                }
                after = next;
            }
        }
    }

    /** The lists a pass reads, in order: the configured ones, then the archived objects of each. */
    static List<String> steps(List<String> lists) {
        List<String> steps = new ArrayList<>(lists);
        lists.forEach(l -> steps.add(ARCHIVED + l));
        return List.copyOf(steps);
    }

    HubSpotMapping.Settings mappingSettings() {
        return mapping;
    }

    /** The properties a list is read with. */
    List<String> properties(String list) {
        return list.equals("companies") ? mapping.companyProperties() : mapping.dealProperties();
    }

    @Override
    public String toString() {
        return "hubspot source " + id;
    }
}
