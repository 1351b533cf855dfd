package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.StableHash;
import java.util.SplittableRandom;

/**
 * Number of decode steps a request needs, drawn once at admission. Each step emits one token plus the
 * speculative (MTP) tokens accepted in a row: token i+1 of m is tried only when token i was accepted, each with
 * probability {@code acceptance}. The generator is seeded with seed XOR hash(scenario, requestId), so the draw
 * does not depend on processing order or parallelism.
 */
public final class MtpDraw {
    private MtpDraw() {}

    public static long steps(long seed, String scenario, String requestId, int tokens, int speculative, double acceptance) {
        if (tokens <= 0) {
            return 0;
        }
        if (speculative <= 0 || acceptance <= 0) {
            return tokens;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ StableHash.of(scenario, requestId));
        long steps = 0;
        long emitted = 0;
        while (emitted < tokens) {
            int e = 1;
            for (int i = 0; i < speculative && rng.nextDouble() < acceptance; i++) {
                e++;
            }
            emitted += e;
            steps++;
        }
        return steps;
    }
}
