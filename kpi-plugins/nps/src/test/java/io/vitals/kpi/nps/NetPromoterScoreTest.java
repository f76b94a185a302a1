package io.vitals.kpi.nps;

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

import io.vitals.kpi.DrillDown;
import io.vitals.kpi.Grain;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.KpiSeries;
import io.vitals.kpi.KpiTable;
import io.vitals.kpi.nps.NetPromoterScore.Counting;
import io.vitals.kpi.nps.NetPromoterScore.Settings;
import io.vitals.model.SurveyType;
import io.vitals.testkit.Fixture;

class NetPromoterScoreTest {

    @TempDir
    Path dir;
    Fixture data;

    @BeforeEach
    void customers() {
        data = Fixture.in(dir);
        data.customer(1, "2025-01-01", "pro", "EMEA", "alice", Map.of())
            .customer(2, "2025-01-01", "starter", "NA", "bob", Map.of())
            .customer(3, "2025-01-01", "pro", "NA", "bob", Map.of());
    }

    @AfterEach
    void close() {
        data.close();
    }

    private NetPromoterScore nps() {
        return new NetPromoterScore(data.metrics(), Settings.DEFAULT);
    }

    @Test
    void promotersMinusDetractorsOverAllResponses() {
        // 10, 9, 9, 10 are promoters; 8, 7 passives; 6, 0 detractors: (4 - 2) / 8 = 25
        for (int score : new int[] {10, 9, 9, 8, 7, 6, 0, 10}) {
            data.nps(1L, score, "2026-01-15");
        }
        KpiResult r = nps().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(25.0, r.value(), 1e-9);
        assertEquals(2.0, r.numerator());
        assertEquals(8.0, r.denominator());
        assertEquals(8, r.sampleSize());
        assertEquals(4L, r.details().get("promoters"));
        assertEquals(2L, r.details().get("passives"));
        assertEquals(2L, r.details().get("detractors"));
    }

