package io.vitals.kpi.fcr;

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
import io.vitals.testkit.Fixture;

class FirstContactResolutionTest {

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

    private FirstContactResolution fcr() {
        return new FirstContactResolution(data.metrics());
    }

    @Test
    void firstContactOverResolvedTickets() {
        data.ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-05T02:00", 0, 1)  // one reply: first contact
            .ticket(1L, "normal", "2026-01-05", null, "2026-01-05T02:00", 0, 0)                // closed without a reply: first contact
            .ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-06", 0, 2)        // two replies: not
            .ticket(2L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-06", 1, 1)        // reopened: not
            .ticket(2L, "normal", "2026-01-05", "2026-01-05T01:00", null, 0, 1);               // open: not in the denominator
        KpiResult r = fcr().compute(query("2026-01-01", "2026-02-01"));
        // 2 of 4 resolved = 50 %
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(2.0, r.numerator());
        assertEquals(4.0, r.denominator());
        assertEquals(4, r.sampleSize());
        assertEquals(4L, r.details().get("resolved"));
        assertEquals(2L, r.details().get("firstContact"));
    }

    @Test
    void noneAtFirstContactIsZeroNotNoData() {
        data.ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-06", 0, 3);
        KpiResult r = fcr().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.0, r.value());
        assertEquals(1, r.sampleSize());
    }

    @Test
    void noResolvedTicketIsNoData() {
        data.ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", null, 0, 1)          // created but open
            .ticket(1L, "normal", "2025-12-05", "2025-12-05T01:00", "2025-12-06", 0, 1); // resolved in December
        KpiResult r = fcr().compute(query("2026-01-01", "2026-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("no ticket resolved in 2026-01-01..2026-02-01"), r.noDataReason());
    }

    @Test
    void noReplyCountsIsNoDataNotAHundredPercent() {
        // a helpdesk that does not report agent replies: every ticket says 0, so every one would look first-contact
        data.ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-06", 0, 0)
            .ticket(2L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-07", 0, 0)
            .ticket(2L, "normal", "2026-02-05", "2026-02-05T01:00", "2026-02-06", 0, 2);   // February has counts
        KpiResult r = fcr().compute(query("2026-01-01", "2026-02-01"));
        assertFalse(r.hasValue());
        assertTrue(r.noDataReason().contains("none of the 2 tickets resolved in 2026-01-01..2026-02-01 for all customers"
                + " records an agent reply"), r.noDataReason());
        assertTrue(r.noDataReason().contains("agent_replies"), r.noDataReason());
        assertEquals(0.0, fcr().compute(query("2026-02-01", "2026-03-01")).value());
        // one ticket with a reply count is enough: the rest of the period's zeros are closed without a reply
        data.ticket(1L, "normal", "2026-01-05", "2026-01-05T01:00", "2026-01-08", 0, 1);
        assertEquals(100.0, fcr().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void periodIsHalfOpenOnResolution() {
        data.ticket(1L, "normal", "2025-12-31", null, "2026-01-01T00:00", 0, 1)             // first instant: in, first contact
            .ticket(1L, "normal", "2026-01-31", null, "2026-01-31T23:59:59", 0, 2)          // last second: in, not
            .ticket(1L, "normal", "2026-01-31", null, "2026-02-01T00:00", 2, 5)             // February's first instant: out
            .ticket(1L, "normal", "2025-12-01", null, "2025-12-31T23:59:59", 0, 1);         // December: out
        KpiResult r = fcr().compute(query("2026-01-01", "2026-02-01"));
        // 1 of 2
        assertEquals(2, r.sampleSize());
        assertEquals(50.0, r.value(), 1e-9);
        assertEquals(0.0, fcr().compute(query("2026-02-01", "2026-03-01")).value());
    }

    @Test
    void segmentRestrictsToItsCustomers() {
        data.ticket(1L, "normal", "2026-01-05", null, "2026-01-06", 0, 1)      // pro, first contact
            .ticket(1L, "normal", "2026-01-05", null, "2026-01-06", 1, 1)      // pro, reopened
            .ticket(2L, "normal", "2026-01-05", null, "2026-01-06", 0, 1)      // starter, first contact
            .ticket(null, "normal", "2026-01-05", null, "2026-01-06", 0, 1);   // no customer, first contact
        KpiResult pro = fcr().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(2, pro.sampleSize());
        assertEquals(50.0, pro.value(), 1e-9);
        // all customers: 3 of 4, the ticket without a customer included
        assertEquals(75.0, fcr().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void drillDownListsTheTicketsThatTookMoreThanOneContact() {
        data.ticket(1L, "normal", "2026-01-05", null, "2026-01-06", 0, 1)        // first contact: not listed
            .ticket(1L, "high", "2026-01-05", null, "2026-01-07", 0, 4)          // 4 replies
            .ticket(2L, "urgent", "2026-01-05", null, "2026-01-08", 2, 2)        // reopened twice
            .ticket(null, "low", "2026-01-05", null, "2026-01-09", 1, 1)         // reopened once, no customer
            .ticket(2L, "normal", "2026-01-05", null, null, 3, 6)                // open: out
            .ticket(2L, "normal", "2026-01-05", null, "2026-02-01", 3, 6);       // resolved in February: out
        KpiTable table = fcr().customers(query("2026-01-01", "2026-02-01"), new DrillDown("not-first-contact", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "ticket", "priority", "replies", "reopens", "resolved"),
                table.columns().stream().map(KpiTable.Column::name).toList());
        // most reopened first, then most replies
        assertEquals(List.of(2L, 1L, 0L), table.rows().stream().map(r -> r.get(table.column("reopens"))).toList());
        assertEquals(List.of(2L, 1L, 4L), table.rows().stream().map(r -> r.get(table.column("replies"))).toList());
        assertEquals("urgent", table.rows().get(0).get(table.column("priority")));
        assertEquals("2026-01-08T00:00:00Z", table.rows().get(0).get(table.column("resolved")));
        assertNull(table.rows().get(1).get(table.column("customer_id")), "a ticket without a customer is listed too");

        KpiTable byReplies = fcr().customers(query("2026-01-01", "2026-02-01"), new DrillDown("not-first-contact", "replies", true, 1));
        assertEquals(4L, byReplies.rows().get(0).get(byReplies.column("replies")));
        assertEquals(1, fcr().customers(query("2026-01-01", "2026-02-01", "plan", "pro"),
                new DrillDown("not-first-contact", null, true, 50)).rows().size());
        assertThrows(InvalidQueryException.class, () -> fcr().customers(query("2026-01-01", "2026-02-01"),
                new DrillDown("not-first-contact", "hours", true, 5)));
    }

    @Test
    void definition() {
        KpiDefinition d = fcr().definition();
        assertEquals("first-contact-resolution", d.id());
        assertEquals(Unit.PERCENT, d.unit());
        assertEquals(Direction.HIGHER_IS_BETTER, d.direction());
        assertEquals(List.of("not-first-contact"), d.drillDowns());
        assertTrue(d.parameters().isEmpty());
    }
}
