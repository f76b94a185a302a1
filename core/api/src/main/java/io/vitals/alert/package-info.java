/**
 * Alerts: what Vitals raised when a KPI crossed its target's thresholds (or a customer fell into
 * a KPI's at-risk subset), where each alert was delivered, and whether someone acknowledged it.
 * The {@link io.vitals.alert.AlertBook} service is how the shell (and any other front end) reads
 * and acknowledges them.
 */
@Version("1.0.0")
@Export
package io.vitals.alert;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
