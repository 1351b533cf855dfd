package io.cmbench.model;

import org.apache.commons.math3.special.Erf;

/**
 * Routed (token, expert) pairs on the busiest expert-parallel die of one layer pass: the die that sets the MoE stream
 * (its expert GEMMs and the bytes it receives and sends back).
 *
 * <p>Stochastic routing: each token's top-k experts are a draw, so a die's load is a sum of binomial counts. Expected
 * popularity is taken uniform over the routed experts (no measured per-expert popularity is used), and the redundant
 * slots are placed by an EPLB-like rule: with several slots per die they are packed so that every die carries the same
 * expected load; with one slot per die (EP320 decode) a replicated expert's copies share its load, so the busiest dies
 * are those holding an expert with a single copy. The busiest die's expected load is then
 * {@code mean + z(n) * sqrt(mean * (1 - k / E))}, with {@code z(n)} Blom's approximation of the expected maximum of n
 * standard normals over the n dies that share the highest expected load. Balanced routing (perfect expert load balance, as
 * the paper's headline prefill and Huawei's recipes force it) gives every routed die exactly the mean.
 */
final class ExpertLoad {
    private final double hotShare;      // expected pairs per token on a die of the highest expected load
    private final double z;             // expected maximum of n standard normals; 0 when balanced
    private final double oneMinusP;     // 1 - k / E: the binomial variance factor of one expert's count
    private final double meanShare;     // expected pairs per token on a routed die, over all routed dies

    /**
     * @param slotsPerDie routed expert slots per routed die
     * @param routedDies dies that hold routed experts
     */
    ExpertLoad(int routedExperts, int topK, int redundantExperts, int slotsPerDie, int routedDies, boolean stochastic) {
        meanShare = (double) topK / routedDies;
        oneMinusP = 1 - (double) topK / routedExperts;
        if (!stochastic) {
            hotShare = meanShare;
            z = 0;
        } else if (slotsPerDie > 1) {
            hotShare = meanShare;
            z = expectedMaxOfNormals(routedDies);
        } else {
            int single = Math.max(0, routedExperts - redundantExperts);
            if (single > 0) {
                hotShare = (double) topK / routedExperts;
                z = expectedMaxOfNormals(single);
            } else {
                int minCopies = 1 + redundantExperts / routedExperts;
                hotShare = (double) topK / routedExperts / minCopies;
                z = expectedMaxOfNormals(routedDies);
            }
        }
    }

    /** Expected pairs on the busiest die for {@code tokens} tokens routed by the whole instance in the pass. */
    double busiestDiePairs(double tokens) {
        if (tokens <= 0) return 0;
        double mean = hotShare * tokens;
        return z == 0 ? mean : mean + z * Math.sqrt(mean * oneMinusP);
    }

    /** Expected pairs on an average routed die. */
    double meanDiePairs(double tokens) {
        return meanShare * tokens;
    }

    /** Blom's approximation of the expected maximum of n iid standard normals: Phi^-1((n - 0.375) / (n + 0.25)). */
    static double expectedMaxOfNormals(int n) {
        if (n <= 1) return 0;
        double p = (n - 0.375) / (n + 0.25);
        return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }
}
