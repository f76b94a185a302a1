package io.vitals.dist;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Programs some tests drive from outside Java, from Debian's packages (.ci/run installs them):
 * Chromium and its driver, and Prometheus' Python client for its text-format parser. Missing on a
 * developer's machine, the test is skipped with a message; under CI (CI=true) it fails instead.
 */
final class Tools {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String PYTHON = "/usr/bin/python3";

    private Tools() {
    }

    static void requireBrowser() {
        require(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "no " + CHROMIUM + " or " + CHROMEDRIVER + ": apt-get install chromium chromium-driver");
    }

    static void requirePrometheusParser() throws Exception {
        boolean there = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser").start().waitFor() == 0;
        require(there, "no Prometheus Python client for " + PYTHON + ": apt-get install python3-prometheus-client");
    }

    private static void require(boolean there, String what) {
        if (there) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(what + " (required under CI)");
        }
        Assumptions.abort("skipped: " + what);
    }
}
