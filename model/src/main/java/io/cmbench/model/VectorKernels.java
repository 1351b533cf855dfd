package io.cmbench.model;

import io.cmbench.model.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The vector-core kernels of a DeepSeek layer that run as kernels of their own between the GEMMs — norms, activation
 * quantization, RoPE, SwiGLU, the gate's cast and top-k, and in prefill the routing permutations — with the activation
 * bytes each reads and writes. They are memory-bound (a few operations per element), so each costs its bytes over a
 * bandwidth: the achievable HBM bandwidth for the streaming ones (copies, casts, adds, SwiGLU, permutations), the
 * profile's measured {@code vector_kernel_bandwidth} for norms, quantization, RoPE and cache writes (reductions and
 * gathers). They run between the cube kernels of their stream, so their time adds to it.
 *
 * <p>The kernel set is Huawei's public implementation of DeepSeek-R1 on Atlas A3 (github.com/hicann/cann-recipes-infer,
 * {@code models/deepseek_r1/models/modeling_deepseek.py} at f0b0fdec): prefill with double routing
 * (npu_moe_init_routing_v2, npu_moe_re_routing, index_select, npu_moe_finalize_routing), decode with the fused
 * npu_mla_prolog_v3 (its norms, RoPE, query quantization and cache write inside) and MC2 dispatch/combine v2 (their
 * quantization, permutation and weighted sum inside). Counted: every input element read once, every output written
 * once; weights, gammas and scales are per call, not per token. Not counted: re-reads inside a kernel, the fused
 * kernels' own activation traffic, and copies the framework may insert for strided views.
 */
public final class VectorKernels {
    private VectorKernels() {}

    /** Where a kernel runs. */
    public enum Side {
        /** The attention stream of the token's own die (decode) / the compute stream (prefill). */
        ATTENTION,
        /** The token's own die, MoE side: post-attention norm, gate cast, top-k, final add (decode: the MoE stream). */
        MOE_HOME,
        /** The die computing a (token, expert) pair: between the expert's two GEMMs. */
        EXPERT,
        /** The replicated shared expert's own input quantization on the token's die (absent when dedicated dies get the dispatched INT8 token). */
        SHARED_INPUT,
        /** Prefill routing permutations around the all-to-alls (per token, k copies inside). */
        ROUTING
    }

    /** What a kernel does: norms, quantization, RoPE, cache writes (measured below the HBM rate), the streaming rest. */
    public enum Kind { NORM, QUANT, ROPE, CACHE, OTHER }

    /** One kernel: bytes read + written per token (per (token, expert) pair on {@link Side#EXPERT}). */
    public record Kernel(String name, Side side, double bytes, Kind kind) {
        Kernel(String name, Side side, double bytes) {
            this(name, side, bytes, Kind.OTHER);
        }
    }

    /** The prefill kernels of one MoE layer (double routing), bytes per token or per (token, expert) pair. */
    public static List<Kernel> prefill(ModelSpec m) {
        double h = m.hidden(), rq = m.qLoraRank(), rkv = m.kvLoraRank(), dr = m.qkRopeDim(), heads = m.heads();
        double k = m.topK(), e = m.routedExperts();
        List<Kernel> list = new ArrayList<>();
        list.add(new Kernel("add_rms_norm (input)", Side.ATTENTION, addRmsNorm(h), Kind.NORM));
        list.add(new Kernel("dynamic_quant (q_a)", Side.ATTENTION, dynamicQuant(h), Kind.QUANT));
        list.add(new Kernel("rms_norm (q_a)", Side.ATTENTION, 2 * rq + 2 * rq + 4, Kind.NORM));
        list.add(new Kernel("dynamic_quant (q_b)", Side.ATTENTION, dynamicQuant(rq), Kind.QUANT));
        list.add(new Kernel("dynamic_quant (kv_a)", Side.ATTENTION, dynamicQuant(h), Kind.QUANT));
        list.add(new Kernel("interleave_rope (q_pe)", Side.ATTENTION, 2 * heads * dr + 2 * 2 * dr + 2 * heads * dr, Kind.ROPE));
        list.add(new Kernel("kv_rmsnorm_rope_cache", Side.ATTENTION, 2 * (rkv + dr) + 2 * 2 * dr + 8 + 2 * 2 * (rkv + dr), Kind.CACHE));
        list.add(new Kernel("repeat (k_rope to every head)", Side.ATTENTION, 2 * dr + 2 * heads * dr));
        list.add(new Kernel("dynamic_quant (o_proj)", Side.ATTENTION, dynamicQuant(heads * m.vHeadDim()), Kind.QUANT));
        list.addAll(moeHome(m, false));
        list.add(new Kernel("dynamic_quant (shared expert)", Side.SHARED_INPUT, dynamicQuant(h), Kind.QUANT));
        list.add(new Kernel("dequant_swiglu_quant", Side.EXPERT, dequantSwigluQuant(m.expertInter())));
        list.add(new Kernel("moe_init_routing (expand, quantize)", Side.ROUTING, 2 * h + 4 * k + k * (h + 8)));
        list.add(new Kernel("moe_re_routing", Side.ROUTING, k * (h + 4) + k * (h + 8)));
        list.add(new Kernel("cast, argsort, cast (unsort ids)", Side.ROUTING, k * 8 + k * 16 + k * 12));
        list.add(new Kernel("index_select (unsort outputs)", Side.ROUTING, k * (2 * h + 4) + k * 2 * h));
        list.add(new Kernel("cast (top-k weights)", Side.ROUTING, k * 4 + k * 2));
        list.add(new Kernel("moe_finalize_routing (weighted sum)", Side.ROUTING, k * 2 * h + 2 * h + 2 * k + 4 * k + 2 * h));
        return List.copyOf(list);
    }

