package io.vitals.connector.usage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n}, keeping the byte offset after each line, without
 * loading more than a buffer of the file. A line is handed out in a buffer the reader reuses: use
 * it before asking for the next. The bytes after the last newline are handed out as an
 * unterminated line, which the caller may leave for later (a collector still writing it).
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long offset;
    private byte[] line = new byte[4096];
    private int length;
    private boolean terminated;

    /** @param start the offset of the stream's first byte in the file (uncompressed, for gzip) */
    LineReader(InputStream in, long start) {
        this.in = in;
        this.offset = start;
    }

    /** Moves to the next line. @return false at the end of the stream */
    boolean next() throws IOException {
        length = 0;
        while (true) {
            if (pos == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    terminated = false;
                    return length > 0;
                }
                pos = 0;
                limit = n;
            }
            int i = pos;
            while (i < limit && buffer[i] != '\n') {
                i++;
            }
            append(pos, i - pos);
            offset += i - pos;
            if (i < limit) {
                offset++; // the newline
                pos = i + 1;
                terminated = true;
                return true;
            }
            pos = limit;
        }
    }

    private void append(int from, int n) {
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(buffer, from, line, length, n);
        length += n;
    }

    /** The current line's bytes, valid up to {@link #length()}, without its newline. */
    byte[] bytes() {
        return line;
    }

    /** The current line's length, without a trailing carriage return. */
    int length() {
        return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    }

    /** True when the current line ended with a newline; false for bytes after the last one. */
    boolean terminated() {
        return terminated;
    }

    /** The offset just after the current line (and its newline). */
    long end() {
        return offset;
    }

    /** The offset where the current line starts. */
    long start() {
        return offset - length - (terminated ? 1 : 0);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
