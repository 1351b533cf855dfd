package io.cmbench.model;

/**
 * One die's attention stream at one core share, bit for bit {@link DecodeOperators#attn}, with the work that does not
 * depend on the die's KV done once per model instead of on every die of every engine step (the decode step prices
 * each of 320 dies per step, and its divisions dominated the call).
 *
 * <ul>
 *   <li>The prolog, the output projection and the vector kernels depend only on the number of sequences: tabled up to
 *       the deployment's batch cap per NPU (computed on the spot above it).</li>
 *   <li>The attention core is the larger of a compute time and a KV-read time, both proportional to the KV. Their
 *       slopes are fixed, so which one wins is fixed too whenever the slopes differ by more than rounding can bridge
 *       (rounding moves each by under 1e-15 relative; the margin taken is 1e-9): then only the winner is computed, the
 *       same expression as in {@link Roofline#roof}. Otherwise both are, as there.</li>
 * </ul>
 * The sum keeps {@code attn}'s order ((prolog + core) + out) + vector, so every result is the same double.
 */
final class AttentionStream {
    private static final double DECIDED_MARGIN = 1e-9;

    private final DecodeOperators operators;
    private final double frac;
    private final int q;
    /** By sequences n (n q query tokens): prolog, output projection, vector kernels, seconds. */
    private final double[] prolog, out, vector;
    private final double coreFlopsPerKvToken, coreOpsPerSecond, kvBytesPerToken, hbmBytesPerSecond;
    private final boolean computeBound, memoryBound;
    /** A die without sequences in this microbatch ({@code attn} of no tokens). */
    private final double idle;

    /**
     * @param maxTabledSequences the most sequences a die is expected to hold in one microbatch (larger ones still work)
     * @param q tokens per sequence per step (1 + speculative)
     */
    AttentionStream(DecodeOperators operators, double frac, int q, int maxTabledSequences) {
        this.operators = operators;
        this.frac = frac;
        this.q = q;
        int size = Math.max(0, maxTabledSequences) + 1;
        prolog = new double[size];
        out = new double[size];
        vector = new double[size];
        for (int n = 0; n < size; n++) {
            double t = (double) n * q;
            prolog[n] = operators.prolog(t, frac);
            out[n] = operators.out(t, frac);
            vector[n] = t * operators.vAttnSecPerToken;
        }
        idle = operators.attn(0, 0, frac);
        coreFlopsPerKvToken = operators.coreFlopsPerKvToken();
        coreOpsPerSecond = operators.coreOpsPerSecond(frac);
        kvBytesPerToken = operators.coreKvBytesPerToken();
        hbmBytesPerSecond = operators.hbmBytesPerSecond();
        double computeSlope = coreFlopsPerKvToken / coreOpsPerSecond, memorySlope = kvBytesPerToken / hbmBytesPerSecond;
        computeBound = computeSlope > memorySlope * (1 + DECIDED_MARGIN);
        memoryBound = memorySlope > computeSlope * (1 + DECIDED_MARGIN);
    }

    /** Seconds of the attention stream of {@code sequences} sequences holding {@code kvSum} KV tokens. */
    double seconds(int sequences, double kvSum) {
        if (sequences >= prolog.length) {
            return operators.attn((double) sequences * q, kvSum, frac);
        }
        if (sequences == 0) {
            return idle;
        }
        return prolog[sequences] + core(kvSum) + out[sequences] + vector[sequences];
    }

    /** {@link DecodeOperators#core} for a positive number of query tokens. */
    private double core(double kvSum) {
        if (computeBound) return coreFlopsPerKvToken * kvSum / coreOpsPerSecond;
        if (memoryBound) return kvSum * kvBytesPerToken / hbmBytesPerSecond;
        return Roofline.roof(coreFlopsPerKvToken * kvSum, coreOpsPerSecond, kvSum * kvBytesPerToken, hbmBytesPerSecond);
    }
}
