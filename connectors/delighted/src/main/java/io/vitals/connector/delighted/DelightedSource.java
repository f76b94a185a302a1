package io.vitals.connector.delighted;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitals.connector.SourceSettings;
import io.vitals.connector.Secret;
import io.vitals.connector.Source;
import io.vitals.connector.SourceHttp;
import io.vitals.connector.SourceIds;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.model.SurveyType;

/**
 * The survey responses of one Delighted project (NPS, CSAT, CES, 5-star, smileys, thumbs), read
 * from Delighted's REST API. Configured by {@code etc/vitals.source.delighted-<id>.cfg}:
 *
 * <pre>
 * apiKey = env:DELIGHTED_API_KEY
 * interval = 3600
 * </pre>
 *
 * <p>A sync lists {@code /v1/survey_responses.json} in the order of {@code updated_at}
 * ({@code order=asc:updated_at}), from the {@code updated_at} of the last response it committed
 * ({@code updated_since}, inclusive): a response whose comment, score, tags or notes changed since
 * comes again and is updated, which a cursor on creation ({@code since}) would never see. Each
 * request starts again from the newest committed {@code updated_at} rather than asking for page
 * N + 1 of a fixed query, so a response edited while the sync runs (it moves to the end of the
 * order) cannot shift an unread response onto a page already read; responses of the boundary
 * second that were committed are recognised by id. See {@link DelightedCursor}.
 */
public class DelightedSource implements Source {

    static final String PID = "vitals.source.delighted";
    static final String KIND = "delighted";
    static final String DEFAULT_BASE_URL = "https://api.delighted.com";
    static final String PATH = "/v1/survey_responses.json";

    @ObjectClassDefinition(name = "Source: Delighted surveys",
            description = "NPS, CSAT, CES, 5-star, smileys and thumbs answers of one Delighted project, read from Delighted's"
                    + " REST API; respondents are matched to customers by e-mail or by a person property holding a customer id."
                    + " One file etc/vitals.source.delighted-<id>.cfg per project (API key).")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.delighted-' (vitals.source.delighted-nps.cfg is the source 'nps').")
        String id() default "";

        @AttributeDefinition(name = "API key", description = "Where the project's private API key is (Delighted: Integrations >"
                + " API): env:VARIABLE or file:path/to/secrets.properties#key, a relative path being under the Vitals home."
                + " Never the key itself.")
        String apiKey() default "";

        @AttributeDefinition(name = "Base URL", description = "Delighted's API address; https, or http on a loopback address for tests.")
        String baseUrl() default DEFAULT_BASE_URL;

        @AttributeDefinition(name = "Page size", description = "Responses per request (Delighted's limit: 1 to 100); one request is one"
                + " committed page.", min = "1", max = "100")
        int pageSize() default 100;

        @AttributeDefinition(name = "Survey types", description = "Which Vitals survey types to keep, comma-separated: nps, csat"
                + " (Delighted's csat, 5star, smileys and thumbs) and ces; empty keeps all three. Responses of the other types are"
                + " read and passed over.")
        String surveyType() default "";

        @AttributeDefinition(name = "CES scale", description = "The points of the project's CES question: 7 (Delighted's default,"
                + " 1 to 7) or 5 (the 'additional scale', 1 to 5). The API does not say which one a project uses.")
        int cesScale() default 7;

        @AttributeDefinition(name = "Trend", description = "Only the responses of this Delighted trend (its id, the number at the"
                + " end of the trend's page address); empty: all responses.")
        String trend() default "";

        @AttributeDefinition(name = "Customer source", description = "The source whose customer ids the person property"
                + " customerIdProperty holds (e.g. hubspot-main or billing). Needed with customerIdProperty.")
        String customerSource() default "";

        @AttributeDefinition(name = "Customer id property", description = "The person property (sent to Delighted as"
                + " properties[...]) holding the customer's id in customerSource, e.g. customer_id. Empty: respondents are matched"
                + " by e-mail only. A respondent whose id finds nobody is matched by e-mail; one found by neither is kept unmatched.")
        String customerIdProperty() default "";

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for Delighted to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 30;

