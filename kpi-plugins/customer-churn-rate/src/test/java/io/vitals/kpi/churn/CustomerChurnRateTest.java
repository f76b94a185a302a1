package io.vitals.kpi.churn;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.churn.CustomerChurnRate.Settings;
import io.vitals.testkit.Fixture;

class CustomerChurnRateTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void book() {
        data = Fixture.in(dir);
        for (int id = 1; id <= 10; id++) {
            data.customer(id, "2025-01-01", id % 2 == 0 ? "pro" : "starter", "EMEA", "alice", Map.of());
        }
        data.subscription(1, 10_000, "2025-06-01", null)              // stays
            .subscription(2, 10_000, "2025-06-01", "2026-02-15")      // churns mid-February
            .subscription(3, 10_000, "2026-02-10", null)              // new in February
            .subscription(4, 10_000, "2026-02-01", null)              // starts on the first instant of February: new
            .subscription(5, 10_000, "2025-01-01", "2026-02-01")      // ends on Feb 1: active at the start, churn of February
            .subscription(6, 10_000, "2025-01-01", "2026-03-01")      // ends on Mar 1: still active at the end of February
            .subscription(7, 0, "2025-12-01", null)                   // on a trial: not a paying customer
            .subscription(8, 10_000, "2025-01-01", "2026-02-05")      // leaves and
            .subscription(8, 10_000, "2026-02-20", null)              //   comes back within February: not churned
            .subscription(9, 10_000, "2025-01-01", "2026-01-15")      // churned in January
            .subscription(10, 50_000, "2025-01-01", "2026-02-10")     // downgrades but stays
            .subscription(10, 10_000, "2026-02-10", null);
    }

    @AfterEach
    void close() {
        data.close();
    }

    private KpiResult february() {
        return new CustomerChurnRate(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01"));
    }

    @Test
    void denominatorIsCustomersAtTheStart() {
        // at the start: 1, 2, 5, 6, 8, 10; churned: 2 and 5
        KpiResult r = february();
        assertEquals(6.0, r.denominator());
        assertEquals(2.0, r.numerator());
        assertEquals(100.0 / 3, r.value(), 1e-9);
        assertEquals(4L, r.details().get("retained"));
    }

    @Test
    void januaryChurnsOnlyTheOneThatLeftInJanuary() {
        // at the start of January: 1, 2, 5, 6, 8, 9, 10; only 9 is gone by the end
        KpiResult r = new CustomerChurnRate(data.metrics(), Settings.DEFAULT).compute(query("2026-01-01", "2026-02-01"));
        assertEquals(7.0, r.denominator());
        assertEquals(1.0, r.numerator());
    }

    @Test
    void trialsCountWhenAsked() {
        // with trials and free plans, customer 7 is active at the start of February and stays
        KpiResult r = new CustomerChurnRate(data.metrics(), new Settings(false)).compute(query("2026-02-01", "2026-03-01"));
        assertEquals(7.0, r.denominator());
        assertEquals(2.0, r.numerator());
    }

    @Test
    void segment() {
        // pro (even ids) at the start of February: 2, 6, 8, 10; churned: 2
        KpiResult r = new CustomerChurnRate(data.metrics(), Settings.DEFAULT).compute(query("2026-02-01", "2026-03-01", "plan", "pro"));
        assertEquals(4.0, r.denominator());
        assertEquals(25.0, r.value(), 1e-9);
    }

    @Test
    void noCustomersAtTheStartIsNoData() {
        assertFalse(new CustomerChurnRate(data.metrics(), Settings.DEFAULT).compute(query("2024-01-01", "2024-02-01")).hasValue());
    }

    private KpiTable drill(Settings settings, String from, String to, DrillDown drillDown) {
        return new CustomerChurnRate(data.metrics(), settings).customers(query(from, to), drillDown);
    }

    private static List<Object> column(KpiTable t, String name) {
        return t.rows().stream().map(r -> r.get(t.column(name))).toList();
    }

    @Test
    void drillDownListsTheChurnedWithWhenTheyLeft() {
        // February: 2 (left Feb 15) and 5 (left Feb 1), both 100.00 at the start, by id
        KpiTable churned = drill(Settings.DEFAULT, "2026-02-01", "2026-03-01", new DrillDown("churned", null, true, 50));
        assertEquals(List.of(2L, 5L), column(churned, "customer_id"));
        assertEquals(List.of(100.0, 100.0), column(churned, "mrr_at_start"));
        assertEquals(List.of("2026-02-15", "2026-02-01"), column(churned, "ended"));
        assertEquals("Customer 2", churned.rows().get(0).get(churned.column("customer")));
        // January: 9, gone on Jan 15
        KpiTable january = drill(Settings.DEFAULT, "2026-01-01", "2026-02-01", new DrillDown("churned", null, true, 50));
        assertEquals(List.of(9L), column(january, "customer_id"));
        assertEquals(List.of("2026-01-15"), column(january, "ended"));
        // sorted by the user: earliest end first
        KpiTable byEnd = drill(Settings.DEFAULT, "2026-02-01", "2026-03-01", new DrillDown("churned", "ended", false, 50));
        assertEquals(List.of(5L, 2L), column(byEnd, "customer_id"));
    }

    @Test
    void drillDownShowsTheLastEndOfAWinBackThatDidNotLast() {
        data.customer(11, "2025-01-01")
            .subscription(11, 20_000, "2025-01-01", "2026-02-03")   // leaves,
            .subscription(11, 20_000, "2026-02-10", "2026-02-20");  //   comes back and leaves again
        KpiTable churned = drill(Settings.DEFAULT, "2026-02-01", "2026-03-01", new DrillDown("churned", null, true, 50));
        assertEquals(List.of(11L, 2L, 5L), column(churned, "customer_id"));
        assertEquals("2026-02-20", churned.rows().get(0).get(churned.column("ended")));
    }

    @Test
    void drillDownListsTheRetainedHighestMrrFirst() {
        // at the start and at the end: 10 (500.00 at the start), then 1, 6, 8 (100.00 each); 8 left and came back
        KpiTable retained = drill(Settings.DEFAULT, "2026-02-01", "2026-03-01", new DrillDown("retained", null, true, 50));
        assertEquals(List.of(10L, 1L, 6L, 8L), column(retained, "customer_id"));
        assertEquals(500.0, retained.rows().get(0).get(retained.column("mrr_at_start")));
        assertThrows(IllegalArgumentException.class, () -> retained.column("ended"));
        // with trials, 7 (0.00) is retained too
        KpiTable withTrials = drill(new Settings(false), "2026-02-01", "2026-03-01", new DrillDown("retained", null, true, 50));
        assertEquals(List.of(10L, 1L, 6L, 8L, 7L), column(withTrials, "customer_id"));
    }

    @Test
    void drillDownInASegmentAndUnknownSubsets() {
        KpiTable pro = new CustomerChurnRate(data.metrics(), Settings.DEFAULT)
                .customers(query("2026-02-01", "2026-03-01", "plan", "pro"), new DrillDown("churned", null, true, 50));
        assertEquals(List.of(2L), column(pro, "customer_id"));
        assertEquals(List.of("churned", "retained"),
                new CustomerChurnRate(data.metrics(), Settings.DEFAULT).definition().drillDowns());
        assertThrows(InvalidQueryException.class,
                () -> drill(Settings.DEFAULT, "2026-02-01", "2026-03-01", new DrillDown("lost", null, true, 50)));
    }
}
