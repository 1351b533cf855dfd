package io.cmbench.cluster.rest;

/**
 * The latest failure of a Flink job.
 *
 * @param exceptionName the top-level exception class
 * @param rootCause     the innermost "Caused by" line of the stack trace (class: message), or its first line
 * @param taskName      the failed task, when Flink names one
 * @param stackTrace    the whole stack trace as Flink reports it
 */
public record JobFailure(String exceptionName, String rootCause, String taskName, long timestamp, String stackTrace) {

    static JobFailure of(String exceptionName, String stackTrace, String taskName, long timestamp) {
        String deepest = deepestCause(stackTrace);
        String first = stackTrace.lines().findFirst().orElse(exceptionName);
        return new JobFailure(exceptionName, deepest != null ? deepest : first, taskName, timestamp, stackTrace);
    }

    /** The text after the last "Caused by: " of a stack trace, or null when there is none. */
    static String deepestCause(String stackTrace) {
        String found = null;
        for (String line : stackTrace.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("Caused by: ")) {
                found = l.substring("Caused by: ".length());
            }
        }
        return found;
    }
}
