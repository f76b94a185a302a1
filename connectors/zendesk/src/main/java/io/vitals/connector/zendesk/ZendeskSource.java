package io.vitals.connector.zendesk;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
 * A Zendesk Support account as a source: its organizations as customers, its tickets (with their
 * first reply, resolution, reopens and replies from the ticket metrics) and the satisfaction
 * ratings on them as CSAT answers, read through Zendesk's incremental export API. Configured by
 * {@code etc/vitals.source.zendesk-<id>.cfg}:
 *
 * <pre>
 * subdomain = acme
 * email = vitals@acme.com
 * apiToken = env:ZENDESK_API_TOKEN
 * interval = 3600
 * </pre>
 *
 * A sync reads the organizations that changed since the last sync (the time-based organization
 * export, from the beginning of the account on the first sync), then the tickets that changed
 * (the cursor-based ticket export with the ticket metrics and the requesters side-loaded, from
 * {@code startTime} on the first sync), one committed page per API page. The cursor keeps the
 * organization export's next start time and the ticket export's {@code after_cursor}, so a sync
 * that died resumes at the next page and the next sync reads only what changed; a ticket that
 * changed comes again and is updated in place, and a deleted one comes once more with status
 * {@code deleted} and is deleted from then on (periods that ended before keep it).
 */
public class ZendeskSource implements Source {

    static final String PID = "vitals.source.zendesk";
    static final String KIND = "zendesk";
    /** The export's own limit on {@code per_page}. */
    static final int MAX_PAGE = 1000;
    /** Zendesk's documented limit on incremental exports without the High Volume add-on. */
    static final int DEFAULT_EXPORT_RATE = 10;
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern SOURCE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    @ObjectClassDefinition(name = "Source: Zendesk Support",
            description = "Tickets (first reply, resolution, reopens, replies), satisfaction ratings as CSAT answers, and"
                    + " organizations as customers, from one Zendesk Support account through its incremental export API."
                    + " One file etc/vitals.source.zendesk-<id>.cfg per account.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.zendesk-' (vitals.source.zendesk-support.cfg is the source 'support').")
        String id() default "";

        @AttributeDefinition(name = "Subdomain", description = "The account's subdomain: acme for https://acme.zendesk.com."
                + " Set this or baseUrl.")
        String subdomain() default "";

        @AttributeDefinition(name = "Base URL", description = "The account's address instead of a subdomain (a host mapped"
                + " to Zendesk, or a test server): https, or http on a loopback address. Set this or subdomain.")
        String baseUrl() default "";

        @AttributeDefinition(name = "Agent e-mail", description = "The e-mail address of the admin whose API token is used"
                + " (Basic authentication as <email>/token:<apiToken>). With apiToken; leave empty with oauthToken.")
        String email() default "";

        @AttributeDefinition(name = "API token", description = "Where the API token is (Admin Center > Apps and integrations"
                + " > Zendesk API): env:VARIABLE or file:path/to/secrets.properties#key, a relative path being under the"
                + " Vitals home. Never the token itself.")
        String apiToken() default "";

        @AttributeDefinition(name = "OAuth token", description = "Instead of email and apiToken: where an OAuth access token"
                + " with read scope is (env:VARIABLE or file:path#key), sent as a bearer token.")
        String oauthToken() default "";

        @AttributeDefinition(name = "Start", description = "The first sync reads the tickets changed since this date"
                + " (2025-01-01, or a time such as 2025-01-01T00:00:00Z); empty: 365 days before the first sync. Later"
                + " syncs go on from where the last one ended. Organizations are always read in full the first time.")
        String startTime() default "";

        @AttributeDefinition(name = "Page size", description = "Tickets or organizations per export page (per_page, 1 to"
                + " 1000); one page is one commit.", min = "1", max = "1000")
        int pageSize() default MAX_PAGE;

        @AttributeDefinition(name = "Export requests per minute", description = "Pace of the export requests: Zendesk allows"
                + " 10 a minute (30 with the High Volume API add-on); 0 sends them unpaced. A 429 answer is honoured either"
                + " way (Retry-After).", min = "0")
        int exportRequestsPerMinute() default DEFAULT_EXPORT_RATE;

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for Zendesk to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 60;

