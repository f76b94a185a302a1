package io.vitals.connector.demo;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.store.DataWriter;
import io.vitals.store.StoreUnavailableException;

/**
 * The built-in demo dataset: on a store with no customers it loads one at start, so every KPI
 * answers at once on a fresh install. Configured by {@code etc/vitals.demo.cfg}.
 */
@Component(service = DemoDataset.class, configurationPid = DemoDataset.PID, immediate = true)
@Designate(ocd = DemoDataset.Config.class)
public class DemoDataset {

    static final String PID = "vitals.demo";

    @ObjectClassDefinition(name = "Demo dataset", description = "The synthetic customer base loaded into an empty store.")
    public @interface Config {
        @AttributeDefinition(description = "Load the demo dataset when the store has no customers.")
        boolean loadWhenEmpty() default true;

        @AttributeDefinition(description = "Number of customers.", min = "1")
        int customers() default 3000;

        @AttributeDefinition(description = "Seed: the same seed, size and day give the same data.")
        long seed() default 42;

        @AttributeDefinition(description = "Months of history before today.", min = "1")
        int months() default 24;

        @AttributeDefinition(description = "Average product-usage events per customer per year of activity.", min = "0")
        int usagePerCustomer() default 40;

        @AttributeDefinition(description = "Days between the NPS surveys a customer is sent (about 45% answer).", min = "9")
        int npsEveryDays() default DemoGenerator.Settings.NPS_EVERY_DAYS;
    }

    private final DataWriter writer;
    private final Config config;
    private final LocalDate today;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Activate
    public DemoDataset(@Reference DataWriter writer, Config config, BundleContext context) {
        this.writer = writer;
        this.config = config;
        String pinned = context.getProperty("vitals.today");
        this.today = pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim());
    }

    @Activate
    void loadIfEmpty() {
        if (!config.loadWhenEmpty()) {
            return;
        }
        try {
            if (!writer.isEmpty()) {
                return;
            }
        } catch (StoreUnavailableException e) {
            log.warn("Demo dataset not loaded: the store is not available (the log says why)");
            return;
        }
        DemoGenerator.Settings settings = defaults();
        log.audit("Empty store: loading the demo dataset ({} customers, {} months up to {})...",
                settings.customers(), settings.months(), settings.today());
        DemoGenerator.Summary summary;
        try {
            summary = generate(settings, (done, total) -> { });
        } catch (StoreUnavailableException e) {
            log.error("Demo dataset not loaded: {}", e.getMessage());
            return;
        }
        log.audit("Demo dataset loaded: {}", describe(summary));
    }

    DemoGenerator.Settings defaults() {
        return new DemoGenerator.Settings(config.customers(), config.seed(), today, config.months(), config.usagePerCustomer(),
                config.npsEveryDays());
    }

    public DemoGenerator.Summary generate(DemoGenerator.Settings settings, DemoGenerator.Progress progress) {
        return new DemoGenerator(writer).generate(settings, progress);
    }

    static String describe(DemoGenerator.Summary summary) {
        var rows = summary.rows();
        return String.format(Locale.ROOT, "%,d customers, %,d subscriptions, %,d survey responses, %,d tickets, %,d usage events"
                + " (%,d rows in %.1f s)", rows.getOrDefault("customers", 0L), rows.getOrDefault("subscriptions", 0L),
                rows.getOrDefault("survey_responses", 0L), rows.getOrDefault("tickets", 0L), rows.getOrDefault("usage_events", 0L),
                summary.total(), summary.took().toMillis() / 1000.0);
    }
}
