package io.cmbench.model;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the prefill time the model is missing must lie, from published numbers that do not depend on the model's
 * compute factors: a batch time with two overlapped microbatches and the change one microbatch makes. Under the
 * model's own layer structure (one microbatch: compute + communication; two: max(compute, communication)) the pair
 * fixes the real layer's compute and communication separately. Two sources: the paper (throughput 6,688 tok/s/NPU and
 * its ablation, -24 % per layer) and Huawei's CANN recipes (2,512 ms with micro-batch, 3,128 ms without, same
 * conditions). A diagnosis: nothing here feeds back into the model — applying it would be a factor fitted to
 * end-to-end results.
 */
public final class PrefillGapDiagnosis {
    private PrefillGapDiagnosis() {}

    /** The paper's "ablation: microbatch pipelining", prefill: per-layer latency with two microbatches vs one. */
    static final double PUBLISHED_MICROBATCH_LAYER_CHANGE = -0.24;

    /**
     * One source's split of a MoE layer (per die).
     *
     * @param source who measured it
     * @param modelBatchMs the model's batch (4K prompts, 16K tokens per NPU) on the source's deployment
     * @param publishedBatchMs the measured batch with two microbatches
     * @param twoOverOne the layer with two microbatches over the layer with one (published)
     * @param modelComputeMicros the model's MoE layer compute
     * @param modelCommunicationMicros the model's MoE layer communication (dispatch, combine and any SP-TP-SP collectives)
     * @param publishedLayerMicros the published layer: the model's MoE layer scaled by published / model batch
     *        (every part of the batch assumed short by the same proportion); = the implied compute, which binds
     * @param impliedCommunicationMicros = published layer x (1 / twoOverOne - 1): the one-microbatch layer minus compute
     * @param tokensPerDie computed tokens per die in the batch
     */
    public record Split(String source, double modelBatchMs, double publishedBatchMs, double twoOverOne, double modelComputeMicros,
                        double modelCommunicationMicros, double publishedLayerMicros, double impliedCommunicationMicros,
                        double tokensPerDie) {
        public double impliedComputeMicros() { return publishedLayerMicros; }
        public double missingComputeMicros() { return impliedComputeMicros() - modelComputeMicros; }
        public double missingComputeMicrosPerToken() { return missingComputeMicros() / tokensPerDie; }
    }

    /**
     * Rates measured on an Atlas 800 A3 die (DeepSeek-V3 W8A8, vLLM-Ascend 0.15 / CANN 8.5, eager prefill; a third-party
     * profile: github.com/Horacehxw/msModeling, docs/perf_database/reports/profiling_analysis_eager): the MLA prefill
     * attention kernel (RINGMLAPrefillBF16Kernel, head dims 192/128) fitted as 52 µs + FLOPs / 144 TFLOPS per call over
     * three scenarios whose token split is inferred from shapes and call counts; vector kernels fitted as t0 + bytes /
     * bandwidth over prefill shapes of 32-3,072 tokens. Sensitivities only: NOT applied to the model.
     */
    static final double MEASURED_PREFILL_ATTENTION_FLOPS = 144e12;
    static final Map<VectorKernels.Kind, Double> MEASURED_VECTOR_BYTES_PER_SECOND = new EnumMap<>(Map.of(
            VectorKernels.Kind.NORM, 983e9,     // AddRmsNormBias
            VectorKernels.Kind.QUANT, 656e9,    // DynamicQuant
            VectorKernels.Kind.ROPE, 374e9,     // InterleaveRope
            VectorKernels.Kind.CACHE, 265e9));  // KvRmsNormRopeCache

    /**
     * What the measured rates would do to the paper's prefill (not applied): extra µs per MoE layer per die for the
     * attention at the measured rate, for the norm/quantization/RoPE/cache kernels at theirs, and the throughput that
     * follows when the longer compute still hides the communication.
     */
    public record Sensitivity(double attentionExtraMicros, double vectorExtraMicros, double modelTokensPerSecondPerNpu,
                              double tokensPerSecondPerNpu) {}

