/**
 * Rows of named text fields (a CSV line, a JSON object flattened with dot paths, a database row)
 * mapped to canonical records as a source's configuration says: which entity the rows are
 * ({@code entity}), which column gives each field ({@code map.<field>}), constants for absent
 * values ({@code default.<field>}), value translations ({@code value.<field>.<raw>}), and how
 * dates and amounts are written ({@code dateFormat}, {@code timezone}, {@code amountsIn}).
 * {@link io.vitals.connector.tabular.TabularMapping} reads the configuration,
 * {@link io.vitals.connector.tabular.RowMapper} maps one row to a record or to the reason it
 * cannot.
 */
@Version("1.0.0")
@Export
package io.vitals.connector.tabular;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
