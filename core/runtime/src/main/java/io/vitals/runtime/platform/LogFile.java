package io.vitals.runtime.platform;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * {@code data/log/vitals.log}, kept to a size: once it has grown past the limit it becomes
 * {@code vitals.log.1} (the older ones move up to {@code .3}; the oldest goes) and writing goes on in
 * a new file. A server and the one-shot commands run beside it append to the same file, so before
 * each line the writer looks whether the file at the path is still the one it has open.
 */
final class LogFile implements Closeable {

    static final long LIMIT = 10L * 1024 * 1024;
    static final int KEPT = 3;

    private final Path path;
    private final long limit;
    private Writer out;
    private Object opened;

    LogFile(Path path, long limit) throws IOException {
        this.path = path;
        this.limit = limit;
        Files.createDirectories(path.getParent());
        if (Files.exists(path) && Files.size(path) >= limit) {
            rotate();
        }
        open();
    }

    synchronized void write(String text) throws IOException {
        BasicFileAttributes now = attributes();
        if (now == null || !Objects.equals(now.fileKey(), opened)) {
            out.close();
            open(); // another process rotated it, or it was removed
        } else if (now.size() >= limit) {
            out.close();
            rotate();
            open();
        }
        out.write(text);
        out.flush();
    }

    private void open() throws IOException {
        out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        BasicFileAttributes a = attributes();
        opened = a == null ? null : a.fileKey();
    }

    private BasicFileAttributes attributes() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    private void rotate() throws IOException {
        for (int i = KEPT - 1; i >= 1; i--) {
            Path older = older(i);
            if (Files.exists(older)) {
                Files.move(older, older(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            Files.move(path, older(1), StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException another) {
            // another process has just rotated it
        }
    }

    Path older(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
