package io.vitals.close;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.RetryPolicy;
import io.vitals.connector.Source;
import io.vitals.connector.SourcePage;
import io.vitals.connector.SyncContext;
import io.vitals.connector.SyncListener;
import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.Kpi;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiRegistry;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.MonthBook;
import io.vitals.kpi.Unit;
import io.vitals.model.BillingInterval;
import io.vitals.model.Customer;
import io.vitals.model.Subscription;
import io.vitals.model.SubscriptionChange;
import io.vitals.report.Reporter;
import io.vitals.report.Targets;
import io.vitals.store.MetricStore;
import io.vitals.store.SubscriptionSql;
import io.vitals.store.sql.SqlStore;
import io.vitals.sync.SyncRunner;
import io.vitals.testdb.TestStores;

/** A closed month keeps its figures; a late change dated in it is a restatement, said with what arrived; others leave it alone. */
class MonthCloserTest {

    @TempDir
    Path dir;
    String url;
    SqlStore store;
    SyncRunner runner;
    MonthCloser closer;

    /** MRR at the end of the period, in dollars: enough of a KPI to watch a month move. */
    static final class EndMrr implements Kpi {
        final MetricStore store;

        EndMrr(MetricStore store) {
            this.store = store;
        }

        @Override
        public KpiDefinition definition() {
            return KpiDefinition.builder("end-mrr").name("MRR at the end").category(Category.FINANCIAL).unit(Unit.CURRENCY)
                    .direction(Direction.HIGHER_IS_BETTER).build();
        }

        @Override
        public KpiResult compute(KpiQuery query) {
            Long cents = store.queryRow("SELECT sum(mrr_cents) AS c FROM subscriptions WHERE mrr_cents > 0 AND "
                    + SubscriptionSql.covers("", ":to"), query, Map.of()).longValue("c");
            return cents == null ? KpiResult.noData("nothing paying") : KpiResult.value(cents / 100.0, 1);
        }
    }

    /** A registry of that one KPI. */
    static KpiRegistry registry(Kpi kpi) {
        KpiInfo info = new KpiInfo(kpi.definition(), "test", "1.0");
        return new KpiRegistry() {
            @Override public List<KpiInfo> list() { return List.of(info); }
            @Override public Optional<KpiInfo> find(String id) { return id.equals(info.id()) ? Optional.of(info) : Optional.empty(); }
            @Override public KpiResult compute(String id, KpiQuery query) { return kpi.compute(query); }
            @Override public KpiSeries series(String id, KpiQuery query, Grain grain) { return kpi.series(query, grain); }
            @Override public KpiTable customers(String id, KpiQuery query, DrillDown d) { return kpi.customers(query, d); }
            @Override public List<io.vitals.kpi.ShadowedKpi> shadowed() { return List.of(); }
            @Override public List<io.vitals.kpi.KpiProblem> problems() { return List.of(); }
        };
    }

