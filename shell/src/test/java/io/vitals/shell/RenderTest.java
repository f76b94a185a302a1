package io.vitals.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitals.kpi.Unit;

class RenderTest {

    @Test
    void sparklineScalesBetweenMinAndMaxAndLeavesGapsForNoData() {
        // 5 of 0..10 is 3.5 of 7 steps, rounded up to the fifth bar
        assertEquals("▁▅█ ▁", Render.sparkline(Arrays.asList(0.0, 5.0, 10.0, null, 0.0)));
        assertEquals("▅▅", Render.sparkline(List.of(3.0, 3.0)));
    }

    @Test
    void changesAreSignedInTheKpisUnit() {
        assertEquals("+2.1 pp", Render.change(2.14, Unit.PERCENT));
        assertEquals("-1,234.50", Render.change(-1234.5, Unit.CURRENCY));
        assertEquals("±0.0", Render.change(0.0, Unit.SCORE));
        assertEquals("", Render.change(null, Unit.SCORE));
        assertEquals("12.3 %", Render.value(12.34, Unit.PERCENT));
        assertEquals("1,234", Render.number(1234L));
        assertEquals("1,234.57", Render.number(1234.567));
    }

    @Test
    void anIdIsShownAsItIsAndAnAmountKeepsItsCents() {
        assertEquals("5128", Render.cell(5128L, null), "a text column, not a count");
        assertEquals("cus_9", Render.cell("cus_9", null));
        assertEquals("1,234", Render.cell(1234L, Unit.COUNT));
        assertEquals("455,661.00", Render.detail(455_661.0), "an amount in a KPI's details");
        assertEquals("12", Render.detail(12L), "a count");
    }
}
