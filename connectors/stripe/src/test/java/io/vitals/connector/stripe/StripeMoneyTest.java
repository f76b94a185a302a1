package io.vitals.connector.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Minor units to hundredths of the major unit, and the cursor's text. */
class StripeMoneyTest {

    @Test
    void minorUnitsToHundredths() {
        assertEquals(1_999, StripeMoney.cents(1_999, "usd"));   // 19.99 USD
        assertEquals(50_000, StripeMoney.cents(500, "jpy"));    // 500 yen
        assertEquals(1_000_000, StripeMoney.cents(10_000, "KRW"));
        assertEquals(1_000, StripeMoney.cents(10, "vnd"));
        assertEquals(1_234, StripeMoney.cents(12_340, "kwd"));  // 12.340 KWD
        assertEquals(1_235, StripeMoney.cents(12_345, "BHD"));  // 12.345 BHD, half-up
        assertEquals(1_234, StripeMoney.cents(12_344, "omr"));
        assertEquals(50_000, StripeMoney.cents(50_000, "isk")); // Stripe writes ISK with two decimals
        assertEquals("JPY", StripeMoney.code(" jpy"));
    }

    @Test
    void cursorText() {
        var json = StripeSource.JSON;
        List<String> lists = StripeSource.LISTS;
        assertEquals("{\"list\":\"subscriptions\",\"after\":\"sub_9\"}", new StripeCursor("subscriptions", "sub_9").toJson(json));
        assertEquals("{\"list\":\"done\"}", StripeCursor.done().toJson(json));
        assertEquals(new StripeCursor("invoices", "in_3"), StripeCursor.resume(Optional.of("{\"list\":\"invoices\",\"after\":\"in_3\"}"), lists, json));
        assertEquals(new StripeCursor("invoices", null), StripeCursor.resume(Optional.of("{\"list\":\"invoices\"}"), lists, json));
        // a finished pass is kept as done, with the event to follow from when there is one
        assertEquals(StripeCursor.done(), StripeCursor.resume(Optional.of("{\"list\":\"done\"}"), lists, json));
        assertEquals(StripeCursor.done().withEvents("evt_7"), StripeCursor.resume(Optional.of("{\"list\":\"done\",\"events\":\"evt_7\"}"), lists, json));
        assertEquals("{\"list\":\"customers\",\"after\":\"cus_2\",\"events\":\"evt_7\"}",
                new StripeCursor("customers", "cus_2").withEvents("evt_7").toJson(json));
        // no cursor, a cursor of another shape, or a list no longer read: a new pass
        for (String stored : new String[] {"", "42", "not json", "{\"list\":\"charges\"}"}) {
            assertEquals(new StripeCursor("customers", null), StripeCursor.resume(Optional.of(stored), lists, json), stored);
        }
        assertEquals(new StripeCursor("customers", null), StripeCursor.resume(Optional.empty(), lists, json));
        assertEquals(new StripeCursor("invoices", null),
                StripeCursor.resume(Optional.of("{\"list\":\"subscriptions\",\"after\":\"sub_1\"}"), List.of("invoices"), json));
    }
}
