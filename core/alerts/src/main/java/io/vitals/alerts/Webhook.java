package io.vitals.alerts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.alert.Alert;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Secret;

/**
 * A webhook channel, from one configuration file: {@code etc/vitals.webhook-<name>.cfg}; rules name
 * it in their {@code channels}. It posts the JSON body Slack's and Teams' incoming webhooks accept.
 * Its URL is a secret (it carries the token): the file names where it is, and it appears in no
 * log and no message.
 *
 * <pre>
 * url = env:SLACK_WEBHOOK_URL          # or file:etc/secrets.properties#slack
 * attempts = 6                         # tries before the delivery fails
 * retryInitialMillis = 1000            # wait before the first retry; doubles each time
 * retryMaxMillis = 300000              # longest wait between tries
 * </pre>
 */
@Component(service = Webhook.class, configurationPid = Webhook.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Webhook.Config.class, factory = true)
public class Webhook implements Channel {

    static final String FACTORY_PID = "vitals.webhook";

    @ObjectClassDefinition(name = "Alert webhook", description = "Posts alerts to an incoming webhook (Slack, Teams or your own).")
    public @interface Config {
        @AttributeDefinition(description = "Where the webhook's URL is: env:<VARIABLE> or file:<path>#<key>, never the URL itself.")
        String url();

        @AttributeDefinition(description = "Tries of one delivery before it fails.", min = "1")
        int attempts() default 6;

        @AttributeDefinition(description = "Wait before the first retry, in ms; it doubles each time.")
        long retryInitialMillis() default 1_000;

        @AttributeDefinition(description = "Longest wait between tries, in ms.")
        long retryMaxMillis() default 300_000;

        @AttributeDefinition(description = "How long to wait for the webhook to answer, in seconds.")
        int timeoutSeconds() default 10;

        String felix_fileinstall_filename() default "";
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Path home;
    private volatile Settings settings;

    private record Settings(String name, Secret url, String problem, RetryPolicy retry, Duration timeout) {
    }

    @Activate
    public Webhook(Config config, Map<String, Object> properties, BundleContext context) {
        String h = context == null ? null : context.getProperty("vitals.home");
        this.home = Path.of(h == null ? "." : h);
        modified(config, properties);
    }

    /** For tests: a webhook whose URL is the secret {@code url} names. */
    Webhook(String name, Secret url, RetryPolicy retry) {
        this.home = Path.of(".");
        this.settings = new Settings(name, url, null, retry, Duration.ofSeconds(10));
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        String name = AlertRule.name(FACTORY_PID, config.felix_fileinstall_filename(),
                String.valueOf(properties.getOrDefault("service.pid", "webhook")));
        Secret url = null;
        String problem = null;
        try {
            url = Secret.parse("url", config.url(), home);
        } catch (IllegalArgumentException e) {
            problem = "webhook " + name + ": " + e.getMessage();
        }
        RetryPolicy retry = new RetryPolicy(Math.max(1, config.attempts()), Duration.ofMillis(Math.max(0, config.retryInitialMillis())),
                Duration.ofMillis(Math.max(0, config.retryMaxMillis())));
        this.settings = new Settings(name, url, problem, retry, Duration.ofSeconds(Math.max(1, config.timeoutSeconds())));
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public RetryPolicy retry() {
        return settings.retry();
    }

    String problem() {
        return settings.problem();
    }

    @Override
    public void deliver(Alert alert) throws Exception {
        Settings s = settings;
        if (s.problem() != null) {
            throw new IllegalStateException(s.problem());
        }
        URI uri;
        try {
            uri = URI.create(s.url().reveal().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the URL " + s.url().reference() + " names is not a URL");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(s.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(Messages.webhookBody(alert))).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // the exception's text may hold the host; the reference says which webhook without the secret
            throw new IllegalStateException("cannot reach the webhook (" + s.url().reference() + "): " + e.getClass().getSimpleName());
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new IllegalStateException("the webhook answered HTTP " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
        }
    }
}
