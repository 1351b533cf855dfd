package io.cmbench.report;

import java.io.IOException;

/**
 * A run directory the report cannot be built from: not a run directory, or a file in it that does not parse. The
 * message names the file (and the line, where there is one); the launcher reports it as bad input (exit 2).
 */
public final class ReportInputException extends IOException {
    ReportInputException(String message) {
        super(message);
    }

    ReportInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
