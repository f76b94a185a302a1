package io.vitals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BillingIntervalTest {

    @Test
    void normalisesEveryIntervalToAMonth() {
        assertEquals(4_900, BillingInterval.MONTH.monthlyCents(4_900, 1, 1));
        assertEquals(8_333, BillingInterval.YEAR.monthlyCents(100_000, 1, 1));      // 1,000.00 / 12 = 83.333 -> 83.33
        assertEquals(16_667, BillingInterval.YEAR.monthlyCents(100_000, 1, 2));     // two seats: 166.666 -> 166.67
        assertEquals(10_000, BillingInterval.QUARTER.monthlyCents(30_000, 1, 1));
        assertEquals(5_000, BillingInterval.MONTH.monthlyCents(30_000, 6, 1));      // every six months
        assertEquals(4_333, BillingInterval.WEEK.monthlyCents(1_000, 1, 1));        // 10.00 x 52 / 12 = 43.333
        assertEquals(3_042, BillingInterval.DAY.monthlyCents(100, 1, 1));           // 1.00 x 365 / 12 = 30.4166
        assertEquals(4_167, BillingInterval.YEAR.monthlyCents(100_000, 2, 1));      // every two years: 41.666
        assertEquals(0, BillingInterval.MONTH.monthlyCents(0, 1, 5));               // free plan
    }

    @Test
    void parsesCommonNames() {
        assertEquals(BillingInterval.YEAR, BillingInterval.parse("annual"));
        assertEquals(BillingInterval.MONTH, BillingInterval.parse("month"));
        assertEquals(BillingInterval.QUARTER, BillingInterval.parse("Quarterly"));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> BillingInterval.MONTH.monthlyCents(100, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> BillingInterval.MONTH.monthlyCents(-1, 1, 1));
    }
}
