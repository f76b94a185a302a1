package io.vitals.connector.stripe;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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

/**
 * A Stripe account as a source: its customers, its subscriptions (every status, as spans of MRR)
 * and its invoices, read page by page from Stripe's REST API. Configured by
 * {@code etc/vitals.source.stripe-<id>.cfg}:
 *
 * <pre>
 * apiKey = env:STRIPE_API_KEY
 * interval = 3600
 * </pre>
 *
 * A sync reads the lists in the order customers, subscriptions, invoices (so records find their
 * customers), one committed page per API page; the cursor names the list and the last id
 * committed, so a sync that died resumes at the next page. A pass that read every list ends; the
 * next sync starts a new pass, where rows that did not change count as unchanged.
 */
public class StripeSource implements Source {

    static final String PID = "vitals.source.stripe";
    static final String KIND = "stripe";
    /** The lists in the order a pass reads them. */
    static final List<String> LISTS = List.of("customers", "subscriptions", "invoices");
    static final String DEFAULT_BASE_URL = "https://api.stripe.com";

    @ObjectClassDefinition(name = "Source: Stripe", description = "Customers, subscriptions and invoices of one Stripe account,"
            + " read from Stripe's REST API. One file etc/vitals.source.stripe-<id>.cfg per account.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.stripe-' (vitals.source.stripe-billing.cfg is the source 'billing').")
        String id() default "";

        @AttributeDefinition(name = "API key", description = "Where the secret API key is (a restricted key with read access"
                + " to customers, subscriptions, invoices and coupons is enough): env:VARIABLE or"
                + " file:path/to/secrets.properties#key, a relative path being under the Vitals home. Never the key itself.")
        String apiKey() default "";

        @AttributeDefinition(name = "Base URL", description = "Stripe's API address; https, or http on a loopback address for tests.")
        String baseUrl() default DEFAULT_BASE_URL;

        @AttributeDefinition(name = "Page size", description = "Objects per API page (Stripe's limit, 1 to 100); one page is one commit.",
                min = "1", max = "100")
        int pageSize() default 100;

        @AttributeDefinition(name = "Objects", description = "Which lists to read, comma-separated: customers, subscriptions,"
                + " invoices. A pass always reads them in that order.")
        String objects() default "customers,subscriptions,invoices";

        @AttributeDefinition(name = "Follow events", description = "After a complete pass over the lists, follow Stripe's"
                + " events (/v1/events: subscriptions created, updated and deleted, customers and their discounts deleted,"
                + " invoices) at their own moments; false, or when the events are older than Stripe keeps (30 days):"
                + " every list again, each change dated when the sync saw it.")
        boolean followEvents() default true;

        @AttributeDefinition(name = "History from invoices", description = "On the first sync, rebuild each subscription's"
                + " past from its invoices (each period's lines, prorations at their own moments), so that new, expansion,"
                + " contraction and churn go back as far as the invoices do; one request per subscription.")
        boolean historyFromInvoices() default true;

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for Stripe to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 30;

