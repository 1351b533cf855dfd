package io.cmbench.cli.ingest;

import java.nio.file.Path;

/** A place in a measured-timings file that cannot be used: {@code FILE:LINE: field: reason}, the value in the reason. */
public final class BadLineException extends IllegalArgumentException {
    public BadLineException(Path file, long line, String field, String why) {
        super(file + ":" + line + ": " + field + ": " + why);
    }
}
