package io.vitals.runtime.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log keeps to its size and its three older files, also when two processes write it. */
class LogFileTest {

    @TempDir
    Path folder;

    static String line(int n) {
        return String.format("line %03d .......................\n", n); // 32 bytes
    }

    @Test
    void pastTheLimitTheFileMovesUpAndANewOneIsBegun() throws Exception {
        Path log = folder.resolve("log/vitals.log");
        try (LogFile file = new LogFile(log, 100)) {
            for (int i = 1; i <= 20; i++) {
                file.write(line(i));
            }
        }
        // four lines fill a file (128 bytes >= 100): 1-4, 5-8, 9-12, 13-16 and 17-20 in the current one
        assertEquals(line(17) + line(18) + line(19) + line(20), Files.readString(log));
        assertEquals(line(13) + line(14) + line(15) + line(16), Files.readString(folder.resolve("log/vitals.log.1")));
        assertEquals(line(9) + line(10) + line(11) + line(12), Files.readString(folder.resolve("log/vitals.log.2")));
        assertEquals(line(5) + line(6) + line(7) + line(8), Files.readString(folder.resolve("log/vitals.log.3")));
        assertFalse(Files.exists(folder.resolve("log/vitals.log.4")), "only three older files are kept");
    }

    @Test
    void aFileAlreadyPastTheLimitIsMovedUpAtOpening() throws Exception {
        Path log = folder.resolve("vitals.log");
        Files.writeString(log, "x".repeat(150));
        try (LogFile file = new LogFile(log, 100)) {
            file.write(line(1));
        }
        assertEquals(line(1), Files.readString(log));
        assertEquals(150, Files.size(folder.resolve("vitals.log.1")));
    }

    @Test
    void aWriterWhoseFileAnotherProcessMovedUpGoesOnInTheNewOne() throws Exception {
        Path log = folder.resolve("vitals.log");
        try (LogFile server = new LogFile(log, 100); LogFile command = new LogFile(log, 100)) {
            server.write(line(1));
            command.write(line(2));
            server.write(line(3));
            command.write(line(4)); // 128 bytes
            command.write(line(5)); // the command moves it up and begins a new file
            server.write(line(6)); // the server sees that its file is not the one at the path any more
        }
        assertEquals(line(1) + line(2) + line(3) + line(4), Files.readString(folder.resolve("vitals.log.1")));
        assertEquals(line(5) + line(6), Files.readString(log));
        assertTrue(Files.notExists(folder.resolve("vitals.log.2")));
    }
}
