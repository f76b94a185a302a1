package io.vitals.launcher;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** A full disk, said as such: Vitals stops with the folder and what is free instead of a cause buried in a trace. */
final class DiskSpace {

    private DiskSpace() {
    }

    /** Fails in one line when the folder's file system has less than {@code needed} bytes free. */
    static void require(Path folder, long needed) {
        long free;
        try {
            FileStore store = Files.getFileStore(folder);
            free = store.getUsableSpace();
        } catch (IOException e) {
            return; // cannot tell: the start itself will say
        }
        if (free < needed) {
            throw new IllegalStateException("disk full: " + folder + " has " + mib(free) + " free; Vitals needs at least "
                    + mib(Math.max(needed, 0)) + " free there (for its framework cache and the store); free some space and start again");
        }
    }

    /** The message for a failure to write under {@code folder}: "disk full" when that is what it was. */
    static String describe(Path folder, Throwable e) {
        if (isDiskFull(e)) {
            return "disk full: cannot write in " + folder + "; free some space and start again";
        }
        return "cannot write in " + folder + ": " + e.getMessage();
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded") || m.contains("SQLITE_FULL")
                    || m.contains("database or disk is full"))) {
                return true;
            }
        }
        return false;
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MB";
    }
}
