package io.vitals.kpi.advocacy;

import static io.vitals.testkit.Fixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.vitals.kpi.advocacy.AdvocacyActions.Settings;
import io.vitals.testkit.Fixture;

class AdvocacyActionsTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of())
            .customer(3, "2025-01-01", "pro", "NA", "bob", Map.of())
            .customer(4, "2025-01-01", "starter", "EMEA", "alice", Map.of())
            .customer(5, "2025-01-01", "pro", "EMEA", "alice", Map.of());
    }

    @AfterEach
    void close() {
        data.close();
    }

    private AdvocacyActions advocacy() {
        return new AdvocacyActions(data.metrics(), Settings.DEFAULT);
    }

    /** Customers 1-4 pay during January 2026 in different ways; customer 5 is on a free plan. */
    private void paying() {
        data.subscription(1, 10_000, "2025-06-01", null)              // paying throughout
            .subscription(2, 5_000, "2025-06-01", "2026-01-15")       // churned mid-January: paid during it
            .subscription(3, 5_000, "2026-01-20", null)               // started mid-January
            .subscription(4, 5_000, "2026-01-31T23:59:59", null)      // started in the last second
            .subscription(5, 0, "2025-06-01", null);                  // free: not paying
    }

    @Test
    void actionsPerPayingCustomer() {
        paying();
        data.advocacy(1, "referral", "2026-01-05").advocacy(1, "referral", "2026-01-06")
            .advocacy(2, "review", "2026-01-20")          // after its churn: still an action
            .advocacy(3, "case_study", "2026-01-25")
            .advocacy(5, "testimonial", "2026-01-10")     // by a free customer: counts, though 5 is not in the denominator
            .advocacy(1, "tweet", "2026-01-10")           // not a configured kind
            .advocacy(1, "referral", "2026-02-01");       // February
        KpiResult r = advocacy().compute(query("2026-01-01", "2026-02-01"));
        // 5 actions / 4 paying customers = 1.25 per customer
        assertEquals(1.25, r.value(), 1e-9);
        assertEquals(5.0, r.numerator());
        assertEquals(4.0, r.denominator());
        assertEquals(4, r.sampleSize());
        assertEquals(5L, r.details().get("actions"));
        assertEquals(4L, r.details().get("customers"));
        assertEquals(2L, r.details().get("referral"));
        assertEquals(1L, r.details().get("testimonial"));
        assertEquals(1L, r.details().get("review"));
        assertEquals(1L, r.details().get("caseStudy"));
        assertEquals(List.of("actions", "customers", "referral", "testimonial", "review", "caseStudy"),
                List.copyOf(r.details().keySet()));
    }

    @Test
    void noActionIsZeroButNoPayingCustomerIsNoData() {
        paying();
        data.advocacy(1, "referral", "2025-11-05");       // advocacy is recorded, none of it in January
        KpiResult quiet = advocacy().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.0, quiet.value());
        assertEquals(4, quiet.sampleSize());

        // 2024: nobody paid, though there was a referral
        data.advocacy(1, "referral", "2024-05-01");
        KpiResult none = advocacy().compute(query("2024-01-01", "2025-01-01"));
        assertFalse(none.hasValue());
        assertTrue(none.noDataReason().contains("no paying customers during 2024-01-01..2025-01-01 for all customers"),
                none.noDataReason());
    }

    @Test
    void noAdvocacyRecordedIsNoData() {
        paying();
        data.advocacy(1, "tweet", "2026-01-10")            // a kind that does not count
            .advocacy(1, "referral", "2026-02-10")         // after January
            .advocacy(2, "review", "2025-12-01");          // starter customer 2's, before January
        KpiResult january = new AdvocacyActions(data.metrics(), Settings.parse("referral,testimonial,case_study"))
                .compute(query("2026-01-01", "2026-02-01"));
        assertFalse(january.hasValue());
        assertTrue(january.noDataReason().contains("no advocacy events (referral, testimonial, case_study) recorded for all"
                + " customers by the end of 2026-01-01..2026-02-01"), january.noDataReason());
        // pro customers 1 and 3 have no review recorded; starter customer 2 has one from December, so January is a real 0
        KpiResult pro = advocacy().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertFalse(pro.hasValue());
        assertTrue(pro.noDataReason().contains("recorded for plan=pro by the end of 2026-01-01..2026-02-01"), pro.noDataReason());
        assertEquals(0.0, advocacy().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).value());
    }

    @Test
    void periodIsHalfOpen() {
        data.subscription(1, 10_000, "2025-06-01", null)
            .subscription(2, 5_000, "2025-06-01", "2026-01-01")        // ended at the first instant: not paying during January
            .subscription(3, 5_000, "2026-02-01", null)                // starts at the first instant after: not
            .subscription(4, 5_000, "2025-06-01", "2026-01-01T00:00:01"); // ended one second into January: paying during it
        data.advocacy(1, "review", "2026-01-01T00:00")          // first instant: in
            .advocacy(1, "review", "2026-01-31T23:59:59")       // last second: in
            .advocacy(1, "review", "2026-02-01T00:00")          // out
            .advocacy(1, "review", "2025-12-31T23:59:59");      // out
        KpiResult r = advocacy().compute(query("2026-01-01", "2026-02-01"));
        // 2 actions / customers 1 and 4
        assertEquals(2L, r.details().get("actions"));
        assertEquals(2L, r.details().get("customers"));
        assertEquals(1.0, r.value(), 1e-9);
    }

    @Test
    void kindsParameterChoosesWhatCounts() {
        paying();
        data.advocacy(1, "referral", "2026-01-05").advocacy(2, "review", "2026-01-06")
            .advocacy(3, "testimonial", "2026-01-07").advocacy(4, "g2_review", "2026-01-08");
        AdvocacyActions some = new AdvocacyActions(data.metrics(), Settings.parse(" Referral, g2_review "));
        KpiResult r = some.compute(query("2026-01-01", "2026-02-01"));
        // referral + g2_review = 2 of 4 customers
        assertEquals(0.5, r.value(), 1e-9);
        assertEquals(1L, r.details().get("referral"));
        assertEquals(1L, r.details().get("g2Review"));
        assertFalse(r.details().containsKey("review"));
        assertEquals("referral,g2_review", some.definition().parameters().get(0).value());
        assertEquals("referral,testimonial,review,case_study", some.definition().parameters().get(0).defaultValue());
        assertTrue(some.definition().formula().contains("of kind referral, g2_review"), some.definition().formula());
        // the default kinds: referral, review, testimonial = 3 of 4
        assertEquals(0.75, advocacy().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void segmentRestrictsBothSides() {
        paying();
        data.advocacy(1, "referral", "2026-01-05").advocacy(3, "review", "2026-01-06").advocacy(3, "review", "2026-01-07")
            .advocacy(2, "review", "2026-01-08");
        // pro: customers 1 and 3 pay (5 is free); 3 actions
        KpiResult pro = advocacy().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(1.5, pro.value(), 1e-9);
        assertEquals(2, pro.sampleSize());
        // starter: customers 2 and 4; 1 action
        assertEquals(0.5, advocacy().compute(query("2026-01-01", "2026-02-01", "plan", "starter")).value(), 1e-9);
    }

    @Test
    void drillDownListsTheAdvocatesMostActionsFirst() {
        paying();
        data.advocacy(1, "referral", "2026-01-05")
            .advocacy(3, "review", "2026-01-06").advocacy(3, "case_study", "2026-01-20")
            .advocacy(5, "testimonial", "2026-01-10")
            .advocacy(2, "tweet", "2026-01-10")            // not a configured kind
            .advocacy(4, "review", "2026-02-01");          // February
        KpiTable advocates = advocacy().customers(query("2026-01-01", "2026-02-01"), new DrillDown("advocates", null, true, 50));
        assertEquals(List.of("customer_id", "source_id", "customer", "plan", "region", "csm", "actions", "latest"),
                advocates.columns().stream().map(KpiTable.Column::name).toList());
        // 3 has two; 5 (latest 01-10) before 1 (latest 01-05)
        assertEquals(List.of(3L, 5L, 1L), advocates.rows().stream().map(r -> r.get(advocates.column("customer_id"))).toList());
        assertEquals(List.of(2L, 1L, 1L), advocates.rows().stream().map(r -> r.get(advocates.column("actions"))).toList());
        assertEquals("2026-01-20T00:00:00Z", advocates.rows().get(0).get(advocates.column("latest")));

        KpiTable fewest = advocacy().customers(query("2026-01-01", "2026-02-01"), new DrillDown("advocates", "actions", false, 1));
        assertEquals(1L, fewest.rows().get(0).get(fewest.column("actions")));
        KpiTable starter = advocacy().customers(query("2026-01-01", "2026-02-01", "plan", "starter"), new DrillDown("advocates", null, true, 50));
        assertTrue(starter.rows().isEmpty());
        assertThrows(InvalidQueryException.class,
                () -> advocacy().customers(query("2026-01-01", "2026-02-01"), new DrillDown("advocates", "kind", true, 5)));
    }

    @Test
    void definition() {
        KpiDefinition d = advocacy().definition();
        assertEquals("advocacy-actions", d.id());
        assertEquals(Unit.RATIO, d.unit());
        assertEquals(Direction.HIGHER_IS_BETTER, d.direction());
        assertEquals(List.of("advocates"), d.drillDowns());
    }

    @Test
    void invalidKindsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(" , "));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("referral,referral"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("case study"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(List.of()));
        assertEquals("caseStudy", AdvocacyActions.detailKey("case_study"));
    }
}
