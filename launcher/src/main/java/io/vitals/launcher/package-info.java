/**
 * Starting and stopping the Vitals runtime from plain Java: {@link io.vitals.launcher.VitalsRuntime}
 * starts Felix with the platform bundles of a home folder, hands the host the KPI registry, runs
 * shell commands without a console, and stops cleanly. {@code bin/vitals} is built on it.
 */
@Version("1.0.0")
@Export
package io.vitals.launcher;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
