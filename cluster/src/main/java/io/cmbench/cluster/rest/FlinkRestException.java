package io.cmbench.cluster.rest;

/** A Flink REST call failed: unreachable cluster, an error answer, or a timeout; the message says which. */
public class FlinkRestException extends RuntimeException {
    private final int status;

    public FlinkRestException(String message) {
        this(message, -1, null);
    }

    public FlinkRestException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the error answer, or -1 when there was none (connection failure, timeout). */
    public int status() {
        return status;
    }
}
