package io.vitals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.vitals.apicheck.ApiBaseline;

/** This bundle's exported packages against their recorded API: a change lands only with the version bump it needs. */
class ApiBaselineTest {

    @Test
    void exportedPackagesChangeOnlyWithTheirVersion() {
        ApiBaseline.check(Path.of("src/main/java"), Path.of("target/classes"), Path.of("src/test/resources/api"));
    }
}
