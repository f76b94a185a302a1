package io.vitals.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

import io.vitals.store.SqlDialect;

/** What the store itself needs to know about a database, beyond what KPI SQL needs. */
interface StoreDialect extends SqlDialect {

    /** The table as stored, qualified so that a CTE of the same name does not shadow it. */
    String physical(String table);

    /** The folder of numbered migration scripts, 001.sql, 002.sql, ... */
    String migrations();

    Connection open(String url, boolean readOnly) throws SQLException;

    /** True when two values differ, NULL counting as a value (SQL's IS DISTINCT FROM). */
    String distinct(String a, String b);

    /** The VALUES placeholder of a table's id column: NULL asks the database for a new id. */
    default String idValue(String table) {
        return "?";
    }

    /** Called after rows were written with ids of their own, so ids drawn later do not collide. */
    default void afterExplicitIds(Connection connection, Collection<String> tables) throws SQLException {
    }

    /**
     * True when, inside a write transaction, every id the database assigns is above every id already
     * in the table, so the rows a statement inserted are those above the largest id before it.
     */
    default boolean newIdsAboveExisting() {
        return false;
    }

    /**
     * A boolean SQL expression that, in the RETURNING clause of an upsert, is true for a row the
     * statement inserted and false for one it updated; empty where the database has none.
     */
    default java.util.Optional<String> insertedNotUpdated() {
        return java.util.Optional.empty();
    }

    /**
     * A number that changes exactly when another connection has committed since this one last asked,
     * where the database counts them and one writer at a time holds it (so the count, read under the
     * write lock, stays true until the commit); empty elsewhere.
     */
    default java.util.OptionalLong commitsByOthers(Connection connection) throws SQLException {
        return java.util.OptionalLong.empty();
    }

    /** True when one writer at a time holds the whole database (SQLite), false when writers lock rows. */
    default boolean oneWriterAtATime() {
        return false;
    }

    /** The database's own words from a driver's error message. */
    default String reason(String message) {
        return message;
    }
}