    public static Sensitivity measuredRates() {
        RooflineCostModel cm = Validation.paperModel();
        PrefillResult pr = Validation.prefill4k(cm);
        double modelAttentionFlops = cm.profile().peak(cm.deployment().quant().attention()) * cm.profile().factor("attention_compute").value();
        double attention = pr.operators().get("attention_core") * (modelAttentionFlops / MEASURED_PREFILL_ATTENTION_FLOPS - 1);
        double hbm = cm.profile().hbmBandwidthPerDie() * cm.profile().factor("hbm_bandwidth").value();
        double tokensPerDie = (double) pr.computedTokens() / (cm.layout().prefillNpusPerInstance() * cm.profile().diesPerNpu());
        double secondsPerToken = 0;
        for (VectorKernels.Kernel k : VectorKernels.prefill(cm.modelSpec())) {
            Double measured = MEASURED_VECTOR_BYTES_PER_SECOND.get(k.kind());
            if (measured != null) secondsPerToken += k.bytes() * (1 / measured - 1 / hbm);
        }
        double vector = tokensPerDie * secondsPerToken * 1e6;
        double compute = pr.layerTotals().get("compute_moe_layer");
        double model = Validation.prefillTokensPerSecondPerNpu(cm);
        return new Sensitivity(attention, vector, model, model * compute / (compute + attention + vector));
    }

    public static List<Split> splits() {
        RooflineCostModel paper = Validation.paperModel();
        double paperBatchMs = Validation.prefill4k(paper).promptTokens()
                / (Validation.PREFILL_PERFECT_EPLB_TOKENS_PER_SECOND_PER_NPU * paper.layout().prefillNpusPerInstance()) * 1e3;
        return List.of(
                split("paper (throughput; ablation -24 % per layer)", paper, paperBatchMs, 1 + PUBLISHED_MICROBATCH_LAYER_CHANGE),
                split("CANN recipes (2,512 ms; 3,128 ms without micro-batch)", CannRecipes.model(), CannRecipes.PREFILL_MICROBATCH_MS,
                        CannRecipes.PREFILL_MICROBATCH_MS / CannRecipes.PREFILL_ONE_BATCH_MS));
    }

    static Split split(String source, RooflineCostModel cm, double publishedBatchMs, double twoOverOne) {
        PrefillResult pr = Validation.prefill4k(cm);
        double modelBatchMs = pr.batchMicros() / 1e3;
        double publishedLayer = pr.moeLayerMicros() * publishedBatchMs / modelBatchMs;
        double dies = (double) cm.layout().prefillNpusPerInstance() * cm.profile().diesPerNpu();
        return new Split(source, modelBatchMs, publishedBatchMs, twoOverOne, pr.layerTotals().get("compute_moe_layer"),
                pr.layerTotals().get("communication_moe_layer"), publishedLayer, publishedLayer * (1 / twoOverOne - 1),
                pr.computedTokens() / dies);
    }

