package io.cmbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.model.VectorKernels.Side;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorKernelsTest {
    private final RooflineCostModel paper = TestSpecs.paper();
    private final ModelSpec m = paper.modelSpec();

    /** Per token: the token's own kernels + (top-8 + 1 shared) SwiGLU pairs. */
    private static double perToken(List<VectorKernels.Kernel> ks, boolean sharedInput) {
        return VectorKernels.bytes(ks, Side.ATTENTION) + VectorKernels.bytes(ks, Side.MOE_HOME)
                + (sharedInput ? VectorKernels.bytes(ks, Side.SHARED_INPUT) : 0) + 9 * VectorKernels.bytes(ks, Side.EXPERT)
                + VectorKernels.bytes(ks, Side.ROUTING);
    }

    @Test
    void bytesPerTokenMatchTheHandCountOfTheRecipesKernels() {
        // hand count over the recipe's kernel list (R+W per token; 7,168 hidden, top-8, 1 shared expert)
        assertThat(perToken(VectorKernels.prefill(m), true)).isEqualTo(1_062_160);
        assertThat(VectorKernels.bytes(VectorKernels.prefill(m), Side.ROUTING)).isEqualTo(559_712);
        assertThat(perToken(VectorKernels.decode(m), true)).isEqualTo(459_932);
        // e.g. dequant_swiglu_quant: INT32 gate/up (2 x 2,048 x 4 B) + scale in, INT8 2,048 + scale out
        assertThat(VectorKernels.bytes(VectorKernels.decode(m), Side.EXPERT)).isEqualTo(2 * 2048 * 4 + 4 + 2048 + 4);
    }

    @Test
    void prefillVectorKernelsAddToTheComputeAtTheHbmRate() {
        RooflineCostModel without = TestSpecs.paper(TestSpecs.replaceOnce(TestSpecs.replaceOnce(TestSpecs.text("deployments", "cloudmatrix-infer"),
                "  vector_kernels: double-routing", "  vector_kernels: none"), "  routing_permutations: compute-stream", ""));
        PrefillResult with = prefill4k(paper), bare = prefill4k(without);
        double hbm = 1.6e12 * 0.841, vec = 1.6e12 * 0.425;
        // 8,192 tokens per die, all of the kernels on the compute stream (8 routed pairs per token at perfect balance):
        // norms, quantization, RoPE and cache writes at the measured vector-kernel rate, the rest at the HBM rate
        double reducing = 120_844 + 118_292 + 33_024 + 3_720;
        double expected = 8192 * (reducing / vec + (1_062_160.0 - reducing) / hbm) * 1e6;
        assertThat(with.operators().get("vector_kernels") + with.operators().get("routing_permutations")).isCloseTo(expected, within(0.01));
        assertThat(with.layerTotals().get("compute_moe_layer") - bare.layerTotals().get("compute_moe_layer")).isCloseTo(expected, within(0.01));
        assertThat(with.layerTotals().get("communication_moe_layer")).isEqualTo(bare.layerTotals().get("communication_moe_layer"));
        assertThat(bare.operators().get("vector_kernels")).isZero();
    }

    @Test
    void routingBesideCommunicationMovesThePermutationsOffTheComputeStream() {
        RooflineCostModel beside = TestSpecs.paper(TestSpecs.replaceOnce(TestSpecs.text("deployments", "cloudmatrix-infer"),
                "routing_permutations: compute-stream", "routing_permutations: beside-communication"));
        PrefillResult c = prefill4k(paper), b = prefill4k(beside);
        double routing = c.operators().get("routing_permutations");
        assertThat(routing).isPositive().isEqualTo(b.operators().get("routing_permutations"));
        assertThat(b.layerTotals().get("compute_moe_layer")).isCloseTo(c.layerTotals().get("compute_moe_layer") - routing, within(1e-6));
        assertThat(b.layerTotals().get("communication_moe_layer"))
                .isCloseTo(c.layerTotals().get("communication_moe_layer") + routing, within(1e-6));
    }

    @Test
    void routingPlacementNeedsThePermutationKernels() {
        String text = TestSpecs.replaceOnce(TestSpecs.text("deployments", "cloudmatrix-infer"),
                "  vector_kernels: double-routing", "  vector_kernels: none");
        String beside = TestSpecs.replaceOnce(text, "routing_permutations: compute-stream", "routing_permutations: beside-communication");
        assertThatThrownBy(() -> TestSpecs.deployment(beside)).isInstanceOf(SpecException.class)
                .hasMessageContaining("prefill.routing_permutations").hasMessageContaining("vector_kernels: double-routing");
        String typo = TestSpecs.replaceOnce(TestSpecs.text("deployments", "cloudmatrix-infer"), "vector_kernels: fused-mc2", "vector_kernels: fused");
        assertThatThrownBy(() -> TestSpecs.deployment(typo)).isInstanceOf(SpecException.class).hasMessageContaining("decode.vector_kernels");
    }

    @Test
    void decodeVectorKernelsGrowWithTheTokens() {
        double small = paper.decodeUniform(8, 4224).operators().get("vector_kernels");
        double large = paper.decodeUniform(96, 4224).operators().get("vector_kernels");
        assertThat(small).isPositive();
        assertThat(large / small).isCloseTo(12.0, within(0.5));   // 96 vs 8 sequences per NPU, same kernels per token
    }

    private static PrefillResult prefill4k(RooflineCostModel cm) {
        int[] p = new int[64];
        java.util.Arrays.fill(p, 4096);
        return cm.prefill(p, new int[64]);
    }

    @Test
    void measuredFactorsFollowFromTheirSourceNumbers() {
        // vector_kernel_bandwidth: the measured per-kernel slopes (GB/s), bytes-weighted over the prefill kernel list
        java.util.Map<VectorKernels.Kind, Double> measured = java.util.Map.of(VectorKernels.Kind.NORM, 983e9,
                VectorKernels.Kind.QUANT, 656e9, VectorKernels.Kind.ROPE, 374e9, VectorKernels.Kind.CACHE, 265e9);
        double bytes = 0, seconds = 0;
        for (VectorKernels.Kernel k : VectorKernels.prefill(m)) {
            Double bw = measured.get(k.kind());
            if (bw == null) continue;
            bytes += k.bytes();
            seconds += k.bytes() / bw;
        }
        assertThat(bytes).isEqualTo(120_844 + 118_292 + 33_024 + 3_720);
        assertThat(bytes / seconds / 1.6e12).isCloseTo(paper.profile().factor("vector_kernel_bandwidth").value(), within(0.0005));
        // prefill_attention_compute: 144 TFLOPS measured of the 376 TFLOPS BF16 peak the profile uses
        assertThat(144e12 / 376e12).isCloseTo(paper.profile().factor("prefill_attention_compute").value(), within(0.0005));
    }

    @Test
    void reducingKernelsRunAtTheMeasuredRateTheRestAtTheHbmRate() {
        double vec = 1.6e12 * 0.425, hbm = 1.6e12 * 0.841;
        List<VectorKernels.Kernel> d = VectorKernels.decode(m);
        // attention stream: add_rms_norm and two dynamic_quants, all reducing
        assertThat(VectorKernels.seconds(d, Side.ATTENTION, vec, hbm)).isCloseTo(128_012 / vec, within(1e-15));
        // MoE side: add_rms_norm reducing; cast, top-k and add streaming
        assertThat(VectorKernels.seconds(d, Side.MOE_HOME, vec, hbm))
                .isCloseTo(57_348 / vec + (43_008 + 1_088 + 43_008) / hbm, within(1e-15));
    }
}
