/** The running platform's own state: whether it has settled after a start or a deploy, and what failed. */
@Version("1.2.0")
@Export
package io.vitals.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