        @AttributeDefinition(name = "API version", description = "Stripe-Version header to send, such as 2025-03-31.basil;"
                + " empty: the account's default version. Older and newer versions are both understood.")
        String apiVersion() default "";

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String id;
    private final Secret apiKey;
    private final String baseUrl;
    private final int pageSize;
    private final List<String> lists;
    private final Duration interval;
    private final Duration timeout;
    private final String apiVersion;
    private final boolean followEvents;
    private final boolean historyFromInvoices;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;
    /** What the last sync left out of MRR. */
    private volatile Map<String, String> notes = Map.of();
    private volatile Clock clock = Clock.systemUTC();

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    StripeSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        if (config.apiKey() == null || config.apiKey().isBlank()) {
            throw new IllegalArgumentException("apiKey is required: apiKey = env:STRIPE_API_KEY or apiKey = file:etc/secrets.properties#stripe");
        }
        this.apiKey = Secret.parse("apiKey", config.apiKey(), home);
        this.baseUrl = SourceSettings.apiUrl("baseUrl", config.baseUrl().isBlank() ? DEFAULT_BASE_URL : config.baseUrl(),
                DEFAULT_BASE_URL, "the API key", "http://127.0.0.1:12111");
        if (config.pageSize() < 1 || config.pageSize() > 100) {
            throw new IllegalArgumentException("pageSize must be from 1 to 100 (Stripe's limit); got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        this.lists = SourceSettings.someOf("objects", config.objects(), LISTS);
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        if (config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be at least 1; got " + config.timeoutSeconds());
        }
        this.timeout = Duration.ofSeconds(config.timeoutSeconds());
        String version = config.apiVersion() == null ? "" : config.apiVersion().trim();
        if (!version.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("apiVersion must be a Stripe API version such as 2025-03-31.basil, or empty; got '" + version + "'");
        }
        this.apiVersion = version;
        this.followEvents = config.followEvents();
        this.historyFromInvoices = config.historyFromInvoices();

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("apiKey", apiKey.reference());
        s.put("baseUrl", baseUrl);
        s.put("pageSize", String.valueOf(pageSize));
        s.put("objects", String.join(",", lists));
        s.put("interval", String.valueOf(config.interval()));
        s.put("timeoutSeconds", String.valueOf(config.timeoutSeconds()));
        s.put("apiVersion", apiVersion);
        s.put("followEvents", String.valueOf(followEvents));
        s.put("historyFromInvoices", String.valueOf(historyFromInvoices));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    /** For tests: waits between retries differently (and lets them see the waits asked for). */
    StripeSource sleeper(SourceHttp.Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /** For tests: the "now" discounts are in force at. */
    StripeSource clock(Clock clock) {
        this.clock = clock;
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
    public Map<String, String> notes() {
        return notes;
    }

    @Override
    public void sync(SyncContext context) throws Exception {
        if (context.stopping()) {
            return;
        }
        SourceHttp http = new SourceHttp(context.retryPolicy(), timeout, context::stopping, sleeper);
        StripeClient client = new StripeClient(http, baseUrl, apiKey.reveal(), apiVersion, JSON, pageSize);
        StripeMapping mapping = new StripeMapping(id, clock, client);
        try {
            read(context, client, mapping);
        } finally {
            notes = mapping.meteredLeftOut() == 0 ? Map.of() : Map.of("metered items left out of MRR", String.valueOf(mapping.meteredLeftOut()));
        }
    }

    private void read(SyncContext context, StripeClient client, StripeMapping mapping) throws Exception {
        boolean first = context.cursor().isEmpty();
        StripeCursor at = StripeCursor.resume(context.cursor(), lists, JSON);
        if (first && historyFromInvoices) {
            at = at.withHistory(true); // the first pass rebuilds each subscription's past from its invoices
        }
        if (at.isDone()) {
            if (followEvents && at.events() != null && follow(context, client, mapping, at.events())) {
                return;
            }
            at = StripeCursor.start(lists.get(0)); // no events to follow (too old, or none then): every list again
        }
        String events = at.events();
        if (at.list().equals(lists.get(0)) && at.after() == null && followEvents) {
            events = client.newestEvent(); // a pass begins: what happens from now on is in the events after this one
        }
        for (int l = lists.indexOf(at.list()); l < lists.size(); l++) {
            String list = lists.get(l);
            String after = list.equals(at.list()) ? at.after() : null;
            boolean restarted = false;
            while (true) {
                if (context.stopping()) {
                    return;
                }
                JsonNode answer;
                try {
                    answer = client.page(list, after);
                } catch (SourceException e) {
                    if (after != null && !restarted && (e.status() == 400 || e.status() == 404)) {
                        // the object the cursor names is gone (deleted since): this list again from its start
                        after = null;
                        restarted = true;
                        continue;
                    }
                    throw e;
                }
                JsonNode data = answer.path("data");
                if (!data.isArray()) {
                    throw new SourceException("the answer from " + baseUrl + "/v1/" + list + " is no list (no \"data\" array)");
                }
                SourcePage page = new SourcePage().read(data.size());
                for (JsonNode object : data) {
                    switch (list) {
                        case "customers" -> mapping.customer(object, page);
                        case "subscriptions" -> {
                            if (at.history()) {
                                mapping.history(object, page);
                            }
                            mapping.subscription(object, page);
                        }
                        default -> mapping.invoice(object, page);
                    }
                }
                String last = data.isEmpty() ? null : StripeMapping.text(data.get(data.size() - 1), "id");
                boolean more = answer.path("has_more").asBoolean(false) && last != null;
                StripeCursor next = more ? new StripeCursor(list, last)
                        : l + 1 < lists.size() ? StripeCursor.start(lists.get(l + 1)) : StripeCursor.done();
                context.commit(page.cursor(next.withEvents(events).withHistory(at.history() && !next.isDone()).toJson(JSON)));
                if (!more) {
                    break;
                }
                after = last;
            }
        }
    }

    /**
     * Follows Stripe's events after {@code after}, oldest first, a committed page each; false when Stripe no
     * longer has that event (it keeps 30 days of them), so that the caller reads every list again instead.
     */
    private boolean follow(SyncContext context, StripeClient client, StripeMapping mapping, String after) throws Exception {
        String newest = after;
        while (true) {
            if (context.stopping()) {
                return true;
            }
            JsonNode answer;
            try {
                answer = client.eventsAfter(newest);
            } catch (SourceException e) {
                if (e.status() == 400 || e.status() == 404) {
                    return false;
                }
                throw e;
            }
            JsonNode data = answer.path("data");
            if (!data.isArray() || data.isEmpty()) {
                return true;
            }
            SourcePage page = new SourcePage().read(data.size());
            for (int i = data.size() - 1; i >= 0; i--) { // Stripe lists the newest first
                mapping.event(data.get(i), page);
            }
            newest = StripeMapping.text(data.get(0), "id");
            context.commit(page.cursor(StripeCursor.done().withEvents(newest).toJson(JSON)));
            if (!answer.path("has_more").asBoolean(false)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "stripe source " + id;
    }
}