    /** The decode kernels of one MoE layer (fused MLA prolog, MC2 dispatch/combine), bytes per token or pair. */
    public static List<Kernel> decode(ModelSpec m) {
        double h = m.hidden();
        List<Kernel> list = new ArrayList<>();
        list.add(new Kernel("add_rms_norm (input)", Side.ATTENTION, addRmsNorm(h), Kind.NORM));
        list.add(new Kernel("dynamic_quant (mla_prolog input)", Side.ATTENTION, dynamicQuant(h), Kind.QUANT));
        list.add(new Kernel("dynamic_quant (o_proj)", Side.ATTENTION, dynamicQuant(m.heads() * m.vHeadDim()), Kind.QUANT));
        list.addAll(moeHome(m, true));
        list.add(new Kernel("dynamic_quant (shared expert)", Side.SHARED_INPUT, dynamicQuant(h), Kind.QUANT));
        list.add(new Kernel("dequant_swiglu_quant", Side.EXPERT, dequantSwigluQuant(m.expertInter())));
        return List.copyOf(list);
    }

    /**
     * Seconds per token of a dense layer's FFN side: post-attention norm and input quantization (reducing), the SwiGLU
     * between its GEMMs (streaming).
     */
    public static double denseFfnSeconds(ModelSpec m, double reducingBytesPerSecond, double streamingBytesPerSecond) {
        return (addRmsNorm(m.hidden()) + dynamicQuant(m.hidden())) / reducingBytesPerSecond
                + dequantSwigluQuant(m.denseFfnInter()) / streamingBytesPerSecond;
    }

    /** Sum of the kernels on one side, bytes per token (per pair for {@link Side#EXPERT}). */
    public static double bytes(List<Kernel> kernels, Side side) {
        return kernels.stream().filter(x -> x.side() == side).mapToDouble(Kernel::bytes).sum();
    }

    /**
     * Seconds per token (per pair for {@link Side#EXPERT}) of one side's kernels: norms, quantization, RoPE and cache
     * writes (reductions and gathers, measured well below the HBM rate) at {@code reducingBytesPerSecond}, the
     * streaming rest (copies, casts, adds, SwiGLU, permutations) at {@code streamingBytesPerSecond}.
     */
    public static double seconds(List<Kernel> kernels, Side side, double reducingBytesPerSecond, double streamingBytesPerSecond) {
        double t = 0;
        for (Kernel k : kernels) {
            if (k.side() != side) continue;
            t += k.bytes() / (k.kind() == Kind.OTHER ? streamingBytesPerSecond : reducingBytesPerSecond);
        }
        return t;
    }

    private static List<Kernel> moeHome(ModelSpec m, boolean finalAdd) {
        double h = m.hidden();
        List<Kernel> list = new ArrayList<>();
        list.add(new Kernel("add_rms_norm (post-attention)", Side.MOE_HOME, addRmsNorm(h), Kind.NORM));
        list.add(new Kernel("cast to fp32 (gate input)", Side.MOE_HOME, 2 * h + 4 * h));
        list.add(new Kernel("moe_gating_top_k", Side.MOE_HOME, 4.0 * m.routedExperts() + 8.0 * m.topK()));
        if (finalAdd) list.add(new Kernel("add (routed + shared output)", Side.MOE_HOME, 2 * 2 * h + 2 * h));
        return list;
    }

    /** Residual add + RMSNorm: reads x and the residual (BF16), writes y and the new residual, and rstd. */
    private static double addRmsNorm(double n) {
        return 2 * 2 * n + 2 * 2 * n + 4;
    }

    /** Per-token dynamic INT8 quantization: reads BF16, writes INT8 and an FP32 scale. */
    private static double dynamicQuant(double n) {
        return 2 * n + n + 4;
    }

    /** Dequantize the INT32 gate/up GEMM output (2n), SwiGLU, quantize: reads 2n INT32 + scale, writes n INT8 + scale. */
    private static double dequantSwigluQuant(double n) {
        return 4 * 2 * n + 4 + n + 4;
    }
}