    /** The "Missing prefill time" section of VALIDATION.md. */
    static void appendTo(StringBuilder sb) {
        List<Split> splits = splits();
        double decodeSlope = DecodeGapDiagnosis.missingTimeFit(DecodeGapDiagnosis.missingDecodeTime()).slopeMicrosPerToken();
        sb.append("\n### Missing prefill time (a diagnosis; NOT used by the model)\n\n");
        sb.append("""
                A batch time with two overlapped microbatches and the change one microbatch makes locate it without the
                model's compute factors. Taking the model's own layer structure (one microbatch: compute + communication;
                two: the larger of them) and the published layer as the model's scaled by published / model batch, per MoE
                layer and die (8,192 tokens per die, 4K prompts):

                | source | batch: published / model | two / one microbatch | compute: implied / model | communication: implied / model | missing compute per token |
                |---|---:|---:|---:|---:|---:|
                """);
        double maxCommError = 0;
        for (Split s : splits) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f / %,.0f ms | %.3f | %,.0f / %,.0f us | %,.0f / %,.0f us | %.2f us |%n",
                    s.source(), s.publishedBatchMs(), s.modelBatchMs(), s.twoOverOne(), s.impliedComputeMicros(), s.modelComputeMicros(),
                    s.impliedCommunicationMicros(), s.modelCommunicationMicros(), s.missingComputeMicrosPerToken()));
            maxCommError = Math.max(maxCommError, Math.abs(s.modelCommunicationMicros() / s.impliedCommunicationMicros() - 1));
        }
        PrefillResult pr = Validation.prefill4k(Validation.paperModel());
        sb.append(String.format(Locale.ROOT, """

                Both sources agree: the communication they imply is the model's within %.0f %% (dispatch/combine at the UB
                write bandwidth after the benchmark's alpha), and the recipe states it outright — with micro-batch the
                dispatch/combine traffic is fully hidden and the prefill is compute-bound with no idle time on the chip.
                The missing time is compute: %.2f-%.2f us per token per die per layer, of the order of the slope of the
                missing decode time (%.2f us per token per die per layer, above), although the two regimes share little
                else (prefill GEMMs are large and compute-bound, its attention quadratic, none of its communication
                exposed; decode is bound by the absorbed-MLA core and weight reads). The model already carries the
                recipe's vector kernels as HBM traffic (`VectorKernels`: %,.0f us of norms, quantization, RoPE and SwiGLU
                and %,.0f us of routing permutations per layer here, all on the compute stream). Candidates for the
                rest, none with a benchmark that could be applied: the prefill attention kernel's efficiency (the model
                uses the decode MLA benchmark's 65.4 %%; FlashAttention with MLA's head dims 192/128 has none published);
                vector kernels that reach less than the HBM roofline inside the model than alone; copies the framework
                inserts for strided views (the recipe's q_pe and q_nope; about 98 KB per token if both happen).
                """, 100 * maxCommError,
                splits.stream().mapToDouble(Split::missingComputeMicrosPerToken).min().orElseThrow(),
                splits.stream().mapToDouble(Split::missingComputeMicrosPerToken).max().orElseThrow(), decodeSlope,
                pr.operators().get("vector_kernels"), pr.operators().get("routing_permutations")));
        Sensitivity m = measuredRates();
        sb.append(String.format(Locale.ROOT, """

                A third-party operator profile of DeepSeek-V3 on an Atlas 800 A3 die (github.com/Horacehxw/msModeling,
                docs/perf_database/reports/profiling_analysis_eager: vLLM-Ascend, CANN 8.5, eager prefill) measures both:
                its MLA prefill attention kernel (head dims 192/128) fits 52 us + FLOPs / %.0f TFLOPS per call (the model:
                %.0f), over scenarios whose token split is inferred from shapes and call counts; its norm, quantization,
                RoPE and cache kernels reach %.0f / %.0f / %.0f / %.0f GB/s (fitted slopes; the model: %.0f). At those rates
                the model's prefill MoE layer would compute %.1f ms (attention) + %.1f ms (vector kernels) longer and the
                prefill give ≈ %,.0f tok/s/NPU instead of %,.0f (published %,.0f). A sensitivity, NOT applied: the source
                is a third-party profile of another implementation (vLLM-Ascend's ring MLA kernel, 16 heads per die),
                its token split is inferred, and the recipe reports a faster FlashAttention layout (NTD, +15 %%).
                """, MEASURED_PREFILL_ATTENTION_FLOPS / 1e12,
                Validation.paperModel().profile().peak("bf16") * Validation.paperModel().profile().factor("attention_compute").value() / 1e12,
                MEASURED_VECTOR_BYTES_PER_SECOND.get(VectorKernels.Kind.NORM) / 1e9, MEASURED_VECTOR_BYTES_PER_SECOND.get(VectorKernels.Kind.QUANT) / 1e9,
                MEASURED_VECTOR_BYTES_PER_SECOND.get(VectorKernels.Kind.ROPE) / 1e9, MEASURED_VECTOR_BYTES_PER_SECOND.get(VectorKernels.Kind.CACHE) / 1e9,
                Validation.paperModel().profile().hbmBandwidthPerDie() * Validation.paperModel().profile().factor("hbm_bandwidth").value() / 1e9,
                m.attentionExtraMicros() / 1e3, m.vectorExtraMicros() / 1e3, m.tokensPerSecondPerNpu(), m.modelTokensPerSecondPerNpu(),
                Validation.PREFILL_PERFECT_EPLB_TOKENS_PER_SECOND_PER_NPU));
    }
}
