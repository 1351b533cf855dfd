package io.cmbench.loadgen;

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
public final class TextFiles {
    private TextFiles() {}

    /** Why a file is not text: the 1-based line (0 when it cannot be read at all) and the reason. */
    public record Problem(int line, String why) {}

    /** Null if {@code file} is readable UTF-8 text without NUL bytes; otherwise {@code FILE:LINE: why}. */
    public static String whyNotText(Path file) {
        Problem p = problem(file);
        return p == null ? null : file + (p.line() > 0 ? ":" + p.line() : "") + ": " + p.why();
    }

    /** Null if {@code file} is readable UTF-8 text without NUL bytes; otherwise where and why not. */
    public static Problem problem(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return new Problem(0, "cannot read (" + e.getMessage() + ")");
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (!decodes(bytes, start, i - start)) {
                    return new Problem(line, "not UTF-8 text (binary file?)");
                }
                line++;
                start = i + 1;
            } else if (bytes[i] == 0) {
                return new Problem(line, "not text (a NUL byte: binary file?)");
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
