package io.vitals.testkit;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.BillingInterval;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.DealKind;
import io.vitals.model.DealStage;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.SurveyType;
import io.vitals.model.UsageEvent;
import io.vitals.store.DataWriter;
import io.vitals.store.MetricStore;
import io.vitals.store.sql.SqlStore;
import io.vitals.testdb.TestStores;

/**
 * A real store (SQLite in a test's temporary folder, or PostgreSQL: see {@link TestStores}), with terse builders for the canonical model so
 * a test reads like the hand calculation it checks. Records are committed before the first query.
 */
public final class Fixture implements AutoCloseable {

    public static final String SOURCE = "fixture";

    private final SqlStore store;
    private DataWriter.Batch batch;
    private final AtomicLong ids = new AtomicLong();

    private Fixture(SqlStore store) {
        this.store = store;
    }

    /** A fresh store: SQLite in the folder, or an empty PostgreSQL schema when the tests run against PostgreSQL. */
    public static Fixture in(Path folder) {
        return new Fixture(SqlStore.open(TestStores.url(folder, "fixture"), 2));
    }

    /** "2026-01-15" is midnight UTC of that day; "2026-01-15T10:30" is that minute, UTC. */
    public static Instant at(String when) {
        if (when == null) {
            return null;
        }
        if (when.length() <= 10) {
            return LocalDate.parse(when).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return LocalDateTime.parse(when).toInstant(ZoneOffset.UTC);
    }

    public static KpiQuery query(String from, String to) {
        return new KpiQuery(Period.parse(from, to), Segment.ALL);
    }

    public static KpiQuery query(String from, String to, String key, String value) {
        return new KpiQuery(Period.parse(from, to), Segment.of(key, value));
    }

    private DataWriter.Batch batch() {
        if (batch == null) {
            batch = store.batch();
        }
        return batch;
    }

    private String nextId() {
        return "x" + ids.incrementAndGet();
    }

    /** The store, with everything added so far committed. */
    public MetricStore metrics() {
        commit();
        return store;
    }

    public SqlStore store() {
        commit();
        return store;
    }

    /** Adds every record of a dataset. */
    public Fixture load(Dataset data) {
        data.writeTo(batch());
        return commit();
    }

    public Fixture commit() {
        if (batch != null) {
            batch.commit();
            batch.close();
            batch = null;
        }
        return this;
    }

    // ---- customers

    public Fixture customer(long id, String signup) {
        return customer(id, signup, "pro", "EMEA", "alice", Map.of());
    }

    public Fixture customer(long id, String signup, String plan, String region, String csm, Map<String, String> attributes) {
        batch().add(new Customer(id, SOURCE, "c" + id, "Customer " + id, "c" + id + "@example.com", at(signup), plan, region,
                csm, "software", attributes));
        return this;
    }

    // ---- billing

    /** A subscription span of {@code mrrCents} a month, monthly billing, [start, end). */
    public Fixture subscription(long customerId, long mrrCents, String start, String end) {
        batch().add(new Subscription(0, SOURCE, nextId(), customerId, "pro", end == null ? "active" : "canceled",
                BillingInterval.MONTH, 1, 1, mrrCents, "USD", mrrCents, at(start), at(end)));
        return this;
    }

    /** A subscription priced per billing interval; its MRR is normalised from the price. */
    public Fixture subscription(long customerId, BillingInterval interval, int count, int quantity, long amountCents,
            String start, String end) {
        batch().add(Subscription.priced(0, SOURCE, nextId(), customerId, "pro", end == null ? "active" : "canceled",
                interval, count, quantity, amountCents, "USD", at(start), at(end)));
        return this;
    }

    public Fixture invoice(long customerId, long amountCents, long taxCents, String issued, String status, String kind) {
        batch().add(new Invoice(0, SOURCE, nextId(), customerId, null, at(issued), at(issued),
                "paid".equals(status) ? at(issued) : null, amountCents, taxCents, "USD", status, kind));
        return this;
    }

    // ---- surveys

    public Fixture nps(Long customerId, int score, String answered) {
        return response(customerId, SurveyType.NPS, score, 0, 10, answered);
    }

    public Fixture csat(Long customerId, int score, String answered) {
        return response(customerId, SurveyType.CSAT, score, 1, 5, answered);
    }

    public Fixture ces(Long customerId, int score, String answered) {
        return response(customerId, SurveyType.CES, score, 1, 7, answered);
    }

    public Fixture response(Long customerId, SurveyType type, int score, int min, int max, String answered) {
        batch().add(new SurveyResponse(0, SOURCE, nextId(), customerId, null, type, score, min, max, at(answered), null));
        return this;
    }

    // ---- support, usage, CRM

    public Fixture ticket(Long customerId, String priority, String created, String firstResponse, String resolved,
            int reopens, int agentReplies) {
        batch().add(new SupportTicket(0, SOURCE, nextId(), customerId, priority, "email",
                resolved == null ? "open" : "solved", at(created), at(firstResponse), at(resolved), reopens, agentReplies));
        return this;
    }

    public Fixture user(String userId, long customerId, String created) {
        batch().add(new ProductUser(SOURCE, userId, customerId, at(created)));
        return this;
    }

    public Fixture event(long customerId, String userId, String event, String when) {
        batch().add(new UsageEvent(SOURCE, null, customerId, userId, event, at(when)));
        return this;
    }

    public Fixture deal(Long customerId, DealKind kind, DealStage stage, long amountCents, String created, String closed) {
        batch().add(new Deal(0, SOURCE, nextId(), customerId, kind, stage, amountCents, "USD", "core", at(created), at(closed)));
        return this;
    }

    public Fixture advocacy(long customerId, String kind, String when) {
        batch().add(new AdvocacyEvent(0, SOURCE, nextId(), customerId, kind, at(when)));
        return this;
    }

    public Fixture milestone(long customerId, String milestone, String when) {
        batch().add(new OnboardingMilestone(0, SOURCE, nextId(), customerId, milestone, at(when)));
        return this;
    }

    public Fixture cost(Long customerId, String category, long amountCents, String when) {
        batch().add(new CostEntry(0, SOURCE, nextId(), customerId, category, amountCents, at(when)));
        return this;
    }

    /** A cancellation of the customer at the instant, with its reason (null for none). */
    public Fixture cancellation(long customerId, String when, String reason) {
        batch().add(new io.vitals.model.Cancellation(0, SOURCE, nextId(), customerId, null, at(when), reason, null));
        return this;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
        }
        store.close();
        TestStores.release(store.url());
    }
}
