package io.vitals.kpi.example;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiResult;
import io.vitals.testkit.Fixture;

/** Test a KPI the way this one is tested: a real store, a few records, a value worked out by hand. */
class TicketsPerCustomerTest {

    @TempDir
    Path dir;

    @Test
    void ticketsPerPayingCustomer() {
        try (Fixture data = Fixture.in(dir)) {
            data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
                .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of())
                .subscription(1, 10_000, "2025-01-01", null)
                .subscription(2, 5_000, "2025-01-01", "2026-03-10")           // paying for part of March: counts
                .ticket(1L, "high", "2026-03-02T09:00", null, null, 0, 0)
                .ticket(1L, "low", "2026-03-31T23:59:59", null, null, 0, 0)
                .ticket(2L, "low", "2026-03-05T10:00", null, null, 0, 0)
                .ticket(2L, "low", "2026-04-01T00:00", null, null, 0, 0);     // April: not in March
            TicketsPerCustomer kpi = new TicketsPerCustomer(data.metrics());
            // 3 tickets in March, 2 customers paying during March: 1.5
            KpiResult march = kpi.compute(query("2026-03-01", "2026-04-01"));
            assertEquals(1.5, march.value(), 1e-12);
            // the segment is applied by the store: EMEA is customer 1 alone, with 2 tickets
            assertEquals(2.0, kpi.compute(query("2026-03-01", "2026-04-01", "region", "EMEA")).value(), 1e-12);
            assertFalse(kpi.compute(query("2024-01-01", "2024-02-01")).hasValue(), "nobody paying: no data");
            // February: both pay, the helpdesk has tickets only from March on
            KpiResult february = kpi.compute(query("2026-02-01", "2026-03-01"));
            assertFalse(february.hasValue(), "no ticket recorded yet is no data, not 0");
            assertTrue(february.noDataReason().startsWith("no tickets recorded for all customers by the end of"), february.noDataReason());
            // April 2-30: tickets are known by then, none opened in it: a real 0
            assertEquals(0.0, kpi.compute(query("2026-04-02", "2026-05-01")).value(), 1e-12);
        }
    }
}