        @AttributeDefinition(name = "Customer source", description = "Empty: every Zendesk organization is a customer of"
                + " this source. Or the id of another source (a CRM) whose customers the tickets belong to: then no"
                + " customers are made from organizations, and organizationField names the organization field that holds"
                + " that source's customer id.")
        String customerSource() default "";

        @AttributeDefinition(name = "Organization field", description = "With customerSource: the key of the organization"
                + " field holding the customer's id in that source (such as crm_id).")
        String organizationField() default "";

        @AttributeDefinition(name = "Plan field", description = "The key of the organization field that is the customer's"
                + " plan (a segment); empty: none.")
        String planField() default "";

        @AttributeDefinition(name = "Region field", description = "The key of the organization field that is the customer's"
                + " region (a segment); empty: none.")
        String regionField() default "";

        @AttributeDefinition(name = "CSM field", description = "The key of the organization field naming the customer's"
                + " success manager (a segment); empty: none.")
        String csmField() default "";

        @AttributeDefinition(name = "Industry field", description = "The key of the organization field that is the customer's"
                + " industry (a segment); empty: none.")
        String industryField() default "";

        @AttributeDefinition(name = "Attributes", description = "Comma-separated keys of further organization fields kept as"
                + " customer attributes (segments by any attribute), such as seats,tier.")
        String attributes() default "";

        @AttributeDefinition(name = "Match requesters by e-mail", description = "Side-load the requesters with the tickets:"
                + " a ticket whose organization gives no customer is matched by its requester's e-mail address, and CSAT"
                + " answers keep the respondent's address.")
        boolean matchRequesterEmail() default true;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final String baseUrl;
    private final String email;
    private final Secret apiToken;
    private final Secret oauthToken;
    private final Instant startTime;
    private final int pageSize;
    private final int exportRate;
    private final Duration interval;
    private final Duration timeout;
    private final ZendeskMapping.Options options;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;
    private volatile Clock clock = Clock.systemUTC();

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    ZendeskSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        String sub = trim(config.subdomain());
        String url = trim(config.baseUrl());
        if (!sub.isEmpty() && !url.isEmpty()) {
            throw new IllegalArgumentException("set subdomain or baseUrl, not both (subdomain = acme is https://acme.zendesk.com)");
        }
        if (sub.isEmpty() && url.isEmpty()) {
            throw new IllegalArgumentException("subdomain is required: subdomain = acme for https://acme.zendesk.com"
                    + " (or baseUrl = https://support.acme.com)");
        }
        this.baseUrl = sub.isEmpty()
                ? SourceSettings.apiUrl("baseUrl", url, "https://acme.zendesk.com", "the token", "http://127.0.0.1:8080")
                : "https://" + subdomain(sub) + ".zendesk.com";

