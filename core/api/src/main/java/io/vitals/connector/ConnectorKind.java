package io.vitals.connector;

/**
 * A kind of source a connector bundle offers: the factory configuration {@code vitals.source.<kind>}
 * its bundle declares in its metatype, with that declaration's name and description.
 */
public record ConnectorKind(String kind, String name, String description, String bundle) {
}
