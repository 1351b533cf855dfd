package io.cmbench.cli;

/**
 * A run refused for its input or its surroundings (a topic prefix in use, leftover records, an unreachable service):
 * one line saying why, exit code 2, nothing written to the topics.
 */
final class RunRefusedException extends RuntimeException {
    RunRefusedException(String message) {
        super(message);
    }

    RunRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
