/**
 * The connector API. A connector bundle registers one {@link io.vitals.connector.Source} per
 * configured source; the sync engine runs it with a {@link io.vitals.connector.SyncContext} that
 * commits each {@link io.vitals.connector.SourcePage} atomically (records by upsert on source and
 * external id, rejected rows with their reason, and the cursor after the page), so a sync stopped
 * anywhere resumes without losing or doubling anything.
 */
@Version("1.5.0")
@Export
package io.vitals.connector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
