package io.cmbench.model;

import static io.cmbench.model.Roofline.roof;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;

/**
 * The operators of one decode layer on one die, each priced on its own: the attention stream (MLA prolog, attention
 * core, output projection) and the MoE stream (gate, dispatch, routed and shared experts, combine), plus the dense FFN.
 * {@link DecodeStep} composes them into a step; they live apart so the composition (microbatches, overlap, fill/drain)
 * reads without the per-operator physics. Allocation-free: the step calls them for every die on every engine step.
 */
final class DecodeOperators {
    /** Whether the attention and MoE streams run on disjoint core sets (else they time-share every core). */
    final boolean disjoint;
    /** Compute share of the attention / MoE stream (1 when time-shared). */
    final double fracA, fracM;
    /** Vector-core kernels between the GEMMs (VectorKernels), seconds per token or per (token, expert) pair; 0 when off. */
    final double vAttnSecPerToken, vMoeHomeSecPerToken, vExpertSecPerPair, vDenseFfnSecPerToken;
    /** Alpha-beta of expert-parallel dispatch and combine at the decode EP degree (alpha scaled by the calibration). */
    final double alphaD, alphaC, betaEp;
    /** Expert weights (routed and shared) a die reads once per MoE layer pass. */
    final double expertBytesPerDie;

    private final double gemmRate, attnRate, bf16GemmRate, hbmBw;
    private final double prologSecPerToken, outSecPerToken, prologMemSec, outMemSec;   // full-die compute per token; weight read
    private final double attnFlopsPerQueryKey;   // absorbed MLA: 2 H (dk + dv), dk = kv_lora + rope, dv = kv_lora
    private final double kvBytesPerTokenPerLayer, msgD, msgC, wB;
    private final double pGate, pExpert, pDense;
    private final int q;                          // tokens per sequence per step (1 + speculative)
    private final int sharedExperts;
    private final boolean sharedDedicated;
    private final int routedDiesExperts, sharedCopies, copiesPerToken;
    private final double imbalance;
    private final ExpertLoad decodeLoad;

    DecodeOperators(HardwareProfile hw, ModelSpec m, Deployment.Decode d, DieRates rates, ModelBytes bytes,
                    ExpertPlacement experts, Calibration cal, int q) {
        this.q = q;
        gemmRate = rates.gemmOpsPerSecond;
        attnRate = rates.attentionOpsPerSecond;
        bf16GemmRate = rates.bf16GemmOpsPerSecond;
        hbmBw = rates.hbmBytesPerSecond;
        double projRate = rates.projectionOpsPerSecond;
        double kvbRate = rates.kvBProjOpsPerSecond;
        disjoint = d.disjointStreams();
        fracA = disjoint ? (double) d.attentionStream().cubeCores() / hw.cubeCores() : 1.0;
        fracM = disjoint ? (double) d.moeStream().cubeCores() / hw.cubeCores() : 1.0;

        double pProlog8 = m.qAParams() + m.kvAParams() + m.qBParams();
        prologSecPerToken = 2 * pProlog8 / projRate + 2 * m.wUkParams() / kvbRate;
        outSecPerToken = 2 * m.wUvParams() / kvbRate + 2 * m.oParams() / projRate;
        prologMemSec = bytes.prologWeightBytes / hbmBw;
        outMemSec = bytes.outputWeightBytes / hbmBw;
        attnFlopsPerQueryKey = 2.0 * m.heads() * ((m.kvLoraRank() + m.qkRopeDim()) + m.kvLoraRank());
        kvBytesPerTokenPerLayer = bytes.kvBytesPerTokenPerLayer;
        msgD = bytes.dispatchMessageBytes;
        msgC = bytes.combineMessageBytes;
        wB = bytes.weightBytesPerElement;
        pGate = m.gateParams();
        pExpert = m.expertParams();
        pDense = m.denseFfnParams();
        sharedExperts = m.sharedExperts();

        sharedDedicated = experts.sharedDedicated;
        routedDiesExperts = experts.routedExpertsPerDecodeDie;
        sharedCopies = experts.sharedCopies;
        copiesPerToken = experts.copiesPerToken;
        expertBytesPerDie = experts.expertsOnDecodeDie * pExpert * wB;
        imbalance = d.expertLoadImbalance();
        decodeLoad = experts.decodeLoad;
        EpCollectiveTimes epTimes = new EpCollectiveTimes(hw);
        betaEp = epTimes.betaBytesPerSecond(d.expertParallel());
        alphaD = cal.epLatencyScale() * epTimes.alphaSeconds(d.expertParallel(), true, betaEp);
        alphaC = cal.epLatencyScale() * epTimes.alphaSeconds(d.expertParallel(), false, betaEp);

        // memory-bound vector kernels: norms, quantization, RoPE and cache writes at the measured vector-kernel rate
        // (falls back to the HBM rate), the streaming rest at the HBM rate
        double vecBw = rates.vectorKernelBytesPerSecond;
        var dk = VectorKernels.decode(m);
        double dOn = d.vectorKernels() ? 1 : 0;
        vAttnSecPerToken = dOn * VectorKernels.seconds(dk, VectorKernels.Side.ATTENTION, vecBw, hbmBw);
        vMoeHomeSecPerToken = dOn * (VectorKernels.seconds(dk, VectorKernels.Side.MOE_HOME, vecBw, hbmBw)
                + (sharedDedicated ? 0 : m.sharedExperts() * VectorKernels.seconds(dk, VectorKernels.Side.SHARED_INPUT, vecBw, hbmBw)));
        vExpertSecPerPair = dOn * VectorKernels.seconds(dk, VectorKernels.Side.EXPERT, vecBw, hbmBw);
        vDenseFfnSecPerToken = dOn * VectorKernels.denseFfnSeconds(m, vecBw, hbmBw);
    }

