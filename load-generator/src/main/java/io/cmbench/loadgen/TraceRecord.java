package io.cmbench.loadgen;

/**
 * One request read from a trace.
 *
 * @param line 1-based line in the trace file
 * @param arrivalMicros arrival time relative to the trace's first record, time scale applied
 * @param hashIds prefix-block ids (empty when the format has none)
 */
public record TraceRecord(int line, long arrivalMicros, int promptTokens, int outputTokens, long[] hashIds) {}
