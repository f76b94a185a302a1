package io.vitals.connector.file;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** Reads one file row by row. */
interface RowReader extends Closeable {

    /**
     * One row: its position (rows consumed so far, for the cursor), its stable id
     * ({@code tickets.csv:7}), its fields by column, the text it came from (with its place in the
     * file), and a reason when the row itself is malformed (then {@code fields} is empty).
     */
    record Row(long position, String id, Map<String, String> fields, String raw, String problem) {
    }

    /** The rest of a file cannot be read (bad syntax, bad encoding, no header): its rows go to the rejects as one. */
    final class BadFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadFile(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @return the next row, or null at the end of the file
     * @throws BadFile when the rest of the file cannot be read
     * @throws IOException when reading the file fails (the sync fails, to be resumed)
     */
    Row next() throws IOException, BadFile;

    /** Skips what an earlier sync read: the next row is the one after {@code position}. */
    void skipTo(long position) throws IOException, BadFile;
}
