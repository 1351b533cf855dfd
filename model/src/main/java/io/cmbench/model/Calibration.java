package io.cmbench.model;

import java.io.Serializable;

/**
 * The calibration layer of the cost model: three declared decode parameters and one prefill parameter added to the
 * physics, fitted by {@code cmbench model calibrate} on the calibration rows of the published measurements (never set
 * by hand). {@link #PHYSICS} is the identity: the physics-only model. docs/MODEL.md, "The calibration layer", gives
 * the reading of each parameter and why the form is what it is.
 *
 * <ul>
 *   <li>{@code epLatencyScale}: the fixed latency (alpha) of expert-parallel dispatch and combine, relative to the alpha
 *       the isolated 128-tokens-per-rank benchmark implies (decode and prefill);</li>
 *   <li>{@code syncWaitMicros}, {@code syncHalfTokensPerDie}: the wait for the slowest die that closes every MoE layer,
 *       {@code W x^2 / (1 + x^2)} with {@code x = t / t_half} for t query tokens per die in the step. While every die
 *       only streams the same weights (few tokens per die) the dies finish together; once a die's work depends on
 *       its own tokens and its experts' load the slowest die sets the layer, and the wait saturates at W;</li>
 *   <li>{@code prefillComputeMicrosPerToken}: compute-stream time per computed prompt token per die per layer that the
 *       operator benchmarks do not carry.</li>
 * </ul>
 *
 * @param variant {@code physics} or {@code calibrated}
 * @param source where the values came from (a calibration file, "fit", or why there is none)
 */
public record Calibration(String variant, String source, double epLatencyScale, double syncWaitMicros,
                          double syncHalfTokensPerDie, double prefillComputeMicrosPerToken) implements Serializable {

    public static final String PHYSICS_NAME = "physics";
    public static final String CALIBRATED_NAME = "calibrated";

    /**
     * Exponent of the wait's onset, a declared part of the form (not fitted): the smallest integer with which the form
     * passes through the three decode calibration rows (with 1, a plain saturation, the fit leaves +3.5 / -3.4 / +0.6 %).
     */
    public static final int SYNC_ONSET_EXPONENT = 2;

    /** The identity: nothing added to the physics. */
    public static final Calibration PHYSICS = new Calibration(PHYSICS_NAME, "none", 1, 0, 1, 0);

    public Calibration {
        if (!(epLatencyScale >= 0) || !Double.isFinite(epLatencyScale)) throw new IllegalArgumentException("epLatencyScale must be >= 0, got " + epLatencyScale);
        if (!(syncHalfTokensPerDie > 0) || !Double.isFinite(syncHalfTokensPerDie)) throw new IllegalArgumentException("syncHalfTokensPerDie must be > 0, got " + syncHalfTokensPerDie);
        if (!(syncWaitMicros >= 0) || !Double.isFinite(syncWaitMicros)) throw new IllegalArgumentException("syncWaitMicros must be >= 0, got " + syncWaitMicros);
        if (!Double.isFinite(prefillComputeMicrosPerToken)) throw new IllegalArgumentException("prefillComputeMicrosPerToken must be finite, got " + prefillComputeMicrosPerToken);
    }

    /** Whether this layer changes nothing (the physics variant, or a profile without calibration). */
    public boolean isIdentity() {
        return epLatencyScale == 1 && syncWaitMicros == 0 && prefillComputeMicrosPerToken == 0;
    }

    /** The wait for the slowest die closing one MoE layer, seconds, for {@code tokensPerDie} query tokens per die. */
    public double syncWaitSeconds(double tokensPerDie) {
        if (tokensPerDie <= 0 || syncWaitMicros == 0) return 0;
        double x = tokensPerDie / syncHalfTokensPerDie;
        double xn = x * x;   // SYNC_ONSET_EXPONENT
        return syncWaitMicros * 1e-6 * xn / (1 + xn);
    }

    public Calibration withDecode(double latencyScale, double waitMicros, double halfTokensPerDie) {
        return new Calibration(variant, source, latencyScale, waitMicros, halfTokensPerDie, prefillComputeMicrosPerToken);
    }

    public Calibration withPrefill(double computeMicrosPerToken) {
        return new Calibration(variant, source, epLatencyScale, syncWaitMicros, syncHalfTokensPerDie, computeMicrosPerToken);
    }

    public Calibration withSource(String s) {
        return new Calibration(variant, s, epLatencyScale, syncWaitMicros, syncHalfTokensPerDie, prefillComputeMicrosPerToken);
    }
}
