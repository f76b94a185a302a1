package io.vitals.testdb;

import java.nio.file.Path;

/**
 * Which database the tests of this JVM run against: SQLite by default, PostgreSQL when the system
 * property {@code vitals.test.store} is {@code postgresql} (the build runs the KPI and store tests
 * once with each).
 */
public final class TestStores {

    public static final String PROPERTY = "vitals.test.store";

    private TestStores() {
    }

    public static boolean postgresql() {
        return "postgresql".equalsIgnoreCase(System.getProperty(PROPERTY, "sqlite").trim());
    }

    /** A JDBC URL of a new, empty store: a SQLite file named {@code name} in the folder, or a new PostgreSQL schema. */
    public static String url(Path folder, String name) {
        return postgresql() ? TestPostgres.newSchema() : "jdbc:sqlite:" + folder.resolve(name + ".db").toAbsolutePath();
    }

    /** Done with the store at this URL (closed): a PostgreSQL schema is emptied and reused. */
    public static void release(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            TestPostgres.release(url);
        }
    }
}
