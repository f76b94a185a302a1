package io.vitals.sync;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.vitals.connector.PageCounts;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncListener;
import io.vitals.connector.SyncReport;
import io.vitals.model.Deal;
import io.vitals.model.Invoice;
import io.vitals.model.Subscription;
import io.vitals.store.SyncStore;

/**
 * Runs one sync of one source: hands it a context whose every commit is one transaction in the
 * store, turns records in a foreign currency into rejects (the store keeps one currency), and
 * records how the run ended. A source that throws fails the run; what it committed stays.
 */
public final class SyncRunner {

    private final SyncStore store;
    private final String currency;
    private final RetryPolicy retryPolicy;

    public SyncRunner(SyncStore store, String currency, RetryPolicy retryPolicy) {
        this.store = store;
        this.currency = currency.trim().toUpperCase(Locale.ROOT);
        this.retryPolicy = retryPolicy;
        Currency.getInstance(this.currency); // refuse a store currency that is no ISO 4217 code
    }

    public SyncReport run(Source source, SyncListener listener, BooleanSupplier stopping) {
        Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the store keeps milliseconds
        Context context = new Context(source.id(), listener, stopping);
        SyncReport.Outcome outcome;
        String message = null;
        try {
            source.sync(context);
            outcome = stopping.getAsBoolean() ? SyncReport.Outcome.STOPPED : SyncReport.Outcome.COMPLETE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = SyncReport.Outcome.STOPPED;
            message = "interrupted";
        } catch (Exception e) {
            outcome = SyncReport.Outcome.FAILED;
            message = reason(e);
        }
        PageCounts counts = context.total;
        if (outcome != SyncReport.Outcome.FAILED || !(message != null && message.startsWith("disk full"))) {
            try {
                long landed = store.landRejects(source.id()); // rows that waited for a customer who came since
                if (landed > 0) {
                    counts = counts.plus(new PageCounts(0, 0, 0, 0, 0, 0, landed));
                }
            } catch (RuntimeException e) {
                outcome = SyncReport.Outcome.FAILED;
                message = (message == null ? "" : message + "; ") + "the earlier rejects could not land: " + reason(e);
            }
        }
        SyncReport report = new SyncReport(source.id(), started, Instant.now().truncatedTo(ChronoUnit.MILLIS), outcome,
                counts, message);
        try {
            store.saveReport(report);
        } catch (io.vitals.store.StoreUnavailableException notSaved) {
            // a full disk fails the report too: the caller still hears how the run ended, and why
            return new SyncReport(report.source(), report.started(), report.finished(), SyncReport.Outcome.FAILED, report.counts(),
                    (message == null ? "" : message + "; ") + "this report was not kept: " + reason(notSaved));
        }
        return report;
    }

    /** One line that says why: the first message in the cause chain that has one. */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().lines().findFirst().orElse(t.getMessage());
            }
            t = t.getCause();
        }
        return e.getClass().getSimpleName();
    }

    private final class Context implements SyncContext {
        private final String source;
        private final SyncListener listener;
        private final BooleanSupplier stopping;
        private PageCounts total = PageCounts.NONE;

        Context(String source, SyncListener listener, BooleanSupplier stopping) {
            this.source = source;
            this.listener = listener;
            this.stopping = stopping;
        }

        @Override
        public Optional<String> cursor() {
            return store.cursor(source);
        }

        @Override
        public PageCounts commit(SourcePage page) {
            PageCounts counts = store.write(source, inOneCurrency(page));
            total = total.plus(counts);
            listener.committed(source, counts, total);
            return counts;
        }

        @Override
        public boolean stopping() {
            return stopping.getAsBoolean();
        }

        @Override
        public RetryPolicy retryPolicy() {
            return retryPolicy;
        }

        @Override
        public java.util.Set<String> liveIds(String entity) {
            return store.liveIds(source, entity);
        }
    }

    /** The page with every record in another currency moved to its rejects. */
    SourcePage inOneCurrency(SourcePage page) {
        SourcePage out = new SourcePage().read(page.read()).skip(page.skipped());
        if (page.cursor() != null) {
            out.cursor(page.cursor());
        }
        page.rejections().forEach(r -> out.reject(r.raw(), r.reason()));
        for (SourcePage.Entry e : page.entries()) {
            String problem = currencyProblem(e.record());
            if (problem != null) {
                out.reject(e.raw(), problem);
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private String currencyProblem(Object record) {
        String code = record instanceof Subscription s ? s.currency()
                : record instanceof io.vitals.model.SubscriptionChange c ? c.state().currency()
                : record instanceof Invoice i ? i.currency()
                : record instanceof Deal d ? d.currency() : null;
        if (code == null || code.isBlank()) {
            return null;
        }
        String upper = code.trim().toUpperCase(Locale.ROOT);
        try {
            Currency.getInstance(upper);
        } catch (IllegalArgumentException e) {
            return "unknown currency '" + code + "'";
        }
        return upper.equals(currency) ? null
                : "currency " + upper + " is not the store's currency " + currency + " (Vitals keeps every amount in one currency)";
    }
}