    /**
     * MLA prolog (q_a, kv_a, q_b in the weight type; absorbed W_UK in kv_b_proj's type) as one fused operator:
     * the compute of its GEMMs adds up, its weight bytes add up, the roofline is the max of the two.
     */
    double prolog(double t, double frac) {
        return t <= 0 ? 0 : Math.max(t * prologSecPerToken / frac, prologMemSec);
    }

    double core(double t, double kvSum, double frac) {
        // every one of the q query tokens of a sequence attends to that sequence's KV
        return t <= 0 ? 0 : roof(attnFlopsPerQueryKey * q * kvSum, attnRate * frac, kvSum * kvBytesPerTokenPerLayer, hbmBw);
    }

    /** The attention core's compute per KV token of a sequence (all its q query tokens), as {@link #core} forms it. */
    double coreFlopsPerKvToken() {
        return attnFlopsPerQueryKey * q;
    }

    /** The attention core's compute rate at a core share, as {@link #core} forms it. */
    double coreOpsPerSecond(double frac) {
        return attnRate * frac;
    }

    /** KV bytes per token per layer the attention core reads. */
    double coreKvBytesPerToken() {
        return kvBytesPerTokenPerLayer;
    }

    /** The HBM rate the attention core reads KV at. */
    double hbmBytesPerSecond() {
        return hbmBw;
    }

    /** Absorbed W_UV (kv_b_proj's type) and o_proj (weight type), fused like the prolog. */
    double out(double t, double frac) {
        return t <= 0 ? 0 : Math.max(t * outSecPerToken / frac, outMemSec);
    }

    /** The attention stream of {@code t} query tokens holding {@code kvSum} KV tokens: prolog, core, output, vector kernels. */
    double attn(double t, double kvSum, double frac) {
        return prolog(t, frac) + core(t, kvSum, frac) + out(t, frac) + t * vAttnSecPerToken;
    }

    /**
     * MoE-stream pieces of one microbatch, for the breakdown; index: 0 gate, 1 dispatch, 2 routed expert, 3 shared
     * expert, 4 combine, 5 the token's own vector kernels (post-attention norm, gate cast, top-k, final add).
     */
    void moe(double total, double tMax, double frac, double[] o) {
        o[0] = gate(total, tMax, frac);
        o[1] = dispatch(total, tMax);
        o[2] = routedExperts(total, frac);
        o[3] = sharedExpert(total, tMax, frac);
        o[4] = combine(total, tMax);
        o[5] = homeVectorKernels(total, tMax);
    }

