package io.cmbench.jobs.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.serde.StableHash;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The inlined draw is SplittableRandom's stream and its {@code nextDouble() < acceptance}, draw for draw. */
class MtpDrawStreamTest {

    /** The draw as it was written first, on java.util.SplittableRandom: the reference. */
    static long reference(long seed, String scenario, String requestId, int tokens, int speculative, double acceptance) {
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

    @Test
    void drawsTheSameStepsAsSplittableRandom() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] acceptances = {0.7, 0.9, 0.5, 1.0, 1e-9, 0.999999999, Math.nextDown(1.0), 0.3};
        for (int i = 0; i < 20_000; i++) {
            long seed = rnd.nextLong();
            String id = "r-" + rnd.nextInt(1_000_000);
            int tokens = rnd.nextInt(600);
            int speculative = rnd.nextInt(4);
            double a = i < acceptances.length * 100 ? acceptances[i % acceptances.length] : rnd.nextDouble();
            assertThat(MtpDraw.steps(seed, "s" + (i % 3), id, tokens, speculative, a))
                    .as("seed %d id %s tokens %d speculative %d acceptance %s", seed, id, tokens, speculative, a)
                    .isEqualTo(reference(seed, "s" + (i % 3), id, tokens, speculative, a));
        }
    }

    @Test
    void theIntegerComparisonIsNextDoublesAtTheEdges() {
        // x = the 53-bit value nextDouble scales: a try succeeds iff x * 2^-53 < a
        double[] edges = {0.5, Math.nextUp(0.5), Math.nextDown(0.5), 0x1.0p-53, 3 * 0x1.0p-53, Math.nextDown(1.0), 1.0, 2.0,
                Double.NaN, Double.MIN_VALUE};
        for (double a : edges) {
            long below = MtpDraw.acceptBelow(a);
            for (long x : new long[] {0, 1, 2, 3, (1L << 52) - 1, 1L << 52, (1L << 52) + 1, (1L << 53) - 1}) {
                assertThat(x < below).as("x %d acceptance %s", x, a).isEqualTo(x * 0x1.0p-53 < a);
            }
        }
    }
}
