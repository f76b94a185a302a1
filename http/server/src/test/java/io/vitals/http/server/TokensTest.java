package io.vitals.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path folder;

    @Test
    void aTokenIsAcceptedByItsHashAndTheFileIsReadAgainWhenItChanges() throws Exception {
        Path file = folder.resolve("tokens");
        Tokens tokens = new Tokens(file);
        assertNull(tokens.check("abc"));
        assertTrue(tokens.problem().startsWith("no tokens file"), tokens.problem());
        // the SHA-256 of "abc", as sha256sum prints it
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.hash("abc"));
        Files.writeString(file, "# comment\n\ngrafana = sha256:" + Tokens.hash("abc").toUpperCase() + "\n");
        assertEquals("grafana", tokens.check("abc"));
        assertEquals("grafana", tokens.check(" abc "));
        assertNull(tokens.check("abd"));
        assertNull(tokens.check(""));
        assertNull(tokens.check(null));

        Files.writeString(file, "grafana = abc\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertNull(tokens.check("abc"), "a plain token in the file is refused, not taken as a hash");
        assertTrue(tokens.problem().contains(": line 1 ignored: expected 'name = sha256:"), tokens.problem());
    }

    @Test
    void aMalformedLineIsReportedAndTheOtherTokensStillWork() throws Exception {
        Path file = folder.resolve("tokens");
        java.util.List<String> warnings = new java.util.ArrayList<>();
        Files.writeString(file, "grafana = sha256:" + Tokens.hash("abc") + "\nbroken line\nci = sha256:" + Tokens.hash("xyz")
                + "\nshort = sha256:abc\n");
        Tokens tokens = new Tokens(file, warnings::add);
        assertEquals("grafana", tokens.check("abc"));
        assertEquals("ci", tokens.check("xyz"));
        assertNull(tokens.check("broken line"));
        assertEquals(1, warnings.size(), "read once, warned once: " + warnings);
        assertTrue(warnings.get(0).endsWith("tokens: lines 2, 4 ignored: expected 'name = sha256:<64 hex digits>', the SHA-256 of the token"),
                warnings.get(0));
    }

    @Test
    void loopbackMeansThisMachineOnly() {
        assertTrue(VitalsContext.loopback("127.0.0.1"));
        assertTrue(VitalsContext.loopback("::1"));
        assertTrue(VitalsContext.loopback("localhost"));
        assertFalse(VitalsContext.loopback("0.0.0.0"));
    }
}
