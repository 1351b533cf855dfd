package io.cmbench.model;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttentionStream} is {@link DecodeOperators#attn} to the bit, on both sides of the attention core's roofline:
 * the paper's profile (the core compute-bound, which is all the shipped deployments reach) and the same profile with a
 * twentieth of its HBM bandwidth (the core memory-bound), inside and beyond the tabled batch sizes.
 */
class AttentionStreamTest {

    private static final int TABLED = 96;

    @Test
    void equalsTheOperatorsAttentionWhenTheCoreIsComputeBound() {
        DecodeOperators ops = operators(SpecLoader.profile("cloudmatrix384"));
        assertThat(coreIsMemoryBound(ops)).isFalse();
        assertSameAsOperators(ops);
    }

    @Test
    void equalsTheOperatorsAttentionWhenTheCoreIsMemoryBound() {
        HardwareProfile slowHbm = TestSpecs.profile(TestSpecs.replaceOnce(TestSpecs.text("profiles", "cloudmatrix384"),
                "hbm_bandwidth: 1.6 TB/s", "hbm_bandwidth: 0.08 TB/s"));
        DecodeOperators ops = operators(slowHbm);
        assertThat(coreIsMemoryBound(ops)).isTrue();
        assertSameAsOperators(ops);
    }

    private static void assertSameAsOperators(DecodeOperators ops) {
        int q = 2;
        for (double frac : new double[] {1.0, ops.fracA}) {
            AttentionStream stream = new AttentionStream(ops, frac, q, TABLED);
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < 20_000; i++) {
                int n = i % 10 == 0 ? 0 : rnd.nextInt(3 * TABLED);
                double kv = i % 7 == 0 ? 0 : (double) rnd.nextLong(2_000_000) * (i % 3 == 0 ? 1 : 0.37);
                double expected = ops.attn((double) n * q, kv, frac);
                assertThat(Double.doubleToRawLongBits(stream.seconds(n, kv)))
                        .as("%d sequences, %s KV tokens, share %s", n, kv, frac)
                        .isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
    }

    /** Whether the core's KV-read time exceeds its compute time (checked at one large KV, where rounding cannot tip it). */
    private static boolean coreIsMemoryBound(DecodeOperators ops) {
        double kv = 1e6;
        return kv * ops.coreKvBytesPerToken() / ops.hbmBytesPerSecond() > ops.coreFlopsPerKvToken() * kv / ops.coreOpsPerSecond(ops.fracA);
    }

    private static DecodeOperators operators(HardwareProfile hw) {
        ModelSpec m = SpecLoader.model("deepseek-r1");
        Deployment dep = SpecLoader.deployment("cloudmatrix-infer");
        return new DecodeOperators(hw, m, dep.decode(), new DieRates(hw, dep.quant()), new ModelBytes(hw, m, dep.quant()),
                new ExpertPlacement(hw, m, dep), Calibration.PHYSICS, 2);
    }
}