    static MonthCloser.Config config() {
        return new MonthCloser.Config() {
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return MonthCloser.Config.class; }
            @Override public int closeAfterDays() { return 5; }
            @Override public int checkMonths() { return 3; }
            @Override public boolean checkAfterSync() { return true; }
            @Override public long quietSeconds() { return 0; }
        };
    }

    static org.osgi.service.log.Logger quiet() {
        return (org.osgi.service.log.Logger) Proxy.newProxyInstance(MonthCloserTest.class.getClassLoader(),
                new Class<?>[] {org.osgi.service.log.Logger.class}, (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
    }

    /** A source that sends the subscription states it is given, each a change at its own moment. */
    static Source changes(List<Subscription> states, List<Instant> moments, boolean withCustomer) {
        return new Source() {
            @Override public String id() { return "stripe"; }
            @Override public String kind() { return "test"; }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public java.time.Duration interval() { return java.time.Duration.ZERO; }

            @Override
            public void sync(SyncContext context) {
                SourcePage page = new SourcePage();
                if (withCustomer) {
                    page.customer(new Customer(0, "stripe", "cus_1", "Acme", "a@example.com", Instant.parse("2025-01-01T00:00:00Z"), null,
                            null, null, null, Map.of()), "cus_1");
                }
                for (int i = 0; i < states.size(); i++) {
                    page.subscriptionChange(new SubscriptionChange(states.get(i), moments.get(i), true), CustomerKey.of("stripe", "cus_1"),
                            "sub_1@" + moments.get(i));
                }
                context.commit(page);
            }
        };
    }

    static Subscription seats(int seats, String from) {
        return Subscription.priced(0, "stripe", "sub_1", 0, "seat", "active", BillingInterval.MONTH, 1, seats, 1_000, "USD",
                Instant.parse(from + "T00:00:00Z"), null);
    }

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "close");
        store = SqlStore.open(url, 2);
        runner = new SyncRunner(store, "USD", RetryPolicy.DEFAULT);
        Reporter reporter = new Reporter(registry(new EndMrr(store)), new Targets(), 1);
        closer = new MonthCloser(reporter, store, store, quiet(), config(), false, () -> LocalDate.parse("2026-02-10"));
    }

    @AfterEach
    void close() {
        closer.stop();
        store.close();
        TestStores.release(url);
    }

    @Test
    void aLateChangeDatedInAClosedMonthIsARestatementSaidWithWhatArrived() {
        runner.run(changes(List.of(seats(3, "2025-06-01")), List.of(Instant.parse("2025-06-01T00:00:00Z")), true), SyncListener.NONE, () -> false);
        MonthBook.ClosedMonth january = closer.close(YearMonth.of(2026, 1));
        assertEquals(1, january.figures());
        assertEquals(30.0, closer.published("end-mrr", YearMonth.of(2026, 1)).orElseThrow().value());
        String answer = closer.published("end-mrr", YearMonth.of(2026, 1)).orElseThrow().answer();
        assertTrue(answer.contains("\"value\" : 30.0"), answer);
        assertEquals(List.of(), closer.check(), "nothing moved");

        // a change dated 2026-01-20 arrives in February: January's figure moves, and says why
        runner.run(changes(List.of(seats(5, "2026-01-20")), List.of(Instant.parse("2026-01-20T00:00:00Z")), false), SyncListener.NONE,
                () -> false);
        List<MonthBook.Restatement> found = closer.check();
        assertEquals(1, found.size(), found.toString());
        MonthBook.Restatement r = found.get(0);
        assertEquals("end-mrr", r.kpi());
        assertEquals(YearMonth.of(2026, 1), r.month());
        assertEquals(30.0, r.published());
        assertEquals(50.0, r.restated());
        assertEquals("1 subscription change from stripe dated in 2026-01; stripe synced 1 time (1 rows written)", r.cause());
        assertEquals(found, closer.restatements(YearMonth.of(2026, 1)));
        assertEquals(30.0, closer.published("end-mrr", YearMonth.of(2026, 1)).orElseThrow().value(), "as published stays as published");
        assertEquals(List.of(), closer.check(), "found once");

        // a change dated in February leaves January alone
        runner.run(changes(List.of(seats(7, "2026-02-03")), List.of(Instant.parse("2026-02-03T00:00:00Z")), false), SyncListener.NONE,
                () -> false);
        assertEquals(List.of(), closer.check());
        assertEquals(1, closer.restatements(null).size());
    }

    @Test
    void theLastFullMonthClosesOnItsOwnSomeDaysAfterItEnds() {
        runner.run(changes(List.of(seats(3, "2025-06-01")), List.of(Instant.parse("2025-06-01T00:00:00Z")), true), SyncListener.NONE, () -> false);
        Reporter reporter = new Reporter(registry(new EndMrr(store)), new Targets(), 1);
        MonthCloser early = new MonthCloser(reporter, store, store, quiet(), config(), false, () -> LocalDate.parse("2026-02-05"));
        early.closeDue();
        assertEquals(List.of(), early.closed(), "02-05 is not yet five days after January ended");
        MonthCloser due = new MonthCloser(reporter, store, store, quiet(), config(), false, () -> LocalDate.parse("2026-02-06"));
        due.closeDue();
        assertEquals(List.of(YearMonth.of(2026, 1)), due.closed().stream().map(MonthBook.ClosedMonth::month).toList());
        early.stop();
        due.stop();
    }
}
