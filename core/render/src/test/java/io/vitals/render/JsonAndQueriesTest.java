package io.vitals.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.InvalidQueryException;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.KpiInfo;
import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;
import io.vitals.kpi.Unit;

class JsonAndQueriesTest {

    static final KpiInfo NPS = new KpiInfo(KpiDefinition.builder("nps").name("NPS").category(Category.SATISFACTION)
            .unit(Unit.SCORE).direction(Direction.HIGHER_IS_BETTER).build(), "bundle nps", "1.0.0");

    @Test
    void anAnswerCarriesItsTargetAndItsStatusAgainstIt() {
        KpiQuery q = new KpiQuery(Period.month(2026, 3), Segment.of("plan", "pro"));
        KpiResult r = KpiResult.ratio(5, 20, 100, 20, "none");
        ObjectNode yellow = Json.answer(NPS, q, r, null, new Target("nps", Segment.ALL, 30, 20.0, "etc/t.cfg"));
        assertEquals(25.0, yellow.get("value").asDouble());
        assertEquals(30.0, yellow.get("target").asDouble());
        assertEquals("yellow", yellow.get("status").asText());
        assertEquals("pro", yellow.get("segment").get("plan").asText());
        assertEquals("2026-03-01", yellow.get("period").get("from").asText());
        ObjectNode none = Json.answer(NPS, q, r, null);
        assertTrue(none.get("target").isNull());
        assertEquals("none", none.get("status").asText());
        ObjectNode noData = Json.answer(NPS, q, KpiResult.noData("no NPS responses"), null, new Target("nps", Segment.ALL, 30, null, "t"));
        assertEquals("none", noData.get("status").asText(), "no value, nothing to judge");
    }

    @Test
    void aQuestionWithoutDatesIsAboutTheLastFullMonth() {
        LocalDate today = LocalDate.of(2026, 6, 15);
        assertEquals(Period.month(2026, 5), Queries.period(null, null, today));
        assertEquals(new Period(LocalDate.of(2026, 6, 1), today), Queries.period("2026-06-01", null, today));
        assertEquals(Period.month(2026, 2), Queries.period(null, "2026-03-01", today));
        assertThrows(InvalidQueryException.class, () -> Queries.period("2026-13-01", null, today));
        assertEquals(LocalDate.of(2026, 6, 1), Queries.today(" 2026-06-01 "));
    }
}
