package io.vitals.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.connector.SourcePage;
import io.vitals.model.Customer;
import io.vitals.store.DataWriter;
import io.vitals.testdb.TestStores;

/** The data version moves exactly when data is committed, which is what kept KPI answers rely on. */
class DataVersionTest {

    @TempDir
    Path dir;
    String url;
    SqlStore store;

    @BeforeEach
    void open() {
        url = TestStores.url(dir, "version");
        store = SqlStore.open(url, 1);
    }

    @AfterEach
    void close() {
        store.close();
        TestStores.release(url);
    }

    static Customer customer(String id) {
        return new Customer(0, "crm", id, "Acme " + id, id + "@example.com", Instant.parse("2026-01-05T00:00:00Z"), "pro",
                "EMEA", "alice", "software", Map.of());
    }

    @Test
    void movesOnEveryCommitAndOnlyThen() {
        long start = store.dataVersion();
        store.isEmpty();
        store.counts();
        assertEquals(start, store.dataVersion(), "reading changes nothing");

        try (DataWriter.Batch batch = store.batch()) {
            batch.add(customer("a"));
            assertEquals(start, store.dataVersion(), "nothing is visible before the commit");
        }
        assertEquals(start, store.dataVersion(), "a batch closed without a commit rolled back");

        try (DataWriter.Batch batch = store.batch()) {
            batch.add(customer("b"));
            batch.commit();
        }
        long afterBatch = store.dataVersion();
        assertNotEquals(start, afterBatch);

        store.write("crm", new SourcePage().customer(customer("c"), "c"));
        long afterPage = store.dataVersion();
        assertNotEquals(afterBatch, afterPage);

        store.deleteSource("crm");
        assertNotEquals(afterPage, store.dataVersion());
    }

    @Test
    void movesForEveryProcessOnTheDatabaseWhenAnotherWrites() {
        long before = store.dataVersion();
        SqlStore other = SqlStore.open(url, 1); // as a one-shot bin/vitals beside a serving one
        try {
            other.write("crm", new SourcePage().customer(customer("d"), "d"));
        } finally {
            other.close();
        }
        assertNotEquals(before, store.dataVersion());
    }
}