        @AttributeDefinition(name = "Requests per minute", description = "At most this many requests a minute (0: as fast as"
                + " Delighted answers; a 429 answer is honoured by waiting as long as its Retry-After says in any case).", min = "0")
        int requestsPerMinute() default 0;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final Secret apiKey;
    private final String baseUrl;
    private final int pageSize;
    private final Set<SurveyType> types;
    private final int cesScale;
    private final String trend;
    private final String customerSource;
    private final String customerIdProperty;
    private final Duration interval;
    private final Duration timeout;
    private final int requestsPerMinute;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    DelightedSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        if (config.apiKey() == null || config.apiKey().isBlank()) {
            throw new IllegalArgumentException("apiKey is required: apiKey = env:DELIGHTED_API_KEY or"
                    + " apiKey = file:etc/secrets.properties#delighted");
        }
        this.apiKey = Secret.parse("apiKey", config.apiKey(), home);
        this.baseUrl = baseUrl(config.baseUrl());
        if (config.pageSize() < 1 || config.pageSize() > 100) {
            throw new IllegalArgumentException("pageSize must be from 1 to 100 (Delighted's limit); got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        this.types = types(config.surveyType());
        if (config.cesScale() != 5 && config.cesScale() != 7) {
            throw new IllegalArgumentException("cesScale must be 7 (Delighted's default CES question, 1 to 7) or 5 (1 to 5); got "
                    + config.cesScale());
        }
        this.cesScale = config.cesScale();
        this.trend = trimmed(config.trend());
        if (!trend.matches("[A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("trend must be a Delighted trend id such as 1234 (from the trend's page address), or"
                    + " empty; got '" + trend + "'");
        }
        this.customerSource = trimmed(config.customerSource());
        this.customerIdProperty = trimmed(config.customerIdProperty());
        if (!customerIdProperty.isEmpty() && customerSource.isEmpty()) {
            throw new IllegalArgumentException("customerSource is required with customerIdProperty = " + customerIdProperty
                    + ": the id of the source whose customer ids that property holds (e.g. customerSource = hubspot-main)");
        }
        if (!customerSource.isEmpty()) {
            try {
                SourceIds.of(customerSource, "");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("customerSource must be a source id such as hubspot-main; got '" + customerSource + "'");
            }
            if (customerIdProperty.isEmpty()) {
                throw new IllegalArgumentException("customerIdProperty is required with customerSource = " + customerSource
                        + ": the person property holding the customer id (e.g. customerIdProperty = customer_id)");
            }
        }
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        if (config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be at least 1; got " + config.timeoutSeconds());
        }
        this.timeout = Duration.ofSeconds(config.timeoutSeconds());
        if (config.requestsPerMinute() < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be 0 (no pacing) or more; got " + config.requestsPerMinute());
        }
        this.requestsPerMinute = config.requestsPerMinute();

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("apiKey", apiKey.reference());
        s.put("baseUrl", baseUrl);
        s.put("pageSize", String.valueOf(pageSize));
        s.put("surveyType", types.stream().map(SurveyType::code).collect(Collectors.joining(",")));
        s.put("cesScale", String.valueOf(cesScale));
        s.put("trend", trend);
        s.put("customerSource", customerSource);
        s.put("customerIdProperty", customerIdProperty);
        s.put("interval", String.valueOf(config.interval()));
        s.put("timeoutSeconds", String.valueOf(config.timeoutSeconds()));
        s.put("requestsPerMinute", String.valueOf(requestsPerMinute));
        this.settings = Collections.unmodifiableMap(s);
    }

    static Path home(BundleContext context) {
        String home = context == null ? null : context.getProperty("vitals.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    private static String trimmed(String v) {
        return v == null ? "" : v.trim();
    }

    private static Set<SurveyType> types(String configured) {
        Set<SurveyType> out = EnumSet.noneOf(SurveyType.class);
        for (String part : trimmed(configured).split("[,\\s]+")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(SurveyType.valueOf(p.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("surveyType must list some of nps, csat, ces (Delighted's 5star, smileys and"
                        + " thumbs are csat), or be empty for all; got '" + part.trim() + "'");
            }
        }
        return out.isEmpty() ? EnumSet.allOf(SurveyType.class) : out;
    }

    static String baseUrl(String configured) {
        return SourceSettings.apiUrl("baseUrl", configured == null || configured.isBlank() ? DEFAULT_BASE_URL : configured,
                DEFAULT_BASE_URL, "the API key", "http://127.0.0.1:8080");
    }

    /** For tests: waits between retries and paced requests differently (and lets them see the waits asked for). */
    DelightedSource sleeper(SourceHttp.Sleeper sleeper) {
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
        DelightedClient client = new DelightedClient(http, baseUrl, apiKey.reveal(), trend, pageSize, JSON);
        DelightedMapping mapping = new DelightedMapping(id, types, cesScale, customerSource, customerIdProperty);

        DelightedCursor at = DelightedCursor.parse(context.cursor().orElse(null), JSON);
        while (!context.stopping()) {
            JsonNode answer = client.page(at);
            if (answer.isEmpty()) {
                return; // an empty array ends the listing
            }
            SourcePage page = new SourcePage().read(0);
            int fresh = 0;
            for (JsonNode response : answer) {
                if (at.committed(response)) {
                    continue; // the boundary second read again: committed before
                }
                fresh++;
                mapping.addTo(response, page);
            }
            if (fresh == 0) {
                return; // nothing after what was committed
            }
            DelightedCursor next = at.after(answer);
            context.commit(page.read(fresh).cursor(next.toJson(JSON)));
            if (answer.size() < pageSize || next.equals(at)) {
                return; // a short page is the last (and a page that moved nothing on would come again)
            }
            at = next;
        }
    }

    @Override
    public String toString() {
        return "delighted source " + id;
    }
}
