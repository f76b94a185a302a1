package io.vitals.connector.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What tells a file from its replacement: its size, its modification time and a hash of its
 * first 64 KiB. A file whose fingerprint changed is read again from its first row.
 */
record Fingerprint(long size, long modified, String head) {

    static final int HEAD_BYTES = 64 * 1024;

    static Fingerprint of(Path file) throws IOException {
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[8192];
        int left = HEAD_BYTES;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (left > 0 && (n = in.read(buffer, 0, Math.min(buffer.length, left))) > 0) {
                sha.update(buffer, 0, n);
                left -= n;
            }
        }
        return new Fingerprint(size, modified, HexFormat.of().formatHex(sha.digest(), 0, 16));
    }
}
