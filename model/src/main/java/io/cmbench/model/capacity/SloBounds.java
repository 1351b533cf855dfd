package io.cmbench.model.capacity;

/**
 * A capacity question's service-level objective: every request's TTFT and TPOT bounds (both required: a capacity
 * without a TTFT bound is unbounded queueing, without a TPOT bound unbounded batching) and the fraction of requests
 * that must meet both.
 */
public record SloBounds(double ttftBoundMicros, double tpotBoundMicros, double attainment) {
    public SloBounds {
        if (!(ttftBoundMicros > 0) || !(tpotBoundMicros > 0)) {
            throw new IllegalArgumentException("both a TTFT and a TPOT bound are needed, got ttft " + ttftBoundMicros
                    + " us, tpot " + tpotBoundMicros + " us");
        }
        if (!(attainment > 0 && attainment <= 1)) {
            throw new IllegalArgumentException("attainment must be in (0, 1], got " + attainment);
        }
    }
}
