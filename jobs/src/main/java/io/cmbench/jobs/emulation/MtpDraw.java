package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.StableHash;

/**
 * Number of decode steps a request needs, drawn once at admission. Each step emits one token plus the
 * speculative (MTP) tokens accepted in a row: token i+1 of m is tried only when token i was accepted, each with
 * probability {@code acceptance}. The generator is seeded with seed XOR hash(scenario, requestId), so the draw
 * does not depend on processing order or parallelism.
 *
 * <p>The stream is {@link java.util.SplittableRandom}'s (SplitMix64 with its golden gamma) and each try is its
 * {@code nextDouble() < acceptance}, computed inline on a long and compared as an integer: a request draws ~150
 * times, once per step, and this runs for every admission.
 */
public final class MtpDraw {
    /** SplittableRandom's increment for a generator made with {@code new SplittableRandom(seed)}. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private MtpDraw() {}

    public static long steps(long seed, String scenario, String requestId, int tokens, int speculative, double acceptance) {
        if (tokens <= 0) {
            return 0;
        }
        if (speculative <= 0 || acceptance <= 0) {
            return tokens;
        }
        long state = seed ^ StableHash.of(scenario, requestId);
        long accept = acceptBelow(acceptance);
        long steps = 0;
        long emitted = 0;
        if (speculative == 1) {
            // DeepSeek's one MTP token: a step emits 1 + (its one try accepted), added without a branch — the try's
            // outcome is a coin toss the CPU cannot predict, and a mispredicted branch per step was most of the draw
            while (emitted < tokens) {
                state += GOLDEN_GAMMA;
                emitted += 1 + (((StableHash.mix(state) >>> 11) - accept) >>> 63); // both in [0, 2^63): sign = x < accept
                steps++;
            }
            return steps;
        }
        while (emitted < tokens) {
            int e = 1;
            for (int i = 0; i < speculative; i++) {
                state += GOLDEN_GAMMA;
                if ((StableHash.mix(state) >>> 11) >= accept) {
                    break;
                }
                e++;
            }
            emitted += e;
            steps++;
        }
        return steps;
    }

    /**
     * The integer form of {@code nextDouble() < acceptance}: nextDouble is {@code (x >>> 11) * 2^-53}, so the try
     * succeeds exactly when {@code (x >>> 11) < ceil(acceptance * 2^53)} (multiplying by 2^53 is exact; a NaN
     * acceptance accepts nothing, as the comparison does).
     */
    static long acceptBelow(double acceptance) {
        double scaled = Math.ceil(acceptance * 0x1.0p53);
        return scaled >= 0x1.0p62 ? Long.MAX_VALUE : (long) scaled;
    }
}
