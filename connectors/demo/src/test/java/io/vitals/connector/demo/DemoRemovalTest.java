package io.vitals.connector.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.testkit.Configs;
import io.vitals.testkit.Fixture;

/** The demo dataset kept apart: removed with everything it wrote, and not loaded into the emptied store again. */
class DemoRemovalTest {

    @TempDir
    Path dir;

    @Test
    void removedDemoDataLeavesTheRealDataAndStaysOut() {
        try (Fixture f = Fixture.in(dir)) {
            DemoDataset demo = new DemoDataset(f.store(), Configs.of(DemoDataset.Config.class, Map.of()), LocalDate.parse("2026-06-01"));
            assertFalse(demo.present());
            demo.generate(DemoGeneratorTest.SMALL, (d, t) -> { });
            assertTrue(demo.present());
            assertEquals("300", demo.customers());
            f.customer(9_001, "2026-01-05").commit(); // a real customer, of the fixture's own source
            long real = f.store().counts().get("customers") - 300;
            assertEquals(1, real);

            assertTrue(demo.remove());
            assertFalse(demo.present());
            assertEquals(1L, f.store().counts().get("customers"), "only the real customer is left");
            assertEquals(0L, f.store().counts().get("subscriptions"), "the demo's subscriptions went with it");
            assertEquals(Optional.of("2026-06-01"), f.store().metadata(DemoDataset.REMOVED));
            assertFalse(demo.remove(), "nothing left to remove");

            demo.generate(DemoGeneratorTest.SMALL, (d, t) -> { });
            assertEquals(Optional.of(""), f.store().metadata(DemoDataset.REMOVED), "generated again on purpose: no longer removed");
        }
    }
}
