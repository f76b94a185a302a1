package io.vitals.store.sql;

import java.sql.Connection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Customer ids by the keys sync pages name them by (source and external id, or e-mail), kept from
 * one page to the next: a page of 5,000 usage events names thousands of customers, and looking each up
 * again on every page cost about a quarter of a million-row sync on a bare JDBC harness. Kept only while
 * nothing else can have changed them: the same writer connection, no commit by any other connection
 * since (the dialect's counter), and no page or deletion of customers through this one (then it is
 * cleared). Without a counter (PostgreSQL) every page starts empty, as before. At most {@link #LIMIT}.
 */
final class KnownCustomers {

    static final int LIMIT = 100_000;

    private final Map<String, Long> ids = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > LIMIT;
        }
    };
    private Connection writer;
    private long counter = -1;

    /** The ids still good for a page written on {@code connection}, whose counter of others' commits is {@code now}. */
    synchronized Map<String, Long> forPageOn(Connection connection, OptionalLong now) {
        if (now.isEmpty()) {
            forget();
            return new HashMap<>();
        }
        if (connection != writer || now.getAsLong() != counter) {
            ids.clear();
            writer = connection;
            counter = now.getAsLong();
        }
        return ids;
    }

    /** After a page that wrote customers, or a source deleted: nothing known is sure any more. */
    synchronized void forget() {
        ids.clear();
        writer = null;
    }
}
