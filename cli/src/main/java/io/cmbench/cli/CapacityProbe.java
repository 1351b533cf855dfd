package io.cmbench.cli;

/**
 * One measured rate of a capacity search: the offered rate (the scenario's share of the probe traffic) and the
 * steady-state figures of its scenario.
 *
 * @param attainment fraction of the steady state's completed requests meeting the SLO (TTFT and TPOT)
 * @param tpotAttainment the fraction meeting its TPOT bound alone: below the target, decode is what fails
 * @param completedPerSec completed requests per simulated second over the steady state
 * @param lateCompletedPerSec the same over its second half (the pools have filled)
 * @param keepsUp whether the late completions keep up with the offered rate (within {@link #keepUpTolerance})
 */
record CapacityProbe(int stage, double requestsPerSec, double attainment, double tpotAttainment, boolean meetsTarget,
                     double completedPerSec, double lateCompletedPerSec, boolean keepsUp, double outputTokensPerSecPerNpu, double goodputTokensPerSecPerNpu,
                     double goodputTokensPerSecPerDecodeNpu, RunSummary.Latency ttft, RunSummary.Latency tpot) {
    /**
     * How far below the offered rate the late completion rate may fall and still count as keeping up: three standard
     * deviations of a Poisson count of {@code completions} (the thinned traffic's own noise), at least 0.5 %.
     */
    static double keepUpTolerance(long completions) {
        return Math.max(0.005, 3 / Math.sqrt(Math.max(1, completions)));
    }
}
