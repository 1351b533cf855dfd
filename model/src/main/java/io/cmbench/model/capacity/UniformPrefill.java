package io.cmbench.model.capacity;

import io.cmbench.model.RooflineCostModel;
import java.util.Arrays;

/**
 * Prefill batches of identical requests: what the operating points, the prefill sweep and the capacity bracket all
 * ask of the cost model (a batch of n prompts of one length, each with the same cached prefix).
 */
public final class UniformPrefill {
    private UniformPrefill() {}

    /** Prompts of this length that fill one instance's token budget (at least one). */
    public static int fullBatchRequests(RooflineCostModel m, int promptTokens) {
        return Math.max(1, m.layout().prefillTokenBudgetPerInstance() / promptTokens);
    }

    /** One instance's batch of {@code n} prompts of {@code promptTokens}, {@code cachedTokens} of each cached. */
    public static double batchMicros(RooflineCostModel m, int n, int promptTokens, int cachedTokens) {
        int[] prompts = new int[n];
        int[] hits = new int[n];
        Arrays.fill(prompts, promptTokens);
        Arrays.fill(hits, cachedTokens);
        return m.prefill(prompts, hits).batchMicros();
    }

    /** The pool's rate with full batches back to back (the saturated prefill pool), requests per second. */
    public static double saturationRequestsPerSec(RooflineCostModel m, int promptTokens, int cachedTokens) {
        int n = fullBatchRequests(m, promptTokens);
        return m.layout().prefillInstances() * n / (batchMicros(m, n, promptTokens, cachedTokens) / 1e6);
    }
}
