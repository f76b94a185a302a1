package io.vitals.connector.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.io.ByteOrderMark;
import org.apache.commons.io.input.BOMInputStream;

/** Opens a file as text: a byte-order mark is skipped (and names the encoding); bad bytes are an error, not a guess. */
final class Text {

    private Text() {
    }

    static Reader open(Path file, Charset configured) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            BOMInputStream bom = BOMInputStream.builder().setInputStream(in)
                    .setByteOrderMarks(ByteOrderMark.UTF_8, ByteOrderMark.UTF_16LE, ByteOrderMark.UTF_16BE,
                            ByteOrderMark.UTF_32LE, ByteOrderMark.UTF_32BE)
                    .setInclude(false).get();
            Charset charset = bom.hasBOM() ? Charset.forName(bom.getBOMCharsetName()) : configured;
            return new InputStreamReader(bom, charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
