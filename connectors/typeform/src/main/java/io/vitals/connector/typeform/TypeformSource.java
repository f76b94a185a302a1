package io.vitals.connector.typeform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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
import io.vitals.model.SurveyType;

/**
 * The answers to one score question (NPS, CSAT or CES) of one Typeform form, read through
 * Typeform's Responses API. Configured by {@code etc/vitals.source.typeform-<id>.cfg}:
 *
 * <pre>
 * formId = u6nXL7
 * accessToken = env:TYPEFORM_TOKEN
 * scoreField = nps
 * emailHidden = email
 * </pre>
 *
 * <p>A sync first reads the form's definition ({@code GET /forms/{form_id}}) for the score
 * question's type and scale, then the completed responses oldest first: the first request asks for
 * {@code sort=submitted_at,asc}; every later one for the responses {@code after} the token of the
 * last response committed (Typeform does not take {@code sort} together with {@code after} or
 * {@code before}: those list in the order Typeform processed the responses, which is how a whole
 * form is traversed without repeats). The cursor is that token, so a sync that died resumes at the
 * next page, and the next sync reads only what was submitted since. Requests are paced to
 * Typeform's limit of two a second.
 */
public class TypeformSource implements Source {

    static final String PID = "vitals.source.typeform";
    static final String KIND = "typeform";
    static final String DEFAULT_BASE_URL = "https://api.typeform.com";

    @ObjectClassDefinition(name = "Source: Typeform survey",
            description = "The answers to the NPS, CSAT or CES question of one Typeform form, read through Typeform's Responses API,"
                    + " with the question's own scale; respondents are matched to customers by an e-mail answer or hidden field, or"
                    + " by a hidden field holding a customer id. One file etc/vitals.source.typeform-<id>.cfg per form.")
    public @interface Config {
        @AttributeDefinition(name = "Source id", description = "The source's id; empty: the part of the file name after"
                + " 'vitals.source.typeform-' (vitals.source.typeform-onboarding-nps.cfg is the source 'onboarding-nps').")
        String id() default "";

        @AttributeDefinition(name = "Form id", description = "The form's id, from its address: https://yours.typeform.com/to/u6nXL7"
                + " is the form u6nXL7.")
        String formId() default "";

        @AttributeDefinition(name = "Access token", description = "Where the personal access token is (scopes forms:read and"
                + " responses:read): env:VARIABLE or file:path/to/secrets.properties#key, a relative path being under the Vitals"
                + " home. Never the token itself.")
        String accessToken() default "";

        @AttributeDefinition(name = "Base URL", description = "Typeform's API address: https://api.typeform.com, or"
                + " https://api.eu.typeform.com for accounts in the EU data center; http only on a loopback address, for tests.")
        String baseUrl() default DEFAULT_BASE_URL;

        @AttributeDefinition(name = "Score question", description = "The question that carries the score: its ref (Typeform:"
                + " question > settings > 'Question reference') or its id. An opinion scale, rating or NPS question.")
        String scoreField() default "";

        @AttributeDefinition(name = "Survey type", description = "What the score measures: nps, csat or ces. Required unless the"
                + " score question is Typeform's NPS question (then nps).")
        String surveyType() default "";

        @AttributeDefinition(name = "E-mail question", description = "The ref or id of an e-mail question whose answer is the"
                + " respondent's e-mail address; empty: none.")
        String emailField() default "";

        @AttributeDefinition(name = "E-mail hidden field", description = "The hidden field carrying the respondent's e-mail address"
                + " (https://yours.typeform.com/to/u6nXL7#email=...); used when the e-mail question is not answered. Empty: none.")
        String emailHidden() default "";

        @AttributeDefinition(name = "Customer id hidden field", description = "The hidden field carrying the customer's id in"
                + " customerSource (e.g. customer_id). A respondent whose id finds nobody is matched by e-mail; one found by"
                + " neither is kept unmatched.")
        String customerIdHidden() default "";