    @Test
    void passivesCountInTheDenominator() {
        data.nps(1L, 7, "2026-01-10").nps(1L, 8, "2026-01-11").nps(2L, 10, "2026-01-12");
        // one promoter out of three responses: 33.3..., not 100
        assertEquals(100.0 / 3, nps().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void onlyPassivesIsZeroNotNoData() {
        data.nps(1L, 7, "2026-01-10").nps(2L, 8, "2026-01-11");
        KpiResult r = nps().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(0.0, r.value());
        assertEquals(2, r.sampleSize());
    }

    @Test
    void noResponsesIsNoDataWithAReason() {
        data.nps(1L, 10, "2025-12-31T23:59:59");
        KpiResult r = nps().compute(query("2026-01-01", "2026-02-01"));
        assertFalse(r.hasValue());
        assertNull(r.value());
        assertTrue(r.noDataReason().contains("no NPS responses"), r.noDataReason());
    }

    @Test
    void periodIsHalfOpen() {
        data.nps(1L, 10, "2026-01-01T00:00")      // first instant: in
            .nps(1L, 0, "2026-01-31T23:59:59")    // last second: in
            .nps(1L, 0, "2026-02-01T00:00")       // first instant of the next period: out
            .nps(1L, 0, "2025-12-31T23:59:59");   // before: out
        KpiResult r = nps().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(2, r.sampleSize());
        assertEquals(0.0, r.value());
    }

    @Test
    void otherSurveysAndOtherScalesAreNotNps() {
        data.nps(1L, 10, "2026-01-05")
            .csat(1L, 1, "2026-01-05")
            .response(1L, SurveyType.NPS, 1, 1, 10, "2026-01-05"); // a 1-10 "NPS" is not on the 0-10 scale
        KpiResult r = nps().compute(query("2026-01-01", "2026-02-01"));
        assertEquals(1, r.sampleSize());
        assertEquals(100.0, r.value());
    }

    @Test
    void latestResponsePerCustomer() {
        data.nps(1L, 2, "2026-01-03").nps(1L, 10, "2026-01-20")   // customer 1: latest is a promoter
            .nps(2L, 9, "2026-01-02").nps(2L, 3, "2026-01-25")    // customer 2: latest is a detractor
            .nps(null, 10, "2026-01-05").nps(null, 10, "2026-01-06"); // two unmatched respondents, each their own
        NetPromoterScore latest = new NetPromoterScore(data.metrics(), new Settings(0, 10, 9, 6, Counting.LATEST_PER_CUSTOMER));
        KpiResult r = latest.compute(query("2026-01-01", "2026-02-01"));
        // 3 promoters (customer 1, two unmatched), 1 detractor, of 4: 50
        assertEquals(4, r.sampleSize());
        assertEquals(50.0, r.value(), 1e-9);
        // every response: promoters 10, 9, 10, 10; detractors 2, 3: (4 - 2) / 6
        assertEquals(100.0 * 2 / 6, nps().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void configuredCutOffs() {
        data.nps(1L, 8, "2026-01-05").nps(1L, 7, "2026-01-05").nps(1L, 5, "2026-01-05");
        // promoters 8+, detractors 5-: one of each of three
        NetPromoterScore lenient = new NetPromoterScore(data.metrics(), new Settings(0, 10, 8, 5, Counting.EVERY_RESPONSE));
        assertEquals(0.0, lenient.compute(query("2026-01-01", "2026-02-01")).value());
        // default cut-offs: 8 and 7 are passives, 5 a detractor: (0 - 1) / 3
        assertEquals(-100.0 / 3, nps().compute(query("2026-01-01", "2026-02-01")).value(), 1e-9);
    }

    @Test
    void segmentRestrictsToItsCustomers() {
        data.nps(1L, 10, "2026-01-05")   // pro
            .nps(3L, 0, "2026-01-05")    // pro
            .nps(3L, 9, "2026-01-06")    // pro
            .nps(2L, 0, "2026-01-05");   // starter
        KpiResult pro = nps().compute(query("2026-01-01", "2026-02-01", "plan", "pro"));
        assertEquals(3, pro.sampleSize());
        assertEquals(100.0 / 3, pro.value(), 1e-9);
        KpiResult bob = nps().compute(query("2026-01-01", "2026-02-01", "csm", "bob"));
        assertEquals(3, bob.sampleSize());
        assertEquals(-100.0 / 3, bob.value(), 1e-9);
    }

    @Test
    void unknownSegmentKeyOrValueIsAClearError() {
        data.nps(1L, 10, "2026-01-05");
        NetPromoterScore kpi = nps();
        InvalidQueryException key = assertThrows(InvalidQueryException.class,
                () -> kpi.compute(query("2026-01-01", "2026-02-01", "tier", "gold")));
        assertTrue(key.getMessage().contains("known keys: cohort, csm, industry, plan, region"), key.getMessage());
        InvalidQueryException value = assertThrows(InvalidQueryException.class,
                () -> kpi.compute(query("2026-01-01", "2026-02-01", "plan", "Pro")));
        assertTrue(value.getMessage().contains("values of plan: pro, starter"), value.getMessage());
    }

    @Test
    void seriesPointsEqualTheirOwnPeriods() {
        data.nps(1L, 10, "2026-01-05").nps(1L, 0, "2026-01-06")
            .nps(2L, 10, "2026-02-10")
            .nps(3L, 8, "2026-03-30");
        KpiSeries series = nps().series(query("2026-01-01", "2026-04-01"), Grain.MONTH);
        assertEquals(3, series.points().size());
        assertEquals(0.0, series.points().get(0).result().value());
        assertEquals(100.0, series.points().get(1).result().value());
        assertEquals(0.0, series.points().get(2).result().value());
        assertEquals(nps().compute(query("2026-02-01", "2026-03-01")), series.points().get(1).result());
    }

    @Test
    void drillDownListsTheDetractorsLowestFirst() {
        data.nps(1L, 10, "2026-01-05").nps(3L, 0, "2026-01-05").nps(2L, 6, "2026-01-06").nps(3L, 8, "2026-01-07")
            .nps(null, 2, "2026-01-08").nps(2L, 1, "2026-02-01");    // unmatched detractor in; February's out
        KpiTable detractors = nps().customers(query("2026-01-01", "2026-02-01"), new DrillDown("detractors", null, true, 50));
        assertEquals(3, detractors.rows().size());
        assertEquals(List.of(0L, 2L, 6L), detractors.rows().stream().map(r -> r.get(detractors.column("score"))).toList());
        assertEquals("Customer 3", detractors.rows().get(0).get(detractors.column("customer")));
        assertNull(detractors.rows().get(1).get(detractors.column("customer_id")), "the unmatched respondent is listed too");
        assertEquals("2026-01-05T00:00:00Z", detractors.rows().get(0).get(detractors.column("answered")));

        KpiTable top = nps().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "score", true, 2));
        assertEquals(List.of(10L, 8L), top.rows().stream().map(r -> r.get(top.column("score"))).toList());
        KpiTable pro = nps().customers(query("2026-01-01", "2026-02-01", "plan", "pro"), new DrillDown("detractors", null, true, 50));
        assertEquals(1, pro.rows().size(), "the segment applies, and unmatched respondents are in no segment");
        assertThrows(InvalidQueryException.class,
                () -> nps().customers(query("2026-01-01", "2026-02-01"), new DrillDown("all", "colour", true, 5)));
    }

    @Test
    void inconsistentCutOffsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 10, 6, 6, Counting.EVERY_RESPONSE));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 10, 11, 6, Counting.EVERY_RESPONSE));
    }
}
