package io.vitals.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.alert.Alert;
import io.vitals.alert.AlertBook;
import io.vitals.alert.AlertRuleStatus;
import io.vitals.alert.UnknownAlertException;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.TargetBook;
import io.vitals.store.AlertStore;

/**
 * The alerts: tracks the configured rules and webhooks (whiteboard, as their files come, change and
 * go), evaluates every rule after each sync and every {@code intervalSeconds}, and a rule at once
 * when it is added or changed; records one alert per crossing and delivers it to the rule's
 * channels. Evaluations run one at a time on their own thread, deliveries on another. Configured
 * by {@code etc/vitals.alerts.cfg}.
 */
@Component(service = {AlertBook.class, SyncObserver.class}, configurationPid = AlertEngine.PID, immediate = true)
@Designate(ocd = AlertEngine.Config.class)
public class AlertEngine implements AlertBook, SyncObserver {

    static final String PID = "vitals.alerts";

    @ObjectClassDefinition(name = "Vitals alerts", description = "When alert rules are evaluated.")
    public @interface Config {
        @AttributeDefinition(description = "Evaluate every rule this often, in seconds (0: only after syncs and on changes).", min = "0")
        long intervalSeconds() default 900;

        @AttributeDefinition(description = "Evaluate every rule after each sync of a source.")
        boolean afterSync() default true;
    }

    /** The log channel: every alert, on one line; worse news as a warning. */
    private final class LogChannel implements Channel {
        @Override
        public String name() {
            return "log";
        }

        @Override
        public RetryPolicy retry() {
            return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
        }

        @Override
        public void deliver(Alert alert) {
            if (alert.worse()) {
                log.warn("Alert {}: {}", alert.id(), alert.message());
            } else {
                log.info("Alert {}: {}", alert.id(), alert.message());
            }
        }
    }