        @AttributeDefinition(name = "Customer source", description = "The source whose customer ids customerIdHidden holds"
                + " (e.g. hubspot-main). Needed with customerIdHidden.")
        String customerSource() default "";

        @AttributeDefinition(name = "Comment question", description = "The ref or id of a text question whose answer is kept as"
                + " the response's comment (the 'why' after the score); empty: none.")
        String commentField() default "";

        @AttributeDefinition(name = "Page size", description = "Responses per request (Typeform's limit: 1 to 1000); one request is"
                + " one committed page.", min = "1", max = "1000")
        int pageSize() default 1000;

        @AttributeDefinition(name = "Interval", description = "Seconds between syncs on the source's own; 0 syncs only on demand.",
                min = "0")
        long interval() default 0;

        @AttributeDefinition(name = "Timeout", description = "Seconds to wait for Typeform to connect and to answer one request.",
                min = "1")
        int timeoutSeconds() default 30;

        @AttributeDefinition(name = "Requests per minute", description = "At most this many requests a minute: Typeform allows two"
                + " a second per account (120); lower it when other tools use the same account. 0: no pacing (a 429 answer is"
                + " honoured by waiting as long as its Retry-After says in any case).", min = "0")
        int requestsPerMinute() default 120;

        @AttributeDefinition(name = "Configuration file", description = "Set by FileInstall: the file this configuration came from.")
        String felix_fileinstall_filename() default "";
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final String formId;
    private final Secret accessToken;
    private final String baseUrl;
    private final String scoreField;
    private final SurveyType surveyType;
    private final String emailField;
    private final String emailHidden;
    private final String customerIdHidden;
    private final String customerSource;
    private final String commentField;
    private final int pageSize;
    private final Duration interval;
    private final Duration timeout;
    private final int requestsPerMinute;
    private final Map<String, String> settings;

    private volatile SourceHttp.Sleeper sleeper;

    /** @throws IllegalArgumentException naming the key that is wrong and what would be right */
    TypeformSource(Config config, Path home) {
        this.id = SourceIds.of(config.id(), config.felix_fileinstall_filename());
        this.formId = trimmed(config.formId());
        if (formId.isEmpty()) {
            throw new IllegalArgumentException("formId is required: the id at the end of the form's address"
                    + " (https://yours.typeform.com/to/u6nXL7 is formId = u6nXL7)");
        }
        if (!formId.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("formId must be a form id such as u6nXL7 (letters, digits, _ and -); got '" + formId + "'");
        }
        if (config.accessToken() == null || config.accessToken().isBlank()) {
            throw new IllegalArgumentException("accessToken is required: accessToken = env:TYPEFORM_TOKEN or"
                    + " accessToken = file:etc/secrets.properties#typeform");
        }
        this.accessToken = Secret.parse("accessToken", config.accessToken(), home);
        this.baseUrl = baseUrl(config.baseUrl());
        this.scoreField = trimmed(config.scoreField());
        if (scoreField.isEmpty()) {
            throw new IllegalArgumentException("scoreField is required: the ref or id of the question that carries the score"
                    + " (an opinion scale, rating or NPS question), e.g. scoreField = nps");
        }
        String type = trimmed(config.surveyType()).toLowerCase(Locale.ROOT);
        this.surveyType = switch (type) {
            case "" -> null;
            case "nps" -> SurveyType.NPS;
            case "csat" -> SurveyType.CSAT;
            case "ces" -> SurveyType.CES;
            default -> throw new IllegalArgumentException("surveyType must be nps, csat or ces (or empty for Typeform's NPS"
                    + " question); got '" + trimmed(config.surveyType()) + "'");
        };
        this.emailField = trimmed(config.emailField());
        this.emailHidden = trimmed(config.emailHidden());
        this.customerIdHidden = trimmed(config.customerIdHidden());
        this.customerSource = trimmed(config.customerSource());
        if (!customerIdHidden.isEmpty() && customerSource.isEmpty()) {
            throw new IllegalArgumentException("customerSource is required with customerIdHidden = " + customerIdHidden
                    + ": the id of the source whose customer ids that hidden field holds (e.g. customerSource = hubspot-main)");
        }
        if (!customerSource.isEmpty()) {
            try {
                SourceIds.of(customerSource, "");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("customerSource must be a source id such as hubspot-main; got '" + customerSource + "'");
            }
            if (customerIdHidden.isEmpty()) {
                throw new IllegalArgumentException("customerIdHidden is required with customerSource = " + customerSource
                        + ": the hidden field carrying the customer id (e.g. customerIdHidden = customer_id)");
            }
        }
        this.commentField = trimmed(config.commentField());
        if (config.pageSize() < 1 || config.pageSize() > 1000) {
            throw new IllegalArgumentException("pageSize must be from 1 to 1000 (Typeform's limit); got " + config.pageSize());
        }
        this.pageSize = config.pageSize();
        if (config.interval() < 0) {
            throw new IllegalArgumentException("interval must be 0 (only on demand) or a number of seconds; got " + config.interval());
        }
        this.interval = Duration.ofSeconds(config.interval());
        if (config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be at least 1; got " + config.timeoutSeconds());
        }
        this.timeout = Duration.ofSeconds(config.timeoutSeconds());
        if (config.requestsPerMinute() < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be 0 (no pacing) or more (Typeform allows 120); got "
                    + config.requestsPerMinute());
        }
        this.requestsPerMinute = config.requestsPerMinute();

