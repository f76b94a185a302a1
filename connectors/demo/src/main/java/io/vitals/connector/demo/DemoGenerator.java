package io.vitals.connector.demo;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vitals.model.CostEntry;
import io.vitals.store.DataWriter;
import io.vitals.store.StoreTime;

/**
 * Writes a synthetic but plausible customer base into the store: customers on four plans with
 * trials, upgrades, downgrades, churn and reactivation; invoices; NPS, CSAT and CES surveys; support
 * tickets; product users and usage events; CRM deals; advocacy; onboarding; costs. The same
 * settings always give the same data: every customer's story is drawn from its own seed.
 */
public final class DemoGenerator {

    public static final String SOURCE = "demo";

    /** What to generate; {@code today} is the first day with no data, {@code months} how far back it goes. */
    public record Settings(int customers, long seed, LocalDate today, int months, int usagePerCustomer, int npsEveryDays) {
        public static final int NPS_EVERY_DAYS = 90;
        /** About ten times the benchmark's largest store: more is a typo, not a test. */
        public static final int MAX_CUSTOMERS = 10_000_000;
        public static final int MAX_MONTHS = 120;
        public static final int MAX_USAGE = 10_000;

        public Settings(int customers, long seed, LocalDate today, int months, int usagePerCustomer) {
            this(customers, seed, today, months, usagePerCustomer, NPS_EVERY_DAYS);
        }

        public Settings {
            if (customers < 1 || customers > MAX_CUSTOMERS) {
                throw new IllegalArgumentException("the demo has from 1 to " + String.format(java.util.Locale.ROOT, "%,d", MAX_CUSTOMERS)
                        + " customers, got " + String.format(java.util.Locale.ROOT, "%,d", customers));
            }
            if (months < 1 || months > MAX_MONTHS) {
                throw new IllegalArgumentException("the demo has from 1 to " + MAX_MONTHS + " months of history (10 years), got " + months);
            }
            if (usagePerCustomer < 0 || usagePerCustomer > MAX_USAGE) {
                throw new IllegalArgumentException("usage per customer is from 0 to " + MAX_USAGE + " events, got " + usagePerCustomer);
            }
            if (npsEveryDays < 9) {
                throw new IllegalArgumentException("NPS surveys are sent at most every 9 days, got every " + npsEveryDays);
            }
        }
    }

    /** Called now and then during a long generation. */
    @FunctionalInterface
    public interface Progress {
        void update(int customersDone, int customersTotal);
    }

    public record Summary(Settings settings, Map<String, Long> rows, Duration took) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final DataWriter writer;

    public DemoGenerator(DataWriter writer) {
        this.writer = writer;
    }

    /** Replaces whatever the demo source wrote before with a freshly generated dataset. */
    public Summary generate(Settings settings, Progress progress) {
        long started = System.nanoTime();
        writer.deleteSource(SOURCE);
        Counts counts = new Counts();
        long windowStart = settings.today().minusMonths(settings.months()).withDayOfMonth(1).toEpochDay();
        long today = settings.today().toEpochDay();
        int step = Math.max(1, Math.min(10_000, settings.customers() / 20));
        try (DataWriter.Batch batch = writer.batch()) {
            for (int id = 1; id <= settings.customers(); id++) {
                Dice dice = new Dice(settings.seed() * 1_000_003L + id);
                new CustomerStory(id, dice, windowStart, today, settings.usagePerCustomer(), settings.npsEveryDays(), batch, counts).write();
                if (id % step == 0 || id == settings.customers()) {
                    batch.commit();
                    progress.update(id, settings.customers());
                }
            }
            sharedCosts(batch, settings, windowStart, today, counts);
            batch.commit();
        }
        writer.putMetadata("demo.settings", settings.toString());
        return new Summary(settings, counts.asMap(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Infrastructure and success-team costs are shared by all customers: one row per month each. */
    private static void sharedCosts(DataWriter.Batch batch, Settings s, long windowStart, long today, Counts counts) {
        LocalDate month = LocalDate.ofEpochDay(windowStart);
        while (month.toEpochDay() < today) {
            long at = StoreTime.epochSeconds(month);
            String key = month.toString();
            batch.add(new CostEntry(0, SOURCE, "infra-" + key, null, "infrastructure", s.customers() * 300L, StoreTime.instant(at)));
            batch.add(new CostEntry(0, SOURCE, "success-" + key, null, "success", s.customers() * 1_200L, StoreTime.instant(at)));
            counts.add("costs", 2);
            month = month.plusMonths(1);
        }
    }

    /** Rows written, per table. */
    static final class Counts {
        private final Map<String, Long> rows = new LinkedHashMap<>();

        void add(String table, long n) {
            rows.merge(table, n, Long::sum);
        }

        Map<String, Long> asMap() {
            return Map.copyOf(rows);
        }
    }
}
