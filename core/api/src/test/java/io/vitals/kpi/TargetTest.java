package io.vitals.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void higherIsBetterWithTheDefaultTenPercentMargin() {
        Target nps = new Target("nps", null, 30, null, "test");
        assertEquals(27.0, nps.warningLevel(Direction.HIGHER_IS_BETTER));
        assertEquals(TargetStatus.GREEN, nps.status(30.0, Direction.HIGHER_IS_BETTER));   // met exactly
        assertEquals(TargetStatus.GREEN, nps.status(41.5, Direction.HIGHER_IS_BETTER));
        assertEquals(TargetStatus.YELLOW, nps.status(27.0, Direction.HIGHER_IS_BETTER));  // at the warning level
        assertEquals(TargetStatus.RED, nps.status(26.9, Direction.HIGHER_IS_BETTER));
        assertEquals(TargetStatus.NONE, nps.status(null, Direction.HIGHER_IS_BETTER));    // no data: nothing to judge
    }

    @Test
    void lowerIsBetterWithAnExplicitWarning() {
        Target churn = new Target("customer-churn-rate", Segment.of("plan", "pro"), 2.0, 3.5, "test");
        assertEquals(TargetStatus.GREEN, churn.status(1.2, Direction.LOWER_IS_BETTER));
        assertEquals(TargetStatus.GREEN, churn.status(2.0, Direction.LOWER_IS_BETTER));
        assertEquals(TargetStatus.YELLOW, churn.status(3.5, Direction.LOWER_IS_BETTER));
        assertEquals(TargetStatus.RED, churn.status(3.6, Direction.LOWER_IS_BETTER));
    }

    @Test
    void negativeTargetsKeepTheirSense() {
        // an NPS target of -10 for a struggling segment: yellow down to -11
        Target t = new Target("nps", null, -10, null, "test");
        assertEquals(-11.0, t.warningLevel(Direction.HIGHER_IS_BETTER), 1e-12);
        assertEquals(TargetStatus.YELLOW, t.status(-10.5, Direction.HIGHER_IS_BETTER));
        assertEquals(TargetStatus.RED, t.status(-12.0, Direction.HIGHER_IS_BETTER));
    }

    @Test
    void neutralKpisAreGreenNearTheTarget() {
        Target t = new Target("arpa", null, 100, null, "test");
        assertEquals(TargetStatus.GREEN, t.status(109.0, Direction.NEUTRAL));
        assertEquals(TargetStatus.RED, t.status(89.0, Direction.NEUTRAL));
    }
}
