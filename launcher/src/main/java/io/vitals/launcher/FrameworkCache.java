package io.vitals.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The framework's cache folder for one process. Felix cleans its cache when it starts and keeps the
 * bundles it runs there, so two processes on one home (cron runs that overlap, a one-shot command beside
 * {@code serve}) must not share one: the first takes {@code data/cache} under a lock, any other gets
 * {@code data/cache-<pid>}, removed when it stops (and, after a {@code kill -9}, by the next start).
 */
final class FrameworkCache implements AutoCloseable {

    /** Free space below which Vitals does not start: the cache alone takes about 30 MB. */
    static final long MIN_FREE_BYTES = Long.getLong("vitals.minFreeBytes", 64L * 1024 * 1024);

    private final Path folder;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final boolean own;

    private FrameworkCache(Path folder, FileChannel lockFile, FileLock lock, boolean own) {
        this.folder = folder;
        this.lockFile = lockFile;
        this.lock = lock;
        this.own = own;
    }

    Path folder() {
        return folder;
    }

    /** A cache folder in {@code data/} no other running process uses. */
    static FrameworkCache take(Path data) {
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new IllegalStateException(DiskSpace.describe(data, e), e);
        }
        removeAbandoned(data);
        try {
            FileChannel channel = FileChannel.open(data.resolve("cache.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM runs another Vitals on the same home
            }
            if (lock != null) {
                Path cache = data.resolve("cache");
                // Felix cleans the cache it is given before it fills it again: what it holds now counts as free
                requireSpace(data, size(cache), channel);
                return new FrameworkCache(cache, channel, lock, false);
            }
            channel.close();
            requireSpace(data, 0, null);
            return new FrameworkCache(data.resolve("cache-" + ProcessHandle.current().pid() + "-" + System.nanoTime()), null, null, true);
        } catch (IOException e) {
            throw new IllegalStateException(DiskSpace.describe(data, e), e);
        }
    }

    private static void requireSpace(Path data, long reclaimable, FileChannel release) throws IOException {
        try {
            DiskSpace.require(data, MIN_FREE_BYTES - reclaimable);
        } catch (IllegalStateException full) {
            if (release != null) {
                release.close();
            }
            throw full;
        }
    }

    static long size(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Private caches of processes that are gone. */
    private static void removeAbandoned(Path data) {
        try (DirectoryStream<Path> caches = Files.newDirectoryStream(data, "cache-*")) {
            for (Path cache : caches) {
                String[] parts = cache.getFileName().toString().split("-");
                long pid;
                try {
                    pid = Long.parseLong(parts[1]);
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty()) {
                    delete(cache);
                }
            }
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    private static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the next start
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // left for the next start
        }
    }

    @Override
    public void close() {
        if (own) {
            delete(folder);
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException e) {
            // released when the process ends
        }
    }
}
