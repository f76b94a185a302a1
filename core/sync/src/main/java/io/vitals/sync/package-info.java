/**
 * The sync engine's runner, usable without OSGi (tests, the benchmark): runs one source against a
 * {@link io.vitals.store.SyncStore} with page-atomic commits, one currency and a report.
 */
@Version("1.0.0")
@Export
package io.vitals.sync;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
