package io.cmbench.model;

/** A batch that does not fit in a die's HBM (weights + KV + buffers): reported, never silently computed. */
public final class InsufficientMemoryException extends IllegalArgumentException {
    public InsufficientMemoryException(String message) {
        super(message);
    }
}
