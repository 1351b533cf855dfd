package io.cmbench.model.validation;

import io.cmbench.model.DecodeResult;
import io.cmbench.model.RooflineCostModel;

import io.cmbench.model.RooflineCostModel.DecodeOptions;
import java.util.List;
import java.util.Locale;

/**
 * A per-operator check of the decode model against a first-party breakdown on the same hardware and model:
 * xDeepServe (Huawei Cloud, arXiv 2508.02520, §7.1 / Fig. 20) serving DeepSeek on CloudMatrix384 with DP288/EP288,
 * attention and MoE on the same dies, 60 sequences per die, one MTP layer at ≈ 90 % acceptance, ≈ 3K tokens of
 * context: ≈ 93 ms per decode iteration, of which QuantBatchMatmul 22.1 %, MultiLatentAttention 21.8 %, MoE-Combine
 * 20.4 %, MoE-Dispatch 15.3 %, others 11.7 %, MlaPreprocess 8.7 %; dispatch 234 µs and combine 312 µs on average
 * per call (min 185 / 165, max 1,231 / 2,939). The model runs the paper's EP320 deployment (the EP latency table is
 * flat from EP128, so EP288 has the same alpha) at 120 sequences per NPU, KV 3,072, acceptance 0.9, one microbatch.
 * A diagnosis: nothing here feeds back into the model.
 */
public final class XDeepServeCheck {
    private XDeepServeCheck() {}

    static final double ITERATION_MS = 93;
    static final int SEQUENCES_PER_DIE = 60;
    static final int KV_TOKENS = 3072;
    static final double MTP_ACCEPTANCE = 0.9;
    static final double DISPATCH_MEAN_MICROS = 234;
    static final double COMBINE_MEAN_MICROS = 312;

    /** One operator group: the published share of the iteration, per layer, beside the model's per-layer time. */
    public record Operator(String published, String model, double publishedShare, double publishedMicrosPerLayer,
                           double modelMicrosPerLayer) {}

    /** The model at xDeepServe's operating point. */
    static DecodeResult modelDecode() {
        RooflineCostModel cm = Validation.paperModel(2 * SEQUENCES_PER_DIE);
        return cm.withDecodeOptions(new DecodeOptions(true, MTP_ACCEPTANCE, false)).decodeUniform(2 * SEQUENCES_PER_DIE, KV_TOKENS);
    }

    /** Per-layer times: the published share x the iteration over the 62 layers (61 + MTP) that each call the operator. */
    public static List<Operator> operators() {
        DecodeResult d = modelDecode();
        RooflineCostModel cm = Validation.paperModel();
        int layers = cm.modelSpec().layers() + cm.modelSpec().mtpModules();
        double perLayer = ITERATION_MS * 1e3 / layers;
        var op = d.operators();
        return List.of(
                new Operator("MultiLatentAttention", "attention_core", 0.218, 0.218 * perLayer, op.get("attention_core")),
                new Operator("MlaPreprocess", "mla_prolog", 0.087, 0.087 * perLayer, op.get("mla_prolog")),
                new Operator("QuantBatchMatmul", "output_projection + experts of the slowest die", 0.221, 0.221 * perLayer,
                        op.get("output_projection") + Math.max(op.get("routed_experts"), op.get("shared_expert"))),
                new Operator("MoE-Dispatch", "dispatch", 0.153, 0.153 * perLayer, op.get("dispatch")),
                new Operator("MoE-Combine", "combine", 0.204, 0.204 * perLayer, op.get("combine")),
                new Operator("others", "gate + vector kernels (norms, quantization, top-k, add)", 0.117, 0.117 * perLayer,
                        op.get("gate") + op.get("vector_kernels")));
    }

    /** The "Per-operator check against xDeepServe" section of VALIDATION.md. */
    static void appendTo(StringBuilder sb) {
        DecodeResult d = modelDecode();
        List<Operator> ops = operators();
        sb.append("\n### Per-operator check against xDeepServe (first-party, same hardware and model; a diagnosis)\n\n");
        sb.append(String.format(Locale.ROOT, """
                xDeepServe (Huawei Cloud, arXiv 2508.02520, §7.1) profiles DeepSeek decode on CloudMatrix384: DP288/EP288,
                attention and MoE on the same dies, %d sequences per die, one MTP layer (≈ 90 %% accepted), ≈ 3K context:
                ≈ %.0f ms per iteration (MTP pass, sampling, main pass, sampling; 2 ms of scheduling besides). The model at
                that point (EP320 deployment, %d sequences per NPU, KV %,d, acceptance %.1f, one microbatch): %.1f ms per step
                (%s). Per layer, published share x %.0f ms / 62 layers against the model's operator (the pie's labels are
                matched to its shares by the text: dispatch + combine "about 36 %%", combine / dispatch = 312 / 234):

                | published operator | share | published per layer | model operator | model per layer | model - published |
                |---|---:|---:|---|---:|---:|
                """, SEQUENCES_PER_DIE, ITERATION_MS, 2 * SEQUENCES_PER_DIE, KV_TOKENS, MTP_ACCEPTANCE, d.stepMicros() / 1e3,
                Validation.pct(d.stepMicros() / 1e3 / ITERATION_MS - 1), ITERATION_MS));
        for (Operator o : ops) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f %% | %.0f us | %s | %.0f us | %+.0f us |%n", o.published(),
                    100 * o.publishedShare(), o.publishedMicrosPerLayer(), o.model(), o.modelMicrosPerLayer(),
                    o.modelMicrosPerLayer() - o.publishedMicrosPerLayer()));
        }
        double dispatchModel = d.operators().get("dispatch");
        double combineModel = d.operators().get("combine");
        double excessPerToken = (DISPATCH_MEAN_MICROS - dispatchModel + COMBINE_MEAN_MICROS - combineModel)
                / (SEQUENCES_PER_DIE * (1.0 + Validation.paperModel().mtpSpeculativeTokens()));
        sb.append(String.format(Locale.ROOT, """

                The attention side (MLA + its preprocessing) agrees within a few percent; the model is short on combine and
                dispatch and carries %.0f of the %.0f us of "others" (norms, activations, quantization, top-k, sampling;
                the model's vector kernels are HBM traffic without launch time, and it has no sampling). The
                measured per-call means (dispatch %.0f us, combine %.0f us; the max reaches 10x the min) exceed the isolated
                benchmark as the model applies it (%.0f / %.0f us at %d tokens per die) by %.2f us per token per die per
                layer together, close to the slope of the missing-time fit above: synchronisation with the slowest of 288
                dies (load imbalance, jitter) that an isolated operator benchmark does not contain. Not applied: at batch 8
                the same per-call excess or a fixed "others" time would make the model slower than the paper's 14.9 ms,
                and neither is measured as a function of batch.
                """, ops.get(5).modelMicrosPerLayer(), ops.get(5).publishedMicrosPerLayer(), DISPATCH_MEAN_MICROS,
                COMBINE_MEAN_MICROS, dispatchModel, combineModel,
                (int) Math.round(SEQUENCES_PER_DIE * (1.0 + Validation.paperModel().mtpSpeculativeTokens())), excessPerToken));
    }
}