        this.email = trim(config.email());
        String token = trim(config.apiToken());
        String oauth = trim(config.oauthToken());
        if (!oauth.isEmpty()) {
            if (!token.isEmpty() || !email.isEmpty()) {
                throw new IllegalArgumentException("set email and apiToken, or oauthToken, not both ways of signing in");
            }
            this.oauthToken = Secret.parse("oauthToken", oauth, home);
            this.apiToken = null;
        } else {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("apiToken is required (with email): apiToken = env:ZENDESK_API_TOKEN or"
                        + " apiToken = file:etc/secrets.properties#zendesk; or oauthToken = env:ZENDESK_OAUTH_TOKEN");
            }
            if (email.isEmpty() || email.indexOf('@') < 1 || email.endsWith("@") || email.contains(" ")) {
                throw new IllegalArgumentException("email must be the e-mail address of the admin the API token belongs to"
                        + " (email = admin@acme.com); got '" + email + "'");
            }
            this.apiToken = Secret.parse("apiToken", token, home);
            this.oauthToken = null;
        }

        this.startTime = startTime(trim(config.startTime()));
        if (config.pageSize() < 1 || config.pageSize() > MAX_PAGE) {
            throw new IllegalArgumentException("pageSize must be from 1 to " + MAX_PAGE + " (the export's per_page limit); got "
                    + config.pageSize());
        }
        this.pageSize = config.pageSize();
        if (config.exportRequestsPerMinute() < 0) {
            throw new IllegalArgumentException("exportRequestsPerMinute must be 0 (unpaced) or more; Zendesk allows 10 (30 with"
                    + " the High Volume add-on); got " + config.exportRequestsPerMinute());
        }
        this.exportRate = config.exportRequestsPerMinute();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        if (config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be at least 1; got " + config.timeoutSeconds());
        }
        this.timeout = Duration.ofSeconds(config.timeoutSeconds());

        String customerSource = trim(config.customerSource()).toLowerCase(Locale.ROOT);
        String organizationField = trim(config.organizationField());
        if (!customerSource.isEmpty() && !SOURCE_ID.matcher(customerSource).matches()) {
            throw new IllegalArgumentException("customerSource must be a source id (lower-case letters, digits, dots, dashes,"
                    + " underscores) such as crm; got '" + config.customerSource().trim() + "'");
        }
        if (customerSource.equals(id)) {
            customerSource = ""; // this source's own customers: the organizations
        }
        if (!customerSource.isEmpty() && organizationField.isEmpty()) {
            throw new IllegalArgumentException("organizationField is required with customerSource = " + customerSource
                    + ": the key of the organization field holding the " + customerSource + " customer id (such as crm_id)");
        }
        if (customerSource.isEmpty() && !organizationField.isEmpty()) {
            throw new IllegalArgumentException("organizationField names where another source's customer id is; set customerSource"
                    + " to that source's id (such as crm), or remove organizationField");
        }
        List<String> attributes = attributes(config.attributes());
        this.options = new ZendeskMapping.Options(customerSource.isEmpty() ? null : customerSource,
                organizationField.isEmpty() ? null : organizationField, field(config.planField()), field(config.regionField()),
                field(config.csmField()), field(config.industryField()), attributes, config.matchRequesterEmail());

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("subdomain", sub.isEmpty() ? "" : subdomain(sub));
        s.put("baseUrl", baseUrl);
        s.put("email", email);
        s.put("apiToken", apiToken == null ? "" : apiToken.reference());
        s.put("oauthToken", oauthToken == null ? "" : oauthToken.reference());
        s.put("startTime", trim(config.startTime()));
        s.put("pageSize", String.valueOf(pageSize));
        s.put("exportRequestsPerMinute", String.valueOf(exportRate));
        s.put("interval", String.valueOf(config.interval()));
        s.put("timeoutSeconds", String.valueOf(config.timeoutSeconds()));
        s.put("customerSource", customerSource);
        s.put("organizationField", organizationField);
        s.put("planField", trim(options.planField()));
        s.put("regionField", trim(options.regionField()));
        s.put("csmField", trim(options.csmField()));
        s.put("industryField", trim(options.industryField()));
        s.put("attributes", String.join(",", attributes));
        s.put("matchRequesterEmail", String.valueOf(config.matchRequesterEmail()));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    private static String field(String s) {
        String t = trim(s);
        return t.isEmpty() ? null : t;
    }

    private static String subdomain(String configured) {
        String s = configured.toLowerCase(Locale.ROOT);
        if (s.endsWith(".zendesk.com") || s.contains("://")) {
            throw new IllegalArgumentException("subdomain is the first part of the account's address only: subdomain = acme"
                    + " for https://acme.zendesk.com; got '" + configured + "'");
        }
        if (!SUBDOMAIN.matcher(s).matches()) {
            throw new IllegalArgumentException("subdomain must be letters, digits and dashes, such as acme for"
                    + " https://acme.zendesk.com; got '" + configured + "'");
        }
        return s;
    }

    private static Instant startTime(String configured) {
        if (configured.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(configured).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(configured).toInstant();
            } catch (DateTimeParseException notATime) {
                throw new IllegalArgumentException("startTime must be a date such as 2025-01-01 or a time such as"
                        + " 2025-01-01T00:00:00Z, or empty for 365 days before the first sync; got '" + configured + "'");
            }
        }
    }

    private static List<String> attributes(String configured) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (String part : trim(configured).split(",")) {
            String k = part.trim();
            if (k.isEmpty()) {
                continue;
            }
            if (k.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("attributes must be organization field keys separated by commas, such as"
                        + " seats,tier; got '" + k + "'");
            }
            keys.add(k);
        }
        return List.copyOf(keys);
    }

    /** For tests: waits (between retries and for the pace) differently, and lets them see the waits asked for. */
    ZendeskSource sleeper(SourceHttp.Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /** For tests: the "now" that the default start time and the start-time clamp are taken from. */
    ZendeskSource clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    int exportRequestsPerMinute() {
        return exportRate;
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
        SourceHttp http = new SourceHttp(context.retryPolicy(), timeout, context::stopping, sleeper).pace(exportRate);
        ZendeskClient client = apiToken != null
                ? ZendeskClient.withToken(http, baseUrl, email, apiToken.reveal(), JSON, pageSize)
                : ZendeskClient.withOAuth(http, baseUrl, oauthToken.reveal(), JSON, pageSize);
        ZendeskMapping mapping = new ZendeskMapping(id, options);
        Instant now = clock.instant();

        ZendeskCursor at = ZendeskCursor.read(context.cursor(), JSON);
        if (at.ticketsStart() == null && at.tickets() == null) {
            Instant start = startTime != null ? startTime : now.minus(Duration.ofDays(365));
            at = at.withTicketsStart(start.getEpochSecond());
        }

        if (!options.customersFromElsewhere()) {
            at = organizations(context, client, mapping, at, now);
            if (at == null) {
                return;
            }
        }
        tickets(context, client, mapping, at, now);
    }

    /** The organizations changed since the cursor's time, page by page; the cursor to go on with, or null when asked to stop. */
    private ZendeskCursor organizations(SyncContext context, ZendeskClient client, ZendeskMapping mapping, ZendeskCursor at,
            Instant now) throws SourceException, InterruptedException {
        long start = at.organizations() == null ? 0 : at.organizations();
        while (true) {
            if (context.stopping()) {
                return null;
            }
            long asked = ZendeskClient.clamp(start, now);
            JsonNode answer = client.organizations(asked);
            JsonNode organizations = answer.path("organizations");
            if (!organizations.isArray()) {
                throw new SourceException("the answer from " + baseUrl + ZendeskClient.ORGANIZATIONS
                        + " has no \"organizations\" list");
            }
            SourcePage page = new SourcePage().read(organizations.size());
            for (JsonNode organization : organizations) {
                mapping.organization(organization, page);
            }
            boolean end = answer.path("end_of_stream").asBoolean(false);
            JsonNode endTime = answer.get("end_time");
            long next = endTime != null && endTime.canConvertToLong() && endTime.asLong() > 0 ? endTime.asLong() : asked;
            if (!end && next <= asked) {
                throw new SourceException("Zendesk's organization export gave a full page of " + organizations.size()
                        + " organizations all changed at " + Instant.ofEpochSecond(asked) + " and no later end_time, so it"
                        + " cannot go on from there; raise pageSize (at most " + MAX_PAGE + ")");
            }
            at = at.withOrganizations(next);
            context.commit(page.cursor(at.toJson(JSON)));
            if (end) {
                return at;
            }
            start = next;
        }
    }

    /** The tickets changed since the cursor, page by page, until Zendesk says it is the end of the stream. */
    private void tickets(SyncContext context, ZendeskClient client, ZendeskMapping mapping, ZendeskCursor at, Instant now)
            throws SourceException, InterruptedException {
        while (true) {
            if (context.stopping()) {
                return;
            }
            String asked = at.tickets();
            JsonNode answer = asked != null ? client.tickets(asked, options)
                    : client.ticketsSince(ZendeskClient.clamp(at.ticketsStart(), now), options);
            JsonNode tickets = answer.path("tickets");
            if (!tickets.isArray()) {
                throw new SourceException("the answer from " + baseUrl + ZendeskClient.TICKETS + " has no \"tickets\" list");
            }
            SourcePage page = new SourcePage().read(tickets.size());
            ZendeskMapping.SideLoads side = ZendeskMapping.SideLoads.of(answer);
            for (JsonNode ticket : tickets) {
                mapping.ticket(ticket, side, page);
            }
            boolean end = answer.path("end_of_stream").asBoolean(false);
            JsonNode after = answer.get("after_cursor");
            String next = after != null && after.isTextual() && !after.asText().isBlank() ? after.asText() : null;
            if (!end && (next == null || next.equals(asked))) {
                throw new SourceException("Zendesk's ticket export said there is more but gave no new after_cursor"
                        + (next == null ? "" : " (" + next + " again)"));
            }
            if (next != null) {
                at = at.withTickets(next);
            }
            context.commit(page.cursor(at.toJson(JSON)));
            if (end) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "zendesk source " + id;
    }
}
