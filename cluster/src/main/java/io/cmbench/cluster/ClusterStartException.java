package io.cmbench.cluster;

/** The local cluster could not be started; the message says why (and holds the relevant log tail). */
public final class ClusterStartException extends RuntimeException {
    public ClusterStartException(String message) {
        super(message);
    }

    public ClusterStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
