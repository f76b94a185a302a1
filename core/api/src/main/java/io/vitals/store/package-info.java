/**
 * The store as KPIs and data sources see it: read-only SQL over the canonical model for KPIs
 * ({@link io.vitals.store.MetricStore}), and batched writes for sources ({@link io.vitals.store.DataWriter}).
 * Which database sits behind it is the store's business.
 */
@Version("1.6.0")
@Export
package io.vitals.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
