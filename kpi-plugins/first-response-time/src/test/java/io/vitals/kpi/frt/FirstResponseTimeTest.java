package io.vitals.kpi.frt;

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
import io.vitals.kpi.frt.FirstResponseTime.Settings;
import io.vitals.testkit.Fixture;

class FirstResponseTimeTest {

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

    private FirstResponseTime frt() {
        return new FirstResponseTime(data.metrics(), Settings.DEFAULT);
    }

    @Test
    void medianAndP90OfAnsweredTickets() {
        data.ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T09:00", null, 0, 1)   // 1 h
            .ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T10:00", null, 0, 1)   // 2 h
            .ticket(2L, "high", "2026-01-11T08:00", "2026-01-11T11:00", null, 0, 1)     // 3 h
            .ticket(2L, "low", "2026-01-12T00:00", "2026-01-12T10:00", null, 0, 1)      // 10 h
            .ticket(2L, "low", "2026-01-13T00:00", null, null, 0, 0);                   // unanswered
        KpiResult r = frt().compute(query("2026-01-01", "2026-02-01"));
        // median of 1, 2, 3, 10 = (2 + 3) / 2 = 2.5
        assertEquals(2.5, r.value(), 1e-9);
        // p90: position (4 - 1) x 0.9 = 2.7, between 3 and 10: 3 + 0.7 x 7 = 7.9
        assertEquals(7.9, (Double) r.details().get("p90"), 1e-9);
        assertEquals(4L, r.details().get("answered"));
        assertEquals(1L, r.details().get("unanswered"));
        assertEquals(4, r.sampleSize());
        assertNull(r.numerator());
    }

