package io.cmbench.cli.ingest;

/**
 * One request as a serving benchmark measured it, on the file's own clock (not yet rebased): when it arrived,
 * when its first and its last output token reached the client.
 */
public record MeasuredRequest(String requestId, long arrivalMicros, long firstTokenMicros, long lastTokenMicros,
                              int promptTokens, int outputTokens) {}