    private final Logger log;
    private final AlertStore store;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService evaluations = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "vitals-alerts"));
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "vitals-alert-delivery"));
    private final List<AlertRule> rules = new CopyOnWriteArrayList<>();
    private final List<Webhook> webhooks = new CopyOnWriteArrayList<>();
    private final Map<String, Alerting.Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean allQueued = new AtomicBoolean();
    /**
     * A rule that cannot be evaluated yet is tried again after 1, 2, 4 ... (at most 30) seconds,
     * RETRIES times (about five minutes), then on the schedule; its problem is logged once it has
     * lasted QUIET_RETRIES tries (about 15 seconds), so a start, when the KPIs come last, is quiet.
     */
    private static final int RETRIES = 14;
    private static final RetryPolicy EVALUATION_RETRY = new RetryPolicy(RETRIES + 1, Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final int QUIET_RETRIES = 4;
    private final Map<String, Integer> retries = new ConcurrentHashMap<>();
    private final Map<String, String> warned = new ConcurrentHashMap<>();
    private final Channel logChannel = new LogChannel();
    private final Alerting alerting;
    private final Dispatcher dispatcher;
    private volatile Config config;
    private volatile ScheduledFuture<?> schedule;

    @Activate
    public AlertEngine(@Reference KpiRegistry kpis, @Reference TargetBook targets, @Reference AlertStore store,
            @Reference(service = LoggerFactory.class) Logger log, Config config, BundleContext context) {
        this.log = log;
        this.store = store;
        this.config = config;
        String pinned = context == null ? null : context.getProperty("vitals.today");
        this.dispatcher = new Dispatcher(store, this::channel, deliveries, clock, new Dispatcher.Log() {
            @Override
            public void delivered(Alert alert, String channel, int attempts) {
                if (!channel.equals("log")) {
                    log.info("Alert {} delivered to {}{}", alert.id(), channel, attempts > 1 ? " at attempt " + attempts : "");
                }
            }

            @Override
            public void failed(Alert alert, String channel, int attempts, String reason, boolean last) {
                if (last) {
                    log.warn("Alert {} could not be delivered to {} after {} attempt(s): {}", alert.id(), channel, attempts, reason);
                } else {
                    log.info("Alert {} to {}: attempt {} failed, retrying: {}", alert.id(), channel, attempts, reason);
                }
            }
        });
        this.alerting = new Alerting(kpis, targets, store, clock,
                () -> pinned == null || pinned.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(pinned.trim()),
                dispatcher::dispatch);
        evaluations.execute(() -> {
            try {
                dispatcher.resume();
            } catch (RuntimeException e) {
                log.warn("Pending alert deliveries could not be resumed: {}", e.getMessage());
            }
        });
        reschedule();
    }

    @Modified
    void modified(Config newConfig) {
        this.config = newConfig;
        reschedule();
    }

    private synchronized void reschedule() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        long every = config.intervalSeconds();
        schedule = every > 0 ? evaluations.scheduleWithFixedDelay(this::evaluateAll, every, every, TimeUnit.SECONDS) : null;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        evaluations.shutdownNow();
        deliveries.shutdownNow();
        evaluations.awaitTermination(10, TimeUnit.SECONDS);
        deliveries.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedRule")
    void addRule(AlertRule rule) {
        rules.add(rule);
        soon(rule);
    }

    void updatedRule(AlertRule rule) {
        retries.remove(rule.spec().name());
        soon(rule);
    }

    void removeRule(AlertRule rule) {
        rules.remove(rule);
        outcomes.remove(rule.spec().name());
        retries.remove(rule.spec().name());
        warned.remove(rule.spec().name());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addWebhook(Webhook webhook) {
        webhooks.add(webhook);
        if (webhook.problem() != null) {
            log.warn("Webhook is misconfigured: {}", webhook.problem());
        }
    }

    void removeWebhook(Webhook webhook) {
        webhooks.remove(webhook);
    }

    private Channel channel(String name) {
        if (name.equals("log")) {
            return logChannel;
        }
        return webhooks.stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
    }

    private void soon(AlertRule rule) {
        try {
            evaluations.execute(() -> evaluate(rule.spec()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public void synced(SyncReport report) {
        if (config.afterSync() && allQueued.compareAndSet(false, true)) {
            try {
                evaluations.execute(this::evaluateAll);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                allQueued.set(false);
            }
        }
    }

    private void evaluateAll() {
        allQueued.set(false);
        for (AlertRule rule : rules) {
            evaluate(rule.spec());
        }
    }

    /** On the evaluation thread only. */
    private void evaluate(AlertRule.Spec spec) {
        if (!rules.stream().anyMatch(r -> r.spec() == spec)) {
            return; // removed or changed since this was queued
        }
        Alerting.Outcome outcome;
        try {
            outcome = alerting.evaluate(spec);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            outcome = new Alerting.Outcome(null, "rule " + spec.name() + " could not be evaluated: " + why, List.of());
        }
        outcomes.put(spec.name(), outcome);
        if (outcome.problem() == null) {
            retries.remove(spec.name());
            warned.remove(spec.name());
            return;
        }
        // Its KPI (deploy/ starts after the platform), its target or the store may be on its way:
        // look again soon, and say so only when it is still wrong after a while or the file is wrong.
        int tries = spec.problem() == null ? retries.merge(spec.name(), 1, Integer::sum) : 0;
        if ((spec.problem() != null || tries > QUIET_RETRIES) && !outcome.problem().equals(warned.get(spec.name()))) {
            warned.put(spec.name(), outcome.problem());
            log.warn("Alert {}", outcome.problem().startsWith("rule ") ? outcome.problem() : "rule " + spec.name() + ": " + outcome.problem());
        }
        if (spec.problem() == null && tries <= RETRIES) {
            try {
                evaluations.schedule(() -> evaluate(spec), EVALUATION_RETRY.backoff(tries).toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    // ---- AlertBook

    @Override
    public List<Alert> list(boolean all, int limit) {
        return store.alerts(all, limit);
    }

    @Override
    public Optional<Alert> find(long id) {
        return store.alert(id);
    }

    @Override
    public Alert ack(long id) {
        if (!store.ackAlert(id, clock.instant())) {
            throw new UnknownAlertException(id);
        }
        return store.alert(id).orElseThrow(() -> new UnknownAlertException(id));
    }

    @Override
    public List<AlertRuleStatus> rules() {
        List<AlertRuleStatus> out = new ArrayList<>();
        for (AlertRule rule : rules) {
            AlertRule.Spec s = rule.spec();
            Alerting.Outcome o = outcomes.get(s.name());
            out.add(new AlertRuleStatus(s.name(), s.kpi(), s.segmentText(), s.subset(), s.channels(),
                    o == null ? null : o.status(), s.problem() != null ? s.problem() : o == null ? null : o.problem()));
        }
        out.sort(Comparator.comparing(AlertRuleStatus::name));
        return out;
    }

    @Override
    public void evaluate() {
        try {
            evaluations.submit(this::evaluateAll).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("evaluating the alert rules failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
