package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;

/**
 * What one die achieves for each class of operator: the profile's peak in the deployment's data type times the
 * efficiency factor measured by that operator's benchmark. Decode, prefill and the memory-bound kernels all price their
 * work against these, so they are derived once, here.
 */
final class DieRates {
    /** Weight-dtype GEMM (experts, dense FFN, MTP projection) on the full die. */
    final double gemmOpsPerSecond;
    /** Weight-dtype attention projections (q_a, kv_a, q_b, o_proj): their shapes (K of 512-2,048) are not the GEMM benchmark's. */
    final double projectionOpsPerSecond;
    /** kv_b_proj (W_UK, W_UV) in its own data type, at the projections' efficiency. */
    final double kvBProjOpsPerSecond;
    /** Decode attention core (absorbed MLA). */
    final double attentionOpsPerSecond;
    /** Prefill attention (FlashAttention-style, non-absorbed MLA). */
    final double prefillAttentionOpsPerSecond;
    /** BF16 GEMM (the gate). */
    final double bf16GemmOpsPerSecond;
    /** The LM head in its data type. */
    final double lmHeadOpsPerSecond;
    /** Achievable HBM bandwidth (streaming reads and writes). */
    final double hbmBytesPerSecond;
    /** Norms, quantization, RoPE and cache writes: the measured vector-kernel rate, the HBM rate without one. */
    final double vectorKernelBytesPerSecond;

    DieRates(HardwareProfile hw, Deployment.Quantization dq) {
        var eff = hw.efficiency();
        double effGemm = eff.get("gemm_compute").value();
        double effAttn = eff.get("attention_compute").value();
        double effHbm = eff.get("hbm_bandwidth").value();
        gemmOpsPerSecond = hw.peak(dq.weights()) * effGemm;
        attentionOpsPerSecond = hw.peak(dq.attention()) * effAttn;
        prefillAttentionOpsPerSecond = hw.peak(dq.attention()) * hw.efficiencyOr("prefill_attention_compute", "attention_compute");
        bf16GemmOpsPerSecond = hw.peak("bf16") * effGemm;
        lmHeadOpsPerSecond = hw.peak(dq.lmHead()) * effGemm;
        double effProj = hw.efficiencyOr("attention_projection_compute", "gemm_compute");
        projectionOpsPerSecond = hw.peak(dq.weights()) * effProj;
        kvBProjOpsPerSecond = hw.peak(dq.kvBProj()) * effProj;
        hbmBytesPerSecond = hw.hbmBandwidthPerDie() * effHbm;
        vectorKernelBytesPerSecond = hw.hbmBandwidthPerDie() * hw.efficiencyOr("vector_kernel_bandwidth", "hbm_bandwidth");
    }
}