        Map<String, String> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("formId", formId);
        s.put("accessToken", accessToken.reference());
        s.put("baseUrl", baseUrl);
        s.put("scoreField", scoreField);
        s.put("surveyType", surveyType == null ? "" : surveyType.code());
        s.put("emailField", emailField);
        s.put("emailHidden", emailHidden);
        s.put("customerIdHidden", customerIdHidden);
        s.put("customerSource", customerSource);
        s.put("commentField", commentField);
        s.put("pageSize", String.valueOf(pageSize));
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

    static String baseUrl(String configured) {
        return SourceSettings.apiUrl("baseUrl", configured == null || configured.isBlank() ? DEFAULT_BASE_URL : configured,
                DEFAULT_BASE_URL, "the access token", "http://127.0.0.1:8080");
    }

    /** For tests: waits between retries and paced requests differently (and lets them see the waits asked for). */
    TypeformSource sleeper(SourceHttp.Sleeper sleeper) {
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
        TypeformClient client = new TypeformClient(http, baseUrl, formId, accessToken.reveal(), pageSize, JSON);

        TypeformForm form = new TypeformForm(formId, client.form());
        TypeformForm.Score score = form.score(scoreField, surveyType);
        TypeformMapping mapping = new TypeformMapping(id, score, form.question("emailField", emailField), emailHidden,
                customerIdHidden, customerSource, form.question("commentField", commentField));

        TypeformCursor at = TypeformCursor.parse(context.cursor().orElse(null), formId, JSON);
        while (!context.stopping()) {
            JsonNode items = client.responses(at.after());
            if (items.isEmpty()) {
                return;
            }
            SourcePage page = new SourcePage();
            for (JsonNode item : items) {
                mapping.addTo(item, page);
            }
            String last = TypeformMapping.token(items.get(items.size() - 1));
            if (last == null) {
                throw new SourceException("the last response on a page from " + baseUrl + "/forms/" + formId
                        + "/responses has no token: cannot ask for the responses after it");
            }
            TypeformCursor next = new TypeformCursor(formId, last);
            context.commit(page.cursor(next.toJson(JSON)));
            if (items.size() < pageSize) {
                return; // a short page is the last
            }
            at = next;
        }
    }

    @Override
    public String toString() {
        return "typeform source " + id + " (form " + formId + ")";
    }
}
