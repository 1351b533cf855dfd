package io.cmbench.model;

import java.util.Locale;

/**
 * Where the prefill time the model is missing must lie, from two published numbers that do not depend on the model's
 * compute factors: the throughput (6,688 tok/s/NPU) and the microbatch ablation (two overlapped microbatches shorten
 * a MoE layer by 24 %). Under the model's own layer structure (one microbatch: compute + communication; two:
 * max(compute, communication)) they fix the real layer's compute and communication separately. A diagnosis: nothing
 * here feeds back into the model — applying it would be a factor fitted to end-to-end results.
 */
public final class PrefillGapDiagnosis {
    private PrefillGapDiagnosis() {}

    /** The paper's "ablation: microbatch pipelining", prefill: per-layer latency with two microbatches vs one. */
    static final double PUBLISHED_MICROBATCH_LAYER_CHANGE = -0.24;

    /**
     * @param modelBatchMs the model's batch (4K prompts, 16K tokens per NPU)
     * @param publishedBatchMs the batch the published throughput implies: prompt tokens / (throughput x NPUs)
     * @param modelComputeMicros the model's MoE layer compute per die
     * @param modelCommunicationMicros the model's MoE layer communication (all-gather, all-to-all, dispatch, combine)
     * @param publishedLayerMicros the published MoE layer, taken as the model's MoE layer scaled by published / model
     *        batch (every part of the batch assumed short by the same proportion)
     * @param impliedComputeMicros = the published two-microbatch layer (compute binds: it exceeds the communication)
     * @param impliedCommunicationMicros = published layer x (1 / (1 - 0.24) - 1): the one-microbatch layer minus compute
     * @param tokensPerDie computed tokens per die in the batch
     */
    public record Split(double modelBatchMs, double publishedBatchMs, double modelComputeMicros, double modelCommunicationMicros,
                        double publishedLayerMicros, double impliedComputeMicros, double impliedCommunicationMicros,
                        double tokensPerDie) {
        public double missingComputeMicros() { return impliedComputeMicros - modelComputeMicros; }
        public double missingComputeMicrosPerToken() { return missingComputeMicros() / tokensPerDie; }
    }

    public static Split split() {
        RooflineCostModel cm = Validation.paperModel();
        PrefillResult pr = Validation.prefill4k(cm);
        int npus = cm.layout().prefillNpusPerInstance();
        double publishedBatchMs = pr.promptTokens() / (Validation.PREFILL_PERFECT_EPLB_TOKENS_PER_SECOND_PER_NPU * npus) * 1e3;
        double modelBatchMs = pr.batchMicros() / 1e3;
        double publishedLayer = pr.moeLayerMicros() * publishedBatchMs / modelBatchMs;
        double impliedCommunication = publishedLayer * (1 / (1 + PUBLISHED_MICROBATCH_LAYER_CHANGE) - 1);
        double tokensPerDie = (double) pr.computedTokens() / (npus * cm.profile().diesPerNpu());
        return new Split(modelBatchMs, publishedBatchMs, pr.layerTotals().get("compute_moe_layer"),
                pr.layerTotals().get("communication_moe_layer"), publishedLayer, publishedLayer, impliedCommunication, tokensPerDie);
    }

    /** The "Missing prefill time" section of VALIDATION.md. */
    static void appendTo(StringBuilder sb) {
        Split s = split();
        DecodeGapDiagnosis.LinearFit decodeFit = DecodeGapDiagnosis.missingTimeFit(DecodeGapDiagnosis.missingDecodeTime());
        sb.append("\n### Missing prefill time (a diagnosis; NOT used by the model)\n\n");
        sb.append(String.format(Locale.ROOT, """
                Two published numbers locate it without the model's compute factors: the throughput (%,.0f tok/s/NPU: a batch
                of 4K prompts at 16K tokens per NPU takes %,.0f ms, the model %,.0f ms) and the microbatch ablation (two
                overlapped microbatches shorten a MoE layer by %.0f %%). Taking the model's own layer structure (one
                microbatch: compute + communication; two: max of them) and the published layer as the model's scaled by
                published / model batch:

                | per MoE layer, per die | implied by the published numbers | model | model - implied |
                |---|---:|---:|---:|
                | layer, two microbatches | %,.0f us | %,.0f us | %+,.0f us |
                | compute (= the layer: it exceeds the communication) | %,.0f us | %,.0f us | %+,.0f us |
                | communication (= layer x (1 / %.2f - 1)) | %,.0f us | %,.0f us | %+,.0f us |

                The communication the ablation implies is the model's within %.0f %% (UB write bandwidth after the
                benchmark's alpha; the benchmark's lower effective per-rank rates would give more); the missing time is
                compute: %,.0f us per layer over %,.0f tokens per die = %.2f us per token per die per layer. That is the
                slope of the missing decode time (%.2f us per token per die per layer, above), although the two regimes
                share little else: prefill GEMMs are large and compute-bound, its attention is quadratic, and nothing of
                its communication is exposed; decode is bound by the absorbed-MLA core and weight reads. A per-token cost
                of about 2 us per die per layer outside the operators the model carries (cube GEMMs, attention, HBM
                streams, UB transfers) would explain both; the vector-core work the model leaves out (norms, RoPE,
                activation quantization, SwiGLU, routing, combine's weighted sum) is per-token work of that kind, but
                the reference sheet gives no vector-core throughput to cost it, so it stays out.
                """,
                Validation.PREFILL_PERFECT_EPLB_TOKENS_PER_SECOND_PER_NPU, s.publishedBatchMs(), s.modelBatchMs(),
                -100 * PUBLISHED_MICROBATCH_LAYER_CHANGE,
                s.publishedLayerMicros(), s.modelComputeMicros(), s.modelComputeMicros() - s.publishedLayerMicros(),
                s.impliedComputeMicros(), s.modelComputeMicros(), s.modelComputeMicros() - s.impliedComputeMicros(),
                1 + PUBLISHED_MICROBATCH_LAYER_CHANGE, s.impliedCommunicationMicros(), s.modelCommunicationMicros(),
                s.modelCommunicationMicros() - s.impliedCommunicationMicros(),
                100 * Math.abs(s.modelCommunicationMicros() / s.impliedCommunicationMicros() - 1),
                s.missingComputeMicros(), s.tokensPerDie(), s.missingComputeMicrosPerToken(), decodeFit.slopeMicrosPerToken()));
    }
}
