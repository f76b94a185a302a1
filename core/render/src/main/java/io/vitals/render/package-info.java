/**
 * The machine-readable forms of KPI answers (JSON and CSV) and the defaults of a question, shared
 * by the shell and the HTTP API so both give the same answer to the same question.
 */
@Version("1.0.0")
@Export
package io.vitals.render;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
