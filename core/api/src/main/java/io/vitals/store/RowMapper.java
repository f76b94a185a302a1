package io.vitals.store;

@FunctionalInterface
public interface RowMapper<T> {
    T map(Row row);
}
