package io.vitals.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

class PeriodAndGrainTest {

    @Test
    void lastFullMonth() {
        assertEquals(Period.parse("2026-10-01", "2026-11-01"), Period.lastFullMonth(LocalDate.parse("2026-11-23")));
        assertEquals(Period.parse("2025-12-01", "2026-01-01"), Period.lastFullMonth(LocalDate.parse("2026-01-01")));
    }

    @Test
    void emptyAndMalformedPeriodsSayWhatWouldBeRight() {
        InvalidQueryException empty = assertThrows(InvalidQueryException.class, () -> Period.parse("2026-04-01", "2026-04-01"));
        assertTrue(empty.getMessage().startsWith("empty period"), empty.getMessage());
        InvalidQueryException bad = assertThrows(InvalidQueryException.class, () -> Period.parse("2026-13-01", "2026-04-01"));
        assertTrue(bad.getMessage().contains("expected an ISO date such as 2026-01-31"), bad.getMessage());
    }

    @Test
    void previousPeriod() {
        assertEquals(Period.parse("2026-02-01", "2026-03-01"), Period.parse("2026-03-01", "2026-04-01").previous());
        assertEquals(Period.parse("2025-10-01", "2026-01-01"), Period.parse("2026-01-01", "2026-04-01").previous());
        assertEquals(Period.parse("2026-03-03", "2026-03-10"), Period.parse("2026-03-10", "2026-03-17").previous());
    }

    @Test
    void bucketsFollowTheCalendarAndAreClipped() {
        Period p = Period.parse("2026-01-15", "2026-04-10");
        assertEquals(List.of(Period.parse("2026-01-15", "2026-02-01"), Period.parse("2026-02-01", "2026-03-01"),
                Period.parse("2026-03-01", "2026-04-01"), Period.parse("2026-04-01", "2026-04-10")), Grain.MONTH.buckets(p));
        assertEquals(List.of(Period.parse("2026-01-15", "2026-04-01"), Period.parse("2026-04-01", "2026-04-10")),
                Grain.QUARTER.buckets(p));
        // 2026-01-15 is a Thursday; ISO weeks start on Monday 2026-01-19
        assertEquals(Period.parse("2026-01-15", "2026-01-19"), Grain.WEEK.buckets(p).get(0));
        assertEquals(85, Grain.DAY.buckets(p).size());
        assertEquals("2026-03", Period.parse("2026-03-01", "2026-04-01").label());
        assertEquals("2026-Q1", Period.parse("2026-01-01", "2026-04-01").label());
    }

    @Test
    void unknownKpisSuggestTheClosestId() {
        java.util.List<String> known = List.of("csat", "mrr", "nps", "customer-churn-rate");
        assertEquals("unknown KPI 'npx' (did you mean 'nps'?); known KPIs: csat, mrr, nps, customer-churn-rate",
                new UnknownKpiException("npx", known).getMessage());
        assertEquals("unknown KPI 'churn'; known KPIs: csat, mrr, nps, customer-churn-rate",
                new UnknownKpiException("churn", known).getMessage());
    }

    @Test
    void segmentsParse() {
        assertEquals(Segment.of(java.util.Map.of("plan", "pro", "region", "EMEA")), Segment.parse(List.of("plan=pro", "region:EMEA")));
        assertThrows(InvalidQueryException.class, () -> Segment.parse(List.of("plan")));
        assertThrows(InvalidQueryException.class, () -> Segment.parse(List.of("plan=a", "plan=b")));
        assertThrows(InvalidQueryException.class, () -> Grain.parse("fortnight"));
    }
}
