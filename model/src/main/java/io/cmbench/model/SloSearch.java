package io.cmbench.model;

/**
 * The largest decode batch per NPU whose TPOT meets an SLO, in steady state: with continuous batching at
 * a fixed batch, sequences are at uniformly spread ages, so every die holds KV of mean length
 * {@code prompt + output / 2} per sequence and every step costs the same.
 */
public final class SloSearch {
    private SloSearch() {}

    /**
     * @param batchPerNpu the largest batch meeting the SLO (0 if even batch 1 misses it)
     * @param tpotMicros its TPOT
     * @param tokensPerSecondPerNpu batch / TPOT
     * @param meanKvLength KV length used per sequence
     * @param memoryLimitedBatch the largest batch that fits in HBM (dispatch/combine buffers sized for it)
     * @param exceedsDeploymentCap whether the answer is above the deployment's batch cap
     */
    public record Result(int batchPerNpu, double tpotMicros, double stepMicros, double tokensPerSecondPerNpu,
                         long meanKvLength, int memoryLimitedBatch, boolean exceedsDeploymentCap, boolean microbatch) {}

    /**
     * Searches the batch with the model's decode options and, when those overlap two microbatches, also
     * without the split (an engine may run small batches as one microbatch: the weights are then read once
     * per layer instead of twice); returns the higher throughput.
     */
    public static Result maxBatch(RooflineCostModel c, double sloTpotMillis, int promptTokens, int outputTokens) {
        Result a = maxBatchFixed(c, sloTpotMillis, promptTokens, outputTokens);
        if (!c.decodeOptions().microbatch()) return a;
        var o = c.decodeOptions();
        Result b = maxBatchFixed(c.withDecodeOptions(new RooflineCostModel.DecodeOptions(o.mtp(), o.acceptance(), false)),
                sloTpotMillis, promptTokens, outputTokens);
        return b.tokensPerSecondPerNpu() > a.tokensPerSecondPerNpu() ? b : a;
    }

    /**
     * The largest batch per NPU whose KV (mean length {@code kvTokens}) fits in HBM beside the weights, the reserve and
     * the dispatch/combine buffers sized for that batch (as the paper sized them for its batches of 112 and 128).
     */
    public static int memoryLimitedBatch(RooflineCostModel c, long kvTokens) {
        int dies = c.profile().diesPerNpu();
        // with the deployment's own buffers (sized for its cap) the bound is looser above the cap: an upper limit
        int hi = (int) Math.min(100_000, kvTokens == 0 ? 100_000 : c.layout().kvCacheTokensPerDie() / kvTokens * dies);
        int cap = c.layout().decodeBatchCapPerNpu();
        if (hi <= cap) return hi;
        int lo = cap;   // fits: within the deployment's own sizing
        while (lo < hi) {   // largest b in [cap, hi] that fits with buffers sized for b
            int mid = (int) (((long) lo + hi + 1) / 2);
            if (fits(c, mid, kvTokens)) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private static boolean fits(RooflineCostModel c, int batchPerNpu, long kvTokens) {
        try {
            RooflineCostModel sized = c.withBatchCap(batchPerNpu);
            int dies = c.profile().diesPerNpu();
            long perDie = (long) ((batchPerNpu + dies - 1) / dies) * kvTokens;
            return perDie <= sized.layout().kvCacheTokensPerDie();
        } catch (io.cmbench.model.spec.SpecException e) {
            return false;   // the buffers alone no longer fit
        }
    }

    /** The search with the model's decode options as they are. */
    public static Result maxBatchFixed(RooflineCostModel c, double sloTpotMillis, int promptTokens, int outputTokens) {
        long kv = promptTokens + outputTokens / 2;
        int memLimit = memoryLimitedBatch(c, kv);
        int best = 0;
        DecodeResult bestR = null;
        // TPOT is monotone in the batch in this model except for odd/even splits over dies: scan all.
        for (int b = 1; b <= memLimit; b++) {
            DecodeResult r = c.decodeUniform(b, kv);
            if (r.tpotMicros() <= sloTpotMillis * 1e3) {
                best = b;
                bestR = r;
            } else if (r.tpotMicros() > 2 * sloTpotMillis * 1e3) {
                break;
            }
        }
        if (bestR == null) return new Result(0, Double.NaN, Double.NaN, 0, kv, memLimit, false, c.decodeOptions().microbatch());
        return new Result(best, bestR.tpotMicros(), bestR.stepMicros(), best / (bestR.tpotMicros() / 1e6), kv, memLimit,
                best > c.layout().decodeBatchCapPerNpu(), c.decodeOptions().microbatch());
    }
}
