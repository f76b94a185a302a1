package io.vitals.kpi.resolution;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.Direction;
import io.vitals.kpi.DrillDown;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.Unit;
import io.vitals.kpi.resolution.ResolutionTime.Settings;
import io.vitals.testkit.Fixture;

class ResolutionTimeTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of());
    }

    @AfterEach
    void close() {
        data.close();
    }

    private ResolutionTime rt() {
        return new ResolutionTime(data.metrics(), Settings.DEFAULT);
    }

    @Test
    void medianAndP90OfResolvedTickets() {
        data.ticket(1L, "normal", "2026-01-10T00:00", "2026-01-10T01:00", "2026-01-10T02:00", 0, 1)  // 2 h
            .ticket(1L, "normal", "2026-01-10T00:00", "2026-01-10T01:00", "2026-01-10T06:00", 0, 2)  // 6 h
            .ticket(2L, "high", "2026-01-11T00:00", "2026-01-11T01:00", "2026-01-12T00:00", 1, 3)    // 24 h
            .ticket(2L, "low", "2026-01-12T00:00", "2026-01-12T01:00", null, 0, 1);                  // still open
        KpiResult r = rt().compute(query("2026-01-01", "2026-02-01"));
        // median of 2, 6, 24 = 6
        assertEquals(6.0, r.value(), 1e-9);
        // p90: position 2 x 0.9 = 1.8, between 6 and 24: 6 + 0.8 x 18 = 20.4
        assertEquals(20.4, (Double) r.details().get("p90"), 1e-9);
        assertEquals(3L, r.details().get("resolved"));
        assertEquals(3, r.sampleSize());
        assertNull(r.numerator());
    }

    @Test
    void noResolvedTicketIsNoData() {
        data.ticket(1L, "normal", "2026-01-10", "2026-01-10T01:00", null, 0, 1);
        KpiResult r = rt().compute(query("2026-01-01", "2026-02-01"));
        // a ticket was created and answered, but none was resolved: nothing to judge by, not 0 hours
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no ticket resolved in 2026-01-01..2026-02-01 for all customers"), r.noDataReason());
    }

    @Test
    void periodIsHalfOpenOnResolution() {
        data.ticket(1L, "normal", "2025-12-31T22:00", null, "2026-01-01T00:00", 0, 0)          // resolved at the first instant: in, 2 h
            .ticket(1L, "normal", "2026-01-31T19:59:59", null, "2026-01-31T23:59:59", 0, 1)    // resolved in the last second: in, 4 h
            .ticket(1L, "normal", "2026-01-31T23:00", null, "2026-02-01T00:00", 0, 1)          // resolved at Feb's first instant: out
            .ticket(1L, "normal", "2025-11-01T00:00", null, "2025-12-31T23:59:59", 0, 1);      // resolved in Dec: out
        KpiResult r = rt().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(2, r.sampleSize());
        // median of 2 and 4; the ticket created in December counts where it was resolved
        assertEquals(3.0, r.value(), 1e-9);
        assertEquals(1.0, rt().compute(query("2026-02-01", "2026-03-01")).value(), 1e-9);
    }

    @Test
    void priorityParameterKeepsOnlyThatPriority() {
        data.ticket(1L, "urgent", "2026-01-10T00:00", null, "2026-01-10T01:00", 0, 1)  // 1 h
            .ticket(1L, "urgent", "2026-01-10T00:00", null, "2026-01-10T03:00", 0, 1)  // 3 h
            .ticket(1L, "low", "2026-01-10T00:00", null, "2026-01-20T00:00", 0, 1);    // 240 h
        ResolutionTime urgent = new ResolutionTime(data.metrics(), new Settings("urgent"));
        KpiResult r = urgent.compute(query("2026-01-01", "2026-02-01"));
        // urgent only: median of 1 and 3 = 2; p90 = 1 + 0.9 x 2 = 2.8
        assertEquals(2.0, r.value(), 1e-9);
        assertEquals(2.8, (Double) r.details().get("p90"), 1e-9);
        assertTrue(urgent.definition().formula().contains("urgent-priority tickets"), urgent.definition().formula());
        // every priority: 1, 3, 240 -> 3
        assertEquals(3.0, rt().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
        KpiResult high = new ResolutionTime(data.metrics(), new Settings("high")).compute(query("2026-01-01", "2026-02-01"));
        assertFalse(high.hasValue());
        assertTrue(high.noDataReason().contains("high-priority"), high.noDataReason());
    }

    @Test
    void segmentRestrictsToItsCustomersAndLeavesOutUnmatchedTickets() {
        data.ticket(1L, "normal", "2026-01-10T00:00", null, "2026-01-10T05:00", 0, 1)    // pro, 5 h
            .ticket(2L, "normal", "2026-01-10T00:00", null, "2026-01-10T07:00", 0, 1)    // starter, 7 h
            .ticket(null, "normal", "2026-01-10T00:00", null, "2026-01-10T09:00", 0, 1); // no customer, 9 h
        KpiResult starter = rt().compute(query("2026-01-01", "2026-02-01", "plan", "starter"));
        assertEquals(1, starter.sampleSize());
        assertEquals(7.0, starter.value(), 1e-9);
        assertEquals(7.0, rt().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
        assertEquals(3, rt().compute(query("2026-01-01", "2026-02-01")).sampleSize());
    }

    @Test
    void drillDownListsTheSlowestResolutions() {
        data.ticket(1L, "normal", "2026-01-10T00:00", null, "2026-01-10T05:00", 0, 1)    // 5 h
            .ticket(2L, "high", "2025-12-20T00:00", null, "2026-01-02T00:00", 2, 4)      // 312 h, created in December
            .ticket(null, "low", "2026-01-10T00:00", null, "2026-01-11T00:00", 0, 1)     // 24 h, no customer
            .ticket(1L, "normal", "2026-01-10T00:00", null, null, 0, 1)                  // open: out
            .ticket(2L, "normal", "2026-01-30T00:00", null, "2026-02-01T00:00", 0, 1);   // resolved in February: out
        KpiTable slowest = rt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "ticket", "priority", "hours", "created", "resolved"),
                slowest.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(List.of(312.0, 24.0, 5.0), slowest.rows().stream().map(r -> r.get(slowest.column("hours"))).toList());
        assertEquals(2L, slowest.rows().get(0).get(slowest.column("customer_id")));
        assertEquals("2025-12-20T00:00:00Z", slowest.rows().get(0).get(slowest.column("created")));
        assertEquals("2026-01-02T00:00:00Z", slowest.rows().get(0).get(slowest.column("resolved")));
        assertNull(slowest.rows().get(1).get(slowest.column("customer")), "a ticket without a customer is listed too");

        KpiTable byPriority = rt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", "priority", false, 2));
        assertEquals(List.of("high", "low"), byPriority.rows().stream().map(r -> r.get(byPriority.column("priority"))).toList());
        assertEquals(1, rt().customers(query("2026-01-01", "2026-02-01", "plan", "pro"), new DrillDown("slowest", null, true, 50))
                .rows().size());
        assertThrows(InvalidQueryException.class,
                () -> rt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", "reopens", true, 5)));
    }

    @Test
    void definitionSaysWhatIsInForce() {
        KpiDefinition d = rt().definition();
        assertEquals("resolution-time", d.id());
        assertEquals(Unit.HOURS, d.unit());
        assertEquals(Direction.LOWER_IS_BETTER, d.direction());
        assertEquals(List.of("slowest"), d.drillDowns());
        assertTrue(d.formula().contains("over the tickets resolved in the period"), d.formula());
    }

    @Test
    void unknownPriorityIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings("p1"));
        assertEquals("normal", new Settings(" Normal ").priority());
    }
}
