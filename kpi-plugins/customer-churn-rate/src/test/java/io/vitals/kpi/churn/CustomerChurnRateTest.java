package io.vitals.kpi.churn;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiResult;
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
}
