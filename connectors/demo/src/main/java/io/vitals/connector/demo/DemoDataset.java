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
    /** Metadata: the settings of the demo dataset in the store, and when it was removed (then it is not loaded again). */
    static final String SETTINGS = "demo.settings";
    static final String REMOVED = "demo.removed";

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
        this(writer, config, today(context.getProperty("vitals.today")));
    }

    DemoDataset(DataWriter writer, Config config, LocalDate today) {
        this.writer = writer;
        this.config = config;
        this.today = today;
    }

    private static LocalDate today(String pinned) {
        return pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim());
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
            if (writer.metadata(REMOVED).filter(r -> !r.isBlank()).isPresent()) {
                log.info("Empty store: the demo dataset was removed on {}, so it is not loaded again (demo:generate brings it back)",
                        writer.metadata(REMOVED).get());
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
        DemoGenerator.Summary summary = new DemoGenerator(writer).generate(settings, progress);
        writer.putMetadata(REMOVED, "");
        return summary;
    }

    /** True when the store holds the demo dataset. */
    boolean present() {
        return writer.metadata(SETTINGS).filter(s -> !s.isBlank()).isPresent();
    }

    /** How many customers the demo dataset in the store has, as its settings say ("?" when unknown). */
    String customers() {
        String s = writer.metadata(SETTINGS).orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("customers=(\\d+)").matcher(s);
        return m.find() ? String.format(Locale.ROOT, "%,d", Long.parseLong(m.group(1))) : "?";
    }

    /**
     * Takes the demo dataset out of the store (every record of source demo; other sources' data stays) and
     * keeps it out: an empty store does not load it again.
     *
     * @return false when the store held none
     */
    public boolean remove() {
        boolean was = present();
        writer.deleteSource(DemoGenerator.SOURCE);
        writer.putMetadata(SETTINGS, "");
        writer.putMetadata(REMOVED, today.toString());
        return was;
    }

    static String describe(DemoGenerator.Summary summary) {
        var rows = summary.rows();
        return String.format(Locale.ROOT, "%,d customers, %,d subscriptions, %,d survey responses, %,d tickets, %,d usage events"
                + " (%,d rows in %.1f s)", rows.getOrDefault("customers", 0L), rows.getOrDefault("subscriptions", 0L),
                rows.getOrDefault("survey_responses", 0L), rows.getOrDefault("tickets", 0L), rows.getOrDefault("usage_events", 0L),
                summary.total(), summary.took().toMillis() / 1000.0);
    }
}
