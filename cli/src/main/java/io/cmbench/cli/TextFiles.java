package io.cmbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Input files are UTF-8 text: a binary or mis-encoded file is refused naming the file and the first bad line, instead
 * of a {@code MalformedInputException} with neither from deep inside a parser.
 */
final class TextFiles {
    private TextFiles() {}

    /** Null if {@code file} is readable UTF-8 text without NUL bytes; otherwise {@code FILE:LINE: why}. */
    static String whyNotText(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return file + ": cannot read (" + e.getMessage() + ")";
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (!decodes(bytes, start, i - start)) {
                    return file + ":" + line + ": not UTF-8 text (binary file?)";
                }
                line++;
                start = i + 1;
            } else if (bytes[i] == 0) {
                return file + ":" + line + ": not text (a NUL byte: binary file?)";
            }
        }
        return null;
    }

    private static boolean decodes(byte[] bytes, int offset, int length) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer unused = d.decode(ByteBuffer.wrap(bytes, offset, length));
            return unused != null;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
