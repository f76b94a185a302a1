/** Serving under Vitals' HTTP server: the servlet context to select. */
@Version("1.1.0")
@Export
package io.vitals.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