    @Test
    void minutesAreFractionsOfAnHour() {
        // 30 minutes and 45 minutes: median 0.625 h; p90 = 0.5 + 0.9 x 0.25 = 0.725 h
        data.ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T08:30", null, 0, 1)
            .ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T08:45", null, 0, 1);
        KpiResult r = frt().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.625, r.value(), 1e-9);
        assertEquals(0.725, (Double) r.details().get("p90"), 1e-9);
    }

    @Test
    void noAnsweredTicketIsNoData() {
        KpiResult empty = frt().compute(query("2026-01-01", "2026-02-01"));
        assertFalse(empty.hasValue());
        assertTrue(empty.noDataReason().contains("2026-01-01..2026-02-01"), empty.noDataReason());

        data.ticket(1L, "normal", "2026-01-10", null, null, 0, 0)
            .ticket(1L, "normal", "2026-01-11", null, null, 0, 0);
        KpiResult unanswered = frt().compute(query("2026-01-01", "2026-02-01"));
        // created but never answered: no first response time to judge by, not 0 hours
        assertFalse(unanswered.hasValue());
        assertTrue(unanswered.noDataReason().contains("2 unanswered"), unanswered.noDataReason());
    }

    @Test
    void periodIsHalfOpenOnCreation() {
        data.ticket(1L, "normal", "2026-01-01T00:00", "2026-01-01T01:00", null, 0, 1)       // first instant: in, 1 h
            .ticket(1L, "normal", "2026-01-31T23:59:59", "2026-02-01T02:59:59", null, 0, 1) // last second: in, 3 h, answered in Feb
            .ticket(1L, "normal", "2026-02-01T00:00", "2026-02-01T00:30", null, 0, 1)       // first instant of Feb: out
            .ticket(1L, "normal", "2025-12-31T23:59:59", "2026-01-05T00:00", null, 0, 1);   // created in Dec, answered in Jan: out
        KpiResult r = frt().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(2, r.sampleSize());
        // median of 1 and 3
        assertEquals(2.0, r.value(), 1e-9);
        // February holds only the ticket created on its first instant: 0.5 h
        assertEquals(0.5, frt().compute(query("2026-02-01", "2026-03-01")).value(), 1e-9);
    }

    @Test
    void priorityParameterKeepsOnlyThatPriority() {
        data.ticket(1L, "high", "2026-01-10T08:00", "2026-01-10T09:00", null, 0, 1)    // 1 h
            .ticket(1L, "high", "2026-01-10T08:00", "2026-01-10T12:00", null, 0, 1)    // 4 h
            .ticket(1L, "high", "2026-01-10T08:00", null, null, 0, 0)                  // unanswered high
            .ticket(1L, "low", "2026-01-10T08:00", "2026-01-12T08:00", null, 0, 1)     // 48 h, low
            .ticket(1L, null, "2026-01-10T08:00", "2026-01-10T08:06", null, 0, 1);     // 0.1 h, no priority
        FirstResponseTime high = new FirstResponseTime(data.metrics(), new Settings("High"));
        KpiResult r = high.compute(query("2026-01-01", "2026-02-01"));
        // high only: median of 1 and 4 = 2.5; one unanswered high ticket
        assertEquals(2.5, r.value(), 1e-9);
        assertEquals(2L, r.details().get("answered"));
        assertEquals(1L, r.details().get("unanswered"));
        assertTrue(high.definition().formula().contains("high-priority tickets"), high.definition().formula());
        assertEquals("high", high.definition().parameters().get(0).value());
        // every priority: 0.1, 1, 4, 48: median (1 + 4) / 2 = 2.5 as well, but over four tickets
        KpiResult all = frt().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(4, all.sampleSize());
        assertEquals(2.5, all.value(), 1e-9);
        // urgent: none at all
        assertFalse(new FirstResponseTime(data.metrics(), new Settings("urgent")).compute(query("2026-01-01", "2026-02-01")).hasValue());
    }

    @Test
    void segmentRestrictsToItsCustomersAndLeavesOutUnmatchedTickets() {
        data.ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T09:00", null, 0, 1)    // pro, 1 h
            .ticket(2L, "normal", "2026-01-10T08:00", "2026-01-10T18:00", null, 0, 1)    // starter, 10 h
            .ticket(null, "normal", "2026-01-10T08:00", "2026-01-10T14:00", null, 0, 1); // no customer, 6 h
        KpiResult pro = frt().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(1, pro.sampleSize());
        assertEquals(1.0, pro.value(), 1e-9);
        // all customers: 1, 6, 10 -> 6
        KpiResult all = frt().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(3, all.sampleSize());
        assertEquals(6.0, all.value(), 1e-9);
    }

    @Test
    void drillDownListsTheSlowestAnsweredTickets() {
        data.ticket(1L, "normal", "2026-01-10T08:00", "2026-01-10T09:00", null, 0, 1)    // 1 h
            .ticket(2L, "urgent", "2026-01-11T08:00", "2026-01-11T18:00", null, 0, 1)    // 10 h
            .ticket(null, "low", "2026-01-12T08:00", "2026-01-12T14:00", null, 0, 1)     // 6 h, no customer
            .ticket(1L, "normal", "2026-01-13T08:00", null, null, 0, 0)                  // unanswered: not behind the median
            .ticket(2L, "normal", "2026-02-01T00:00", "2026-02-03T00:00", null, 0, 1);   // February: out
        KpiTable slowest = frt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "ticket", "priority", "hours", "created"),
                slowest.columns().stream().map(KpiTable.Column::name).toList());
        assertEquals(Unit.HOURS, slowest.columns().get(slowest.column("hours")).unit());
        assertEquals(List.of(10.0, 6.0, 1.0), slowest.rows().stream().map(r -> r.get(slowest.column("hours"))).toList());
        assertEquals("Customer 2", slowest.rows().get(0).get(slowest.column("customer")));
        assertEquals("urgent", slowest.rows().get(0).get(slowest.column("priority")));
        assertEquals("2026-01-11T08:00:00Z", slowest.rows().get(0).get(slowest.column("created")));
        assertNull(slowest.rows().get(1).get(slowest.column("customer_id")), "a ticket without a customer is listed too");
        assertTrue(slowest.rows().get(0).get(slowest.column("ticket")) instanceof String);

        KpiTable fastest = frt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", "hours", false, 1));
        assertEquals(List.of(1.0), fastest.rows().stream().map(r -> r.get(fastest.column("hours"))).toList());
        KpiTable starter = frt().customers(query("2026-01-01", "2026-02-01", "plan", "starter"), new DrillDown("slowest", null, true, 50));
        assertEquals(1, starter.rows().size(), "the segment applies, and tickets without a customer are in no segment");
        FirstResponseTime low = new FirstResponseTime(data.metrics(), new Settings("low"));
        assertEquals(1, low.customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", null, true, 50)).rows().size());
        assertThrows(InvalidQueryException.class,
                () -> frt().customers(query("2026-01-01", "2026-02-01"), new DrillDown("slowest", "colour", true, 5)));
    }

    @Test
    void definitionSaysWhatIsInForce() {
        KpiDefinition d = frt().definition();
        assertEquals("first-response-time", d.id());
        assertEquals(Unit.HOURS, d.unit());
        assertEquals(Direction.LOWER_IS_BETTER, d.direction());
        assertEquals(List.of("slowest"), d.drillDowns());
        assertTrue(d.formula().contains("over the tickets created in the period"), d.formula());
    }

    @Test
    void unknownPriorityIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Settings("critical"));
        assertTrue(e.getMessage().contains("low, normal, high, urgent"), e.getMessage());
        assertEquals("", new Settings(null).priority());
        assertEquals("", new Settings("  ").priority());
    }
}
