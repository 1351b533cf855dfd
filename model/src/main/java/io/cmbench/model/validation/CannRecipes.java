package io.cmbench.model.validation;

import io.cmbench.model.Calibration;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.RooflineCostModel;

import java.util.List;
import java.util.Locale;

/**
 * Huawei's CANN recipes for DeepSeek-R1 on Atlas A3 (github.com/hicann/cann-recipes-infer): a second first-party
 * setup on the same 910C hardware, measured at the paper's prefill conditions and at its decode batch. External rows,
 * not targets; the deployment {@code cann-recipes-a3} transcribes the recipes' configs.
 */
public final class CannRecipes {
    private CannRecipes() {}

    static final String GROUP = "External: Huawei's CANN recipes on Atlas A3 (hicann/cann-recipes-infer; same hardware, not in the reference sheet)";
    static final String DEPLOYMENT = "cann-recipes-a3";

    /** docs/models/deepseek-r1/deepseek_r1_decode_optimization.md, "Benchmark": W8A8C8, global batch 6,144 on 64 chips. */
    static final double DECODE_TPOT_MS = 44.9;
    static final int DECODE_BATCH_PER_NPU = 6144 / 64;
    /** LongBench prompts truncated to 4,096 tokens, max_new_tokens 100: mean KV over the output ≈ 4,096 + 50. */
    static final long DECODE_MEAN_KV = 4096 + 100 / 2;

    /** deepseek_r1_prefill_optimization.md: 64 x 4K prompts on 16 NPUs, MLA-DP32 + MoE-EP32, uniform expert load. */
    static final double PREFILL_MICROBATCH_MS = 2512;
    static final double PREFILL_ONE_BATCH_MS = 3128;
    static final double PREFILL_MICROBATCH_TOKENS_PER_SECOND_PER_NPU = 6522;
    static final double PREFILL_ONE_BATCH_TOKENS_PER_SECOND_PER_NPU = 5237;

    static RooflineCostModel model() {
        return CostModels.build("cloudmatrix384", "deepseek-r1", DEPLOYMENT, 0, Calibration.PHYSICS_NAME);
    }

    /** The same deployment with one prefill microbatch (the recipe's row without micro-batch). */
    static RooflineCostModel modelOnePrefillMicrobatch() {
        RooflineCostModel cm = model();
        return cm.withDeployment(cm.deployment().withPrefillMicrobatches(1));
    }

    static List<Validation.Row> rows() {
        RooflineCostModel cm = model();
        DecodeResult d = cm.decodeUniform(DECODE_BATCH_PER_NPU, DECODE_MEAN_KV);
        return List.of(
                new Validation.Row(GROUP, "decode", "batch 96/NPU, 4,096 in / 100 out (mean KV 4,146), EP128 on 64 NPUs, MTP 0.7, perfect EPLB",
                        "TPOT", DECODE_TPOT_MS, d.tpotMicros() / 1e3, "ms", false),
                new Validation.Row(GROUP, "prefill", "64 x 4K prompts on 16 NPUs, MLA-DP32 + MoE-EP32, uniform expert load, micro-batch",
                        "throughput", PREFILL_MICROBATCH_TOKENS_PER_SECOND_PER_NPU, Validation.prefillTokensPerSecondPerNpu(cm), "tok/s/NPU", false),
                new Validation.Row(GROUP, "prefill", "the same without micro-batch",
                        "throughput", PREFILL_ONE_BATCH_TOKENS_PER_SECOND_PER_NPU,
                        Validation.prefillTokensPerSecondPerNpu(modelOnePrefillMicrobatch()), "tok/s/NPU", false));
    }

    /** The reading of the recipes' rows, with the model's numbers. */
    static String reading() {
        RooflineCostModel cm = model();
        double recipeModelMs = cm.decodeUniform(DECODE_BATCH_PER_NPU, DECODE_MEAN_KV).tpotMicros() / 1e3;
        double paperModelMs = Validation.modelDecode(Validation.REF_BATCH_96).tpotMicros() / 1e3;
        double paperMs = Validation.REF_BATCH_96.tpotMs();
        return String.format(Locale.ROOT, """
                - **Huawei's CANN recipes** (same 910C hardware, later software: graph mode with SuperKernel, fused MLA prolog,
                  dispatch/combine v2) measure decode at 96 sequences per NPU with EP128 on 64 NPUs at TPOT %.1f ms, %.1f ms
                  less than the paper's EP320 deployment at the same batch and KV (%.1f ms). The model puts the two
                  deployments %.1f ms apart (%.2f vs %.2f ms): the hardware does not explain the difference. Software
                  does (task scheduling, synchronisation: what SuperKernel removes), or expert load (the recipe forces a
                  perfect balance; the paper does not state its decode routing): either way part of the missing decode
                  time is time a hardware model cannot derive from the operator benchmarks, and the later recipe has less
                  of it (model %s against the recipe, %s against the paper). Their prefill at the paper's conditions (6,522 tok/s/NPU with micro-batch) confirms
                  the paper's 6,688 and the model's gap there; with and without micro-batch it locates that gap in the
                  compute ("Missing prefill time" below).
                """, DECODE_TPOT_MS, paperMs - DECODE_TPOT_MS, paperMs, Math.abs(recipeModelMs - paperModelMs), recipeModelMs,
                paperModelMs, Validation.pct(recipeModelMs / DECODE_TPOT_MS - 1), Validation.pct(paperModelMs / paperMs - 1));
    }
}