    /**
     * One microbatch's MoE stream: {@code total} query tokens of the instance (the busiest expert die's share of them),
     * {@code tMax} on the fullest die. Dedicated shared-expert dies run beside the routed ones; otherwise both run on
     * every die, one after the other. Scalar pieces rather than the {@link #moe} array: the step's hot path allocates
     * nothing.
     */
    double moeSeconds(double total, double tMax, double frac) {
        if (total <= 0) return 0;
        double routed = routedExperts(total, frac), shared = sharedExpert(total, tMax, frac);
        double expert = sharedDedicated ? Math.max(routed, shared) : routed + shared;
        return gate(total, tMax, frac) + dispatch(total, tMax) + expert + combine(total, tMax) + homeVectorKernels(total, tMax);
    }

    double gate(double total, double tMax, double frac) {
        return total <= 0 ? 0 : roof(2 * pGate * tMax, bf16GemmRate * frac, pGate * 2.0, hbmBw);
    }

    /** Alpha plus the larger of what the fullest die sends and what the busiest expert die receives, over beta. */
    double dispatch(double total, double tMax) {
        return total <= 0 ? 0 : alphaD + Math.max(tMax * copiesPerToken * msgD, receivedPairs(total, tMax) * msgD) / betaEp;
    }

    /** The busiest expert die's routed GEMMs, with the SwiGLU kernel between them. */
    double routedExperts(double total, double frac) {
        if (total <= 0) return 0;
        double routedPairs = routedPairs(total);
        double gemm = sharedDedicated
                ? roof(2 * pExpert * routedPairs, gemmRate * frac, pExpert * wB, hbmBw)
                : roof(2 * pExpert * routedPairs, gemmRate * frac, routedDiesExperts * pExpert * wB, hbmBw);
        return gemm + routedPairs * vExpertSecPerPair;
    }

    /** The shared expert: on its dedicated dies (the instance's tokens over its copies) or on each token's own die. */
    double sharedExpert(double total, double tMax, double frac) {
        if (total <= 0) return 0;
        double sharedPairs = sharedPairs(total, tMax);
        double gemm;
        if (sharedDedicated) {
            gemm = roof(2 * pExpert * sharedPairs, gemmRate * frac, pExpert * wB, hbmBw);
        } else {
            gemm = sharedExperts == 0 ? 0 : roof(2 * pExpert * sharedPairs, gemmRate * frac, sharedExperts * pExpert * wB, hbmBw);
        }
        return gemm + sharedPairs * vExpertSecPerPair;
    }

    /** Alpha plus the larger of what the busiest expert die sends back and what the fullest die receives, over beta. */
    double combine(double total, double tMax) {
        return total <= 0 ? 0 : alphaC + Math.max(receivedPairs(total, tMax) * msgC, tMax * copiesPerToken * msgC) / betaEp;
    }

    double homeVectorKernels(double total, double tMax) {
        return total <= 0 ? 0 : tMax * vMoeHomeSecPerToken;
    }

    private double routedPairs(double total) {
        return imbalance * decodeLoad.busiestDiePairs(total);
    }

    private double sharedPairs(double total, double tMax) {
        return sharedDedicated ? total * sharedExperts / sharedCopies : tMax * sharedExperts;
    }

    /** (token, expert) pairs the busiest expert die receives: routed, or a dedicated shared die's if more. */
    private double receivedPairs(double total, double tMax) {
        double routedPairs = routedPairs(total);
        return sharedDedicated ? Math.max(routedPairs, sharedPairs(total, tMax)) : routedPairs;
    }

    double denseFfn(double t, double frac) {
        return t <= 0 ? 0 : roof(2 * pDense * t, gemmRate * frac, pDense * wB, hbmBw) + t * vDenseFfnSecPerToken;
    }

}
