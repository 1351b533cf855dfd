package io.cmbench.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecException;

/**
 * The first-principles cost model: per-operator rooflines (max of compute time and HBM time, each with a
 * named efficiency factor from an operator benchmark), alpha-beta communication (latency + bytes /
 * bandwidth, alpha per EP degree from the measured dispatch/combine table), two microbatch streams
 * overlapped on their core split, MTP. See docs/MODEL.md for the equations.
 *
 * <p>Immutable and thread-safe. {@link #decodeStepMicros} allocates nothing.
 */
public final class RooflineCostModel implements ServingCostModel {

    /** Decode switches (the CLI's --no-mtp, --no-microbatch, --mtp-acceptance). */
    public record DecodeOptions(boolean mtp, double acceptance, boolean microbatch) {}

    private final HardwareProfile hw;
    private final ModelSpec m;
    private final Deployment dep;
    private final DecodeOptions opts;
    private final PoolLayout layout;
    private final Calibration cal;

    // ---- rates (per die, already multiplied by their efficiency factor) ----
    private final double effGemm, effAttn, effHbm;
    private final double gemmRate;       // weight-dtype GEMM ops/s on the full die
    private final double projRate;       // weight-dtype ops/s of the attention projections on the full die
    private final double attnRate;       // attention-core ops/s on the full die
    private final double prefillAttnRate; // prefill attention (FlashAttention-style, non-absorbed MLA) ops/s on the full die
    private final double bf16GemmRate;   // BF16 GEMM (gate, LM head when BF16)
    private final double headRate;
    private final double kvbRate;        // kv_b_proj (W_UK, W_UV) GEMM ops/s on the full die, in its own data type
    private final double hbmBw;          // achievable HBM bytes/s
    private final double fracA, fracM;   // compute share of the attention / MoE stream

    // ---- bytes ----
    private final double wB, kvB, actB, headB, kvbB;
    private final double kvBytesPerTokenPerLayer, kvBytesPerToken;
    private final double kvStoredBytesPerToken;   // main layers + the MTP module's own layer (what HBM, RDMA and the pool hold)
    private final double prologBytes, outBytes, attnWeightBytes;
    private final double prologSecPerToken, outSecPerToken, prologMemSec, outMemSec;   // full-die compute per token; weight read
    private final double msgD, msgC;
    // vector-core kernels between the GEMMs (VectorKernels), seconds per token or per (token, expert) pair; 0 when off
    private final double vAttnSecPerToken, vMoeHomeSecPerToken, vExpertSecPerPair, vDenseFfnSecPerToken;
    private final double pvAttnSecPerToken, pvMoeHomeSecPerToken, pvExpertSecPerPair, pvRoutingSecPerToken, pvDenseFfnSecPerToken;
    private final boolean pRoutingBesideComm;

    // ---- model constants ----
    private final double pProlog8, pUk, pUv, pO, pExpert, pDense, pGate, pVocab, pMtpProj, pAttnAll, pKvB;
    private final double attnFlopsPerQueryKey;   // decode (absorbed): 2 H (dk + dv), dk = kv_lora + rope, dv = kv_lora
    private final double prefillFlopsPerPair;    // prefill: 2 H (qk_nope + qk_rope + v)
    private final int q;                          // tokens per sequence per step (1 + speculative)
    private final double tokensPerStep;

    // ---- decode EP ----
    private final int decodeDies, slots, routedDiesExperts;
    private final boolean sharedDedicated;
    private final int sharedCopies, copiesPerToken;
    private final double imbalance;
    // stochastic routing (ExpertLoad): the busiest die's expected share and the normal quantile of its excess; 0: balanced
    private final ExpertLoad decodeLoad, prefillLoad;
    private final double alphaD, alphaC, betaEp;
    private final int nMb;
    private final boolean disjoint;
    /**
     * The same instance run as one microbatch, when the deployment's policy is adaptive: an engine overlaps two
     * microbatches only on steps where that is faster (at small batches the split reads every weight twice and
     * has little to hide). Null when the policy is "always" or microbatching is off.
     */
    private final RooflineCostModel singleMicrobatch;

    // ---- prefill ----
    private final int prefillDies, pExpertsPerDie;
    private final double pAlphaD, pAlphaC, pBetaEp, agBw, agLat;
    private final KvMovement kvMovement;
    private final double prefillFreeBytesPerDie;

    private final double decodeWeightBytesPerDie, decodeBufferBytesPerDie, prefillWeightBytesPerDie;

    /** The physics-only model. */
    public RooflineCostModel(HardwareProfile hw, ModelSpec m, Deployment dep, int batchCapOverride, DecodeOptions options) {
        this(hw, m, dep, batchCapOverride, options, Calibration.PHYSICS);
    }

    /** The physics plus a calibration layer ({@link Calibration#PHYSICS}: none). */
    public RooflineCostModel(HardwareProfile hw, ModelSpec m, Deployment dep, int batchCapOverride, DecodeOptions options,
                             Calibration calibration) {
        dep.validateAgainst(hw, m);
        this.cal = calibration;
        this.hw = hw;
        this.m = m;
        this.dep = dep;
        this.opts = options != null ? options
                : new DecodeOptions(dep.mtpEnabled(), dep.mtpAcceptance(), dep.decode().microbatches() > 1);
        if (opts.acceptance() < 0 || opts.acceptance() > 1) throw new IllegalArgumentException("MTP acceptance must be in [0, 1]");
        var dq = dep.quant();
        var eff = hw.efficiency();
        effGemm = eff.get("gemm_compute").value();
        effAttn = eff.get("attention_compute").value();
        effHbm = eff.get("hbm_bandwidth").value();
        gemmRate = hw.peak(dq.weights()) * effGemm;
        attnRate = hw.peak(dq.attention()) * effAttn;
        prefillAttnRate = hw.peak(dq.attention()) * hw.efficiencyOr("prefill_attention_compute", "attention_compute");
        bf16GemmRate = hw.peak("bf16") * effGemm;
        headRate = hw.peak(dq.lmHead()) * effGemm;
        // attention projections (q_a, kv_a, q_b, W_UK / kv_b, W_UV, o_proj) at their own measured rate if the profile has
        // one: their shapes (K of 512-2,048) are not the expert shapes of the GEMM benchmark
        double effProj = hw.efficiencyOr("attention_projection_compute", "gemm_compute");
        projRate = hw.peak(dq.weights()) * effProj;
        kvbRate = hw.peak(dq.kvBProj()) * effProj;
        hbmBw = hw.hbmBandwidthPerDie() * effHbm;
        var d = dep.decode();
        disjoint = d.disjointStreams();
        fracA = disjoint ? (double) d.attentionStream().cubeCores() / hw.cubeCores() : 1.0;
        fracM = disjoint ? (double) d.moeStream().cubeCores() / hw.cubeCores() : 1.0;

        wB = Deployment.bytesOf(dq.weights());
        kvB = Deployment.bytesOf(dq.kvCache());
        actB = Deployment.bytesOf(dq.activations());
        headB = Deployment.bytesOf(dq.lmHead());
        kvbB = Deployment.bytesOf(dq.kvBProj());
        kvBytesPerTokenPerLayer = m.kvElementsPerTokenPerLayer() * kvB;
        kvBytesPerToken = kvBytesPerTokenPerLayer * m.layers();
        kvStoredBytesPerToken = kvBytesPerTokenPerLayer * (m.layers() + m.mtpModules());
        var ep = hw.ep();
        double dispatchOverhead = Math.max(0, ep.dispatchMessageBytes() - m.hidden() * 1.0);
        msgD = m.hidden() * actB + dispatchOverhead;
        msgC = m.hidden() * 2.0;

        pProlog8 = m.qAParams() + m.kvAParams() + m.qBParams();
        pUk = m.wUkParams();
        pUv = m.wUvParams();
        pO = m.oParams();
        prologBytes = pProlog8 * wB + pUk * kvbB;
        outBytes = pUv * kvbB + pO * wB;
        attnWeightBytes = (m.attentionParams() - m.kvBParams()) * wB + m.kvBParams() * kvbB;
        prologSecPerToken = 2 * pProlog8 / projRate + 2 * pUk / kvbRate;
        outSecPerToken = 2 * pUv / kvbRate + 2 * pO / projRate;
        prologMemSec = prologBytes / hbmBw;
        outMemSec = outBytes / hbmBw;
        pAttnAll = m.attentionParams();
        pKvB = m.kvBParams();
        pExpert = m.expertParams();
        pDense = m.denseFfnParams();
        pGate = m.gateParams();
        pVocab = m.vocabParams();
        pMtpProj = m.mtpProjParams();
        attnFlopsPerQueryKey = 2.0 * m.heads() * ((m.kvLoraRank() + m.qkRopeDim()) + m.kvLoraRank());
        prefillFlopsPerPair = 2.0 * m.heads() * (m.qkNopeDim() + m.qkRopeDim() + m.vHeadDim());
        int spec = opts.mtp() ? Math.max(1, dep.mtpSpeculativeTokens()) : 0;
        if (opts.mtp() && m.mtpModules() == 0) throw new IllegalArgumentException("model " + m.name() + " has no MTP module");
        q = 1 + spec;
        double tps = 1;
        for (int i = 1; i <= spec; i++) tps += Math.pow(opts.acceptance(), i);
        tokensPerStep = tps;

        decodeDies = d.npusPerInstance() * hw.diesPerNpu();
        slots = m.routedExperts() + d.redundantExperts();
        sharedDedicated = d.sharedDedicated();
        routedDiesExperts = sharedDedicated ? 1 : slots / d.expertParallel();
        sharedCopies = sharedDedicated ? d.sharedExpertCopies() : decodeDies;
        copiesPerToken = m.topK() + (sharedDedicated ? m.sharedExperts() : 0);
        imbalance = d.expertLoadImbalance();
        decodeLoad = new ExpertLoad(m.routedExperts(), m.topK(), d.redundantExperts(), routedDiesExperts,
                sharedDedicated ? d.expertParallel() - sharedCopies : d.expertParallel(), d.stochasticRouting());
        EpCollectiveTimes epTimes = new EpCollectiveTimes(hw);
        betaEp = epTimes.betaBytesPerSecond(d.expertParallel());
        alphaD = cal.epLatencyScale() * epTimes.alphaSeconds(d.expertParallel(), true, betaEp);
        alphaC = cal.epLatencyScale() * epTimes.alphaSeconds(d.expertParallel(), false, betaEp);
        nMb = opts.microbatch() ? 2 : 1;

        var p = dep.prefill();
        // memory-bound vector kernels: their activation bytes over the achievable HBM bandwidth
        // norms, quantization, RoPE and cache writes at the measured vector-kernel rate (falls back to the HBM rate)
        double vecBw = hw.hbmBandwidthPerDie() * hw.efficiencyOr("vector_kernel_bandwidth", "hbm_bandwidth");
        var dk = VectorKernels.decode(m);
        double dOn = d.vectorKernels() ? 1 : 0;
        vAttnSecPerToken = dOn * VectorKernels.seconds(dk, VectorKernels.Side.ATTENTION, vecBw, hbmBw);
        vMoeHomeSecPerToken = dOn * (VectorKernels.seconds(dk, VectorKernels.Side.MOE_HOME, vecBw, hbmBw)
                + (sharedDedicated ? 0 : m.sharedExperts() * VectorKernels.seconds(dk, VectorKernels.Side.SHARED_INPUT, vecBw, hbmBw)));
        vExpertSecPerPair = dOn * VectorKernels.seconds(dk, VectorKernels.Side.EXPERT, vecBw, hbmBw);
        vDenseFfnSecPerToken = dOn * VectorKernels.denseFfnSeconds(m, vecBw, hbmBw);
        var pk = VectorKernels.prefill(m);
        double pOn = p.vectorKernels() ? 1 : 0;
        pvAttnSecPerToken = pOn * VectorKernels.seconds(pk, VectorKernels.Side.ATTENTION, vecBw, hbmBw);
        pvMoeHomeSecPerToken = pOn * (VectorKernels.seconds(pk, VectorKernels.Side.MOE_HOME, vecBw, hbmBw)
                + m.sharedExperts() * VectorKernels.seconds(pk, VectorKernels.Side.SHARED_INPUT, vecBw, hbmBw));
        pvExpertSecPerPair = pOn * VectorKernels.seconds(pk, VectorKernels.Side.EXPERT, vecBw, hbmBw);
        pvRoutingSecPerToken = pOn * VectorKernels.seconds(pk, VectorKernels.Side.ROUTING, vecBw, hbmBw);
        pvDenseFfnSecPerToken = pOn * VectorKernels.denseFfnSeconds(m, vecBw, hbmBw);
        pRoutingBesideComm = p.routingBesideCommunication();
        prefillDies = p.npusPerInstance() * hw.diesPerNpu();
        pExpertsPerDie = (m.routedExperts() + p.redundantExperts()) / p.expertParallel();
        prefillLoad = new ExpertLoad(m.routedExperts(), m.topK(), p.redundantExperts(), pExpertsPerDie,
                p.expertParallel(), p.stochasticRouting());
        pBetaEp = epTimes.betaBytesPerSecond(p.expertParallel());
        pAlphaD = cal.epLatencyScale() * epTimes.alphaSeconds(p.expertParallel(), true, pBetaEp);
        pAlphaC = cal.epLatencyScale() * epTimes.alphaSeconds(p.expertParallel(), false, pBetaEp);
        var rd = hw.ubPaths().get("npu_npu_read");
        boolean tpIntra = p.attentionTp() <= hw.diesPerNode();
        agBw = tpIntra ? rd.intraBandwidth() : rd.interBandwidth();
        agLat = tpIntra ? rd.intraLatency() : rd.interLatency();
        kvMovement = new KvMovement(hw, dep, kvStoredBytesPerToken);

        // ---- memory ----
        int mtpLayers = m.mtpModules();
        double common = (m.layers() + mtpLayers) * attnWeightBytes + m.denseLayers() * pDense * wB
                + (m.moeLayers() + mtpLayers) * pGate * 2.0 + pVocab * 2.0 /* embedding, BF16 */ + pVocab * headB
                + mtpLayers * pMtpProj * wB;
        int expertsOnDie = sharedDedicated ? 1 : routedDiesExperts + m.sharedExperts();
        decodeWeightBytesPerDie = common + (m.moeLayers() + mtpLayers) * expertsOnDie * pExpert * wB;
        int cap = batchCapOverride > 0 ? batchCapOverride : d.batchCapPerNpu();
        int capSeqsPerDie = (cap + hw.diesPerNpu() - 1) / hw.diesPerNpu();
        decodeBufferBytesPerDie = (double) d.expertParallel() * capSeqsPerDie * q * (msgD + msgC);
        double free = hw.hbmBytesPerDie() - decodeWeightBytesPerDie - decodeBufferBytesPerDie - d.runtimeReservePerDie();
        long kvCap = (long) Math.floor(free / kvStoredBytesPerToken);
        if (kvCap <= 0) {
            throw new SpecException(dep.file(), "decode.expert_parallel", String.format(
                    "weights %.1f GB + dispatch/combine buffers %.2f GB + reserve %.1f GB exceed the %.0f GB of HBM per die on %s",
                    decodeWeightBytesPerDie / 1e9, decodeBufferBytesPerDie / 1e9, d.runtimeReservePerDie() / 1e9,
                    hw.hbmBytesPerDie() / 1e9, hw.name()));
        }
        prefillWeightBytesPerDie = common + (m.moeLayers() + mtpLayers) * (pExpertsPerDie + m.sharedExperts()) * pExpert * wB;
        prefillFreeBytesPerDie = hw.hbmBytesPerDie() - prefillWeightBytesPerDie - p.runtimeReservePerDie();
        if (prefillFreeBytesPerDie <= 0) {
            throw new SpecException(dep.file(), "prefill.expert_parallel", String.format(
                    "%d experts per die: weights %.1f GB + reserve %.1f GB exceed the %.0f GB of HBM per die on %s",
                    pExpertsPerDie + m.sharedExperts(), prefillWeightBytesPerDie / 1e9, p.runtimeReservePerDie() / 1e9,
                    hw.hbmBytesPerDie() / 1e9, hw.name()));
        }
        int budget = (int) Math.min(Integer.MAX_VALUE, (long) p.batchTokensPerNpu() * p.npusPerInstance());
        layout = new PoolLayout(p.instances(), p.npusPerInstance(), budget, d.instances(), d.npusPerInstance(),
                hw.diesPerNpu(), cap, kvCap);
        singleMicrobatch = opts.microbatch() && d.adaptiveMicrobatch()
                ? new RooflineCostModel(hw, m, dep, batchCapOverride, new DecodeOptions(opts.mtp(), opts.acceptance(), false), cal)
                : null;
    }

    /** The same hardware and model on a variant of the deployment (its own default decode switches). */
    public RooflineCostModel withDeployment(Deployment d) {
        return new RooflineCostModel(hw, m, d, 0, null, cal);
    }

    /** The same model with other decode switches. */
    public RooflineCostModel withDecodeOptions(DecodeOptions o) {
        return new RooflineCostModel(hw, m, dep, layout.decodeBatchCapPerNpu(), o, cal);
    }

    /** The same model with another calibration layer. */
    public RooflineCostModel withCalibration(Calibration c) {
        return new RooflineCostModel(hw, m, dep, layout.decodeBatchCapPerNpu(), opts, c);
    }

    /** The same model with the decode batch cap (and so the dispatch/combine buffers) sized for {@code batchCapPerNpu}. */
    public RooflineCostModel withBatchCap(int batchCapPerNpu) {
        return new RooflineCostModel(hw, m, dep, batchCapPerNpu, opts, cal);
    }

    // =====================================================================================
    // alpha-beta of expert-parallel dispatch/combine
    // =====================================================================================

    public double dispatchAlphaMicros() { return alphaD * 1e6; }
    public double combineAlphaMicros() { return alphaC * 1e6; }
    public double epBetaBytesPerSecond() { return betaEp; }

    // =====================================================================================
    // decode
    // =====================================================================================

    private static final List<String> STREAM_KEYS = List.of("attention_stream", "moe_stream", "chain", "hbm", "moe_layer",
            "dense_layer", "mtp", "lm_head", "pipeline_fill_drain");

    private static double roof(double flops, double rate, double bytes, double bw) {
        return Math.max(flops / rate, bytes / bw);
    }

    /**
     * MLA prolog (q_a, kv_a, q_b in the weight type; absorbed W_UK in kv_b_proj's type) as one fused operator:
     * the compute of its GEMMs adds up, its weight bytes add up, the roofline is the max of the two.
     */
    private double prolog(double t, double frac) {
        return t <= 0 ? 0 : Math.max(t * prologSecPerToken / frac, prologMemSec);
    }

    private double core(double t, double kvSum, double frac) {
        // every one of the q query tokens of a sequence attends to that sequence's KV
        return t <= 0 ? 0 : roof(attnFlopsPerQueryKey * q * kvSum, attnRate * frac, kvSum * kvBytesPerTokenPerLayer, hbmBw);
    }

    /** Absorbed W_UV (kv_b_proj's type) and o_proj (weight type), fused like the prolog. */
    private double out(double t, double frac) {
        return t <= 0 ? 0 : Math.max(t * outSecPerToken / frac, outMemSec);
    }

    private double attn(double t, double kvSum, double frac) {
        return prolog(t, frac) + core(t, kvSum, frac) + out(t, frac) + t * vAttnSecPerToken;
    }

    /**
     * MoE-stream pieces of one microbatch; index: 0 gate, 1 dispatch, 2 routed expert, 3 shared expert, 4 combine,
     * 5 the token's own vector kernels (post-attention norm, gate cast, top-k, final add). The experts include the
     * SwiGLU kernel between their GEMMs.
     */
    private void moe(double total, double tMax, double frac, double[] o) {
        if (total <= 0) {
            java.util.Arrays.fill(o, 0, 6, 0);
            return;
        }
        o[0] = roof(2 * pGate * tMax, bf16GemmRate * frac, pGate * 2.0, hbmBw);
        double routedPairs = imbalance * decodeLoad.busiestDiePairs(total);
        double sharedPairs = sharedDedicated ? total * m.sharedExperts() / sharedCopies : tMax * m.sharedExperts();
        double sendD = tMax * copiesPerToken * msgD;
        double recvPairs = sharedDedicated ? Math.max(routedPairs, sharedPairs) : routedPairs;
        o[1] = alphaD + Math.max(sendD, recvPairs * msgD) / betaEp;
        if (sharedDedicated) {
            o[2] = roof(2 * pExpert * routedPairs, gemmRate * frac, pExpert * wB, hbmBw);
            o[3] = roof(2 * pExpert * sharedPairs, gemmRate * frac, pExpert * wB, hbmBw);
        } else {
            // routed and shared experts run on the same die, one after the other
            o[2] = roof(2 * pExpert * routedPairs, gemmRate * frac, routedDiesExperts * pExpert * wB, hbmBw);
            o[3] = m.sharedExperts() == 0 ? 0 : roof(2 * pExpert * sharedPairs, gemmRate * frac, m.sharedExperts() * pExpert * wB, hbmBw);
        }
        o[2] += routedPairs * vExpertSecPerPair;
        o[3] += sharedPairs * vExpertSecPerPair;
        o[4] = alphaC + Math.max(recvPairs * msgC, tMax * copiesPerToken * msgC) / betaEp;
        o[5] = tMax * vMoeHomeSecPerToken;
    }

    private double moeTime(double[] o) {
        double expert = sharedDedicated ? Math.max(o[2], o[3]) : o[2] + o[3];
        return o[0] + o[1] + expert + o[4] + o[5];
    }

    private double denseFfn(double t, double frac) {
        return t <= 0 ? 0 : roof(2 * pDense * t, gemmRate * frac, pDense * wB, hbmBw) + t * vDenseFfnSecPerToken;
    }

    private double expertBytesPerDie() {
        return (sharedDedicated ? 1 : routedDiesExperts + m.sharedExperts()) * pExpert * wB;
    }

    @Override
    public long decodeStepMicros(int[] sequencesPerDie, long[] kvTokensPerDie) {
        long step = Math.round(evaluateDecode(sequencesPerDie, kvTokensPerDie, null) * 1e6);
        return singleMicrobatch == null ? step : Math.min(step, singleMicrobatch.decodeStepMicros(sequencesPerDie, kvTokensPerDie));
    }

    /** Whether this step runs as two overlapped microbatches (false: one), under the deployment's policy. */
    public boolean decodeUsesTwoMicrobatches(int[] sequencesPerDie, long[] kvTokensPerDie) {
        if (!opts.microbatch()) {
            return false;
        }
        return singleMicrobatch == null || evaluateDecode(sequencesPerDie, kvTokensPerDie, null)
                <= singleMicrobatch.evaluateDecode(sequencesPerDie, kvTokensPerDie, null);
    }

    /** Full breakdown of one decode step. */
    public DecodeResult decode(int[] sequencesPerDie, long[] kvTokensPerDie) {
        if (singleMicrobatch != null && !decodeUsesTwoMicrobatches(sequencesPerDie, kvTokensPerDie)) {
            return singleMicrobatch.decode(sequencesPerDie, kvTokensPerDie);
        }
        Map<String, Double> ops = new LinkedHashMap<>();
        double step = evaluateDecode(sequencesPerDie, kvTokensPerDie, ops);
        Map<String, Double> streams = new LinkedHashMap<>();
        for (String k : STREAM_KEYS) {
            streams.put(k, ops.remove("#" + k));
        }
        return new DecodeResult(step * 1e6, tokensPerStep, streams.get("moe_layer"), streams.get("dense_layer"),
                streams.get("mtp"), streams.get("lm_head"), ops, streams, nMb);
    }

    /** Decode step for a uniform instance: every NPU holds {@code batchPerNpu} sequences of KV length {@code kvLength}. */
    public DecodeResult decodeUniform(int batchPerNpu, long kvLength) {
        int dies = layout.decodeDiesPerInstance();
        int[] s = new int[dies];
        long[] k = new long[dies];
        int per = hw.diesPerNpu();
        for (int i = 0; i < dies; i++) {
            int dieInNpu = i % per;
            s[i] = batchPerNpu / per + (dieInNpu < batchPerNpu % per ? 1 : 0);
            k[i] = s[i] * kvLength;
        }
        return decode(s, k);
    }

    /** Seconds. If {@code ops} is non-null, fills per-operator µs per layer (slowest die) and '#'-prefixed totals. */
    private double evaluateDecode(int[] seqs, long[] kv, Map<String, Double> ops) {
        int n = seqs.length;
        if (kv.length != n) throw new IllegalArgumentException("sequencesPerDie and kvTokensPerDie differ in length: " + n + " vs " + kv.length);
        long cap = layout.kvCacheTokensPerDie();
        double tA = 0, tB = 0, tAll = 0, tMaxA = 0, tMaxB = 0, tMaxAll = 0, sMax = 0;
        double aMaxA = 0, aMaxB = 0, aMaxSum = 0, aMaxAll = 0, kvMax = 0;
        int worst = -1;
        final boolean mb = nMb == 2;
        int prevS = -1;
        long prevK = -1;
        double prevA1 = 0, prevA2 = 0;   // dies with the same load as the previous die cost the same (uniform batches)
        for (int i = 0; i < n; i++) {
            int s = seqs[i];
            long k = kv[i];
            if (s < 0 || k < 0) throw new IllegalArgumentException("die " + i + ": negative batch or KV (" + s + ", " + k + ")");
            if (k > cap) {
                throw new InsufficientMemoryException(String.format(
                        "die %d: %d KV tokens do not fit in HBM (capacity %d tokens per die after %.1f GB weights and buffers)",
                        i, k, cap, (decodeWeightBytesPerDie + decodeBufferBytesPerDie) / 1e9));
            }
            if (s == 0) continue;
            if (k > kvMax) kvMax = k;
            if (s > sMax) sMax = s;
            double t = (double) s * q;
            tAll += t;
            if (t > tMaxAll) tMaxAll = t;
            if (mb) {
                int sa = (s + 1) >> 1;
                int sb = s - sa;
                double ka = (double) k * sa / s;
                double ta = (double) sa * q, tb = (double) sb * q;
                double a1, a2;
                if (s == prevS && k == prevK) {
                    a1 = prevA1;
                    a2 = prevA2;
                } else {
                    a1 = attn(ta, ka, fracA);
                    a2 = attn(tb, k - ka, fracA);
                    prevS = s;
                    prevK = k;
                    prevA1 = a1;
                    prevA2 = a2;
                }
                tA += ta;
                tB += tb;
                if (ta > tMaxA) tMaxA = ta;
                if (tb > tMaxB) tMaxB = tb;
                if (a1 > aMaxA) aMaxA = a1;
                if (a2 > aMaxB) aMaxB = a2;
                if (a1 + a2 > aMaxSum) {
                    aMaxSum = a1 + a2;
                    worst = i;
                }
            } else {
                double a;
                if (s == prevS && k == prevK) {
                    a = prevA1;
                } else {
                    a = attn(t, k, 1.0);
                    prevS = s;
                    prevK = k;
                    prevA1 = a;
                }
                if (a > aMaxAll) {
                    aMaxAll = a;
                    worst = i;
                }
            }
        }
        if (tAll == 0) {
            if (ops != null) fillEmpty(ops);
            return 0;
        }
        double moeLayer, denseLayer;
        double[] oA = new double[6];   // small, escapes analysis in practice
        double[] oB = new double[6];
        double streamA, streamM, chain, hbm, fill = 0;
        if (mb) {
            moe(tA, tMaxA, fracM, oA);
            moe(tB, tMaxB, fracM, oB);
            double mA = moeTime(oA), mB = moeTime(oB);
            hbm = (2 * (prologBytes + outBytes) + kvMax * kvBytesPerTokenPerLayer + 2 * expertBytesPerDie()) / hbmBw
                    + (tMaxA + tMaxB) * (vAttnSecPerToken + vMoeHomeSecPerToken);
            if (disjoint) {
                streamA = aMaxSum;
                streamM = mA + mB;
            } else {
                // time-shared SMs: all compute queues on the same cores; dispatch/combine use no SMs
                double commA = oA[1] + oA[4], commB = oB[1] + oB[4];
                streamA = aMaxSum + (mA - commA) + (mB - commB);
                streamM = commA + commB;
            }
            chain = Math.max(aMaxA + mA, aMaxB + mB);
            // calibration: the wait for the slowest die closes every MoE layer (zero in the physics variant)
            moeLayer = Math.max(Math.max(streamA, streamM), Math.max(chain, hbm)) + cal.syncWaitSeconds(tMaxAll);
            double fA = denseFfn(tMaxA, fracM), fB = denseFfn(tMaxB, fracM);
            double dHbm = (2 * (prologBytes + outBytes + pDense * wB) + kvMax * kvBytesPerTokenPerLayer) / hbmBw;
            double dStreamM = fA + fB;
            double dStreamA = disjoint ? aMaxSum : aMaxSum + fA + fB;
            if (!disjoint) dStreamM = 0;
            denseLayer = Math.max(Math.max(dStreamA, dStreamM), Math.max(Math.max(aMaxA + fA, aMaxB + fB), dHbm));
            // Pipeline fill/drain of one forward pass: n layers of period P take n P + F, F = T1 - P, where
            // T1 = max(A_sum, a1 + m1) + m2 is the makespan of a single layer (the last microbatch's MoE part is
            // exposed when the attention stream binds; the first microbatch's attention when the MoE stream binds).
            // Time-shared SMs: the last microbatch's combine is exposed after the compute queue drains.
            fill = disjoint ? Math.max(0, Math.max(aMaxSum, aMaxA + mA) + mB - moeLayer) : oB[4];
        } else {
            moe(tAll, tMaxAll, 1.0, oA);
            double mAll = moeTime(oA);
            streamA = aMaxAll;
            streamM = mAll;
            chain = aMaxAll + mAll;
            hbm = 0;
            moeLayer = chain + cal.syncWaitSeconds(tMaxAll);
            denseLayer = aMaxAll + denseFfn(tMaxAll, 1.0);
        }
        int spec = q - 1;
        double mtpProj = roof(2 * pMtpProj * tMaxAll, gemmRate, pMtpProj * wB, hbmBw);
        double mtpHead = roof(2 * pVocab * sMax, headRate, pVocab * headB, hbmBw);
        // the MTP module is its own forward pass (it needs the main pass's sampled token): one MoE layer with its
        // own fill/drain, the projection and the draft LM head
        double mtp = spec == 0 ? 0 : spec * (moeLayer + fill + mtpProj + mtpHead);
        double head = roof(2 * pVocab * tMaxAll, headRate, pVocab * headB, hbmBw);
        double step = m.moeLayers() * moeLayer + m.denseLayers() * denseLayer + fill + mtp + head;
        if (ops != null) fillOps(ops, seqs, kv, worst, mb, oA, oB, streamA, streamM, chain, hbm, moeLayer, denseLayer, mtp, head, fill);
        return step;
    }

    private void fillEmpty(Map<String, Double> ops) {
        for (String k : STREAM_KEYS) {
            ops.put("#" + k, 0.0);
        }
    }

    private void fillOps(Map<String, Double> ops, int[] seqs, long[] kv, int worst, boolean mb, double[] oA, double[] oB,
                         double streamA, double streamM, double chain, double hbm, double moeLayer, double denseLayer,
                         double mtp, double head, double fill) {
        int s = seqs[worst];
        long k = kv[worst];
        double frac = mb ? fracA : 1.0;
        double pro, cor, o;
        if (mb) {
            int sa = (s + 1) >> 1;
            int sb = s - sa;
            double ka = (double) k * sa / s;
            pro = prolog((double) sa * q, frac) + prolog((double) sb * q, frac);
            cor = core((double) sa * q, ka, frac) + core((double) sb * q, k - ka, frac);
            o = out((double) sa * q, frac) + out((double) sb * q, frac);
        } else {
            pro = prolog((double) s * q, frac);
            cor = core((double) s * q, k, frac);
            o = out((double) s * q, frac);
        }
        double us = 1e6;
        ops.put("mla_prolog", pro * us);
        ops.put("attention_core", cor * us);
        ops.put("output_projection", o * us);
        String[] names = {"gate", "dispatch", "routed_experts", "shared_expert", "combine"};
        for (int i = 0; i < 5; i++) ops.put(names[i], (oA[i] + (mb ? oB[i] : 0)) * us);
        // the attention stream's and the token's MoE-side vector kernels (the experts' SwiGLU is in their operators)
        ops.put("vector_kernels", ((double) s * q * vAttnSecPerToken + oA[5] + (mb ? oB[5] : 0)) * us);
        ops.put("#attention_stream", streamA * us);
        ops.put("#moe_stream", streamM * us);
        ops.put("#chain", chain * us);
        ops.put("#hbm", hbm * us);
        ops.put("#moe_layer", moeLayer * us);
        ops.put("#dense_layer", denseLayer * us);
        ops.put("#mtp", mtp * us);
        ops.put("#lm_head", head * us);
        ops.put("#pipeline_fill_drain", fill * us);
        ops.put("dense_ffn", denseFfnPart(seqs, mb) * us);
        if (!cal.isIdentity()) ops.put("sync_wait (calibration)", cal.syncWaitSeconds(tMaxOf(seqs) * q) * us);
    }

    private static double tMaxOf(int[] seqs) {
        int t = 0;
        for (int s : seqs) t = Math.max(t, s);
        return t;
    }

    private double denseFfnPart(int[] seqs, boolean mb) {
        double tMax = 0;
        for (int s : seqs) tMax = Math.max(tMax, s);
        if (!mb) return denseFfn(tMax * q, 1.0);
        int sa = ((int) tMax + 1) >> 1;
        return denseFfn((double) sa * q, fracM) + denseFfn((double) ((int) tMax - sa) * q, fracM);
    }

    // =====================================================================================
    // prefill
    // =====================================================================================

    @Override
    public long prefillBatchMicros(int[] promptTokens, int[] cachedTokens) {
        return Math.round(prefill(promptTokens, cachedTokens).batchMicros());
    }

    /** A batch on one prefill instance; prompts are spread evenly over the instance's dies (sequence parallel). */
    public PrefillResult prefill(int[] promptTokens, int[] cachedTokens) {
        if (cachedTokens != null && cachedTokens.length != promptTokens.length) {
            throw new IllegalArgumentException("promptTokens and cachedTokens differ in length");
        }
        var p = dep.prefill();
        double D = prefillDies;
        double total = 0, cached = 0, pairs = 0;
        int prompts = 0;
        for (int i = 0; i < promptTokens.length; i++) {
            int len = promptTokens[i];
            int c = cachedTokens == null ? 0 : cachedTokens[i];
            if (len < 0 || c < 0 || c > len) throw new IllegalArgumentException("prompt " + i + ": bad lengths (" + len + ", cached " + c + ")");
            if (len == 0) continue;
            prompts++;
            total += len;
            cached += c;
            // causal attention: query position j attends to j keys (prefix included)
            pairs += (double) len * (len + 1) / 2 - (double) c * (c + 1) / 2;
        }
        Map<String, Double> ops = new LinkedHashMap<>();
        Map<String, Double> totals = new LinkedHashMap<>();
        if (total == 0) return new PrefillResult(0, 0, 0, 0, 0, ops, totals);
        double kvNeeded = total / D * kvStoredBytesPerToken;
        if (kvNeeded > prefillFreeBytesPerDie) {
            throw new InsufficientMemoryException(String.format(
                    "prefill batch of %.0f tokens needs %.1f GB of KV per die; %.1f GB free after weights and reserve",
                    total, kvNeeded / 1e9, prefillFreeBytesPerDie / 1e9));
        }
        double u = (total - cached) / D;          // computed tokens per die
        double cd = cached / D;                    // cached tokens per die
        // ---- compute per layer per die (cube cores; rooflines on the full die) ----
        // kv_b_proj (in its own type) decompresses the computed and the cached tokens' latent KV
        double mlaLinear = u <= 0 && cd <= 0 ? 0
                : Math.max(2 * (pAttnAll - pKvB) * u / projRate + 2 * pKvB * (u + cd) / kvbRate, attnWeightBytes / hbmBw);
        double attnCore = roof(prefillFlopsPerPair * pairs / D, prefillAttnRate,
                (total / D) * kvBytesPerTokenPerLayer, hbmBw);
        double gate = u <= 0 ? 0 : roof(2 * pGate * u, bf16GemmRate, pGate * 2.0, hbmBw);
        double uTotal = total - cached;
        double routedPairs = p.expertLoadImbalance() * prefillLoad.busiestDiePairs(uTotal);
        double experts = u <= 0 ? 0 : roof(2 * pExpert * (routedPairs + u * m.sharedExperts()), gemmRate,
                (pExpertsPerDie + m.sharedExperts()) * pExpert * wB, hbmBw);
        double dense = u <= 0 ? 0 : roof(2 * pDense * u, gemmRate, pDense * wB, hbmBw);
        // ---- communication per layer per die ----
        int tp = p.attentionTp();
        double ag = 0, a2a = 0;
        if (tp > 1 && u > 0) {
            double latentBytes = (m.qLoraRank() + m.kvLoraRank() + m.qkRopeDim()) * 2.0;
            ag = agLat + (tp - 1) * u * latentBytes / agBw;
            a2a = agLat + (double) (tp - 1) / tp * u * m.heads() * m.vHeadDim() * 2.0 / agBw;
        }
        double dispatch = 0, combine = 0;
        if (u > 0) {
            double send = u * m.topK();
            dispatch = pAlphaD + Math.max(send, routedPairs) * msgD / pBetaEp;
            combine = pAlphaC + Math.max(send, routedPairs) * msgC / pBetaEp;
        }
        double cacheRead = cd > 0 ? cd * kvBytesPerTokenPerLayer / kvMovement.poolReadBytesPerSecond : 0;
        // vector kernels between the GEMMs on the compute stream; the routing permutations there too, or on the vector
        // cores beside the communication when the deployment prepares dispatch/combine there
        double routing = u * pvRoutingSecPerToken;
        double vector = u <= 0 ? 0 : u * (pvAttnSecPerToken + pvMoeHomeSecPerToken)
                + (routedPairs + u * m.sharedExperts()) * pvExpertSecPerPair;
        double denseVector = u * (pvAttnSecPerToken + pvDenseFfnSecPerToken);
        double calibrated = u * cal.prefillComputeMicrosPerToken() * 1e-6;
        double computeMoe = mlaLinear + attnCore + gate + experts + vector + calibrated + (pRoutingBesideComm ? 0 : routing);
        double commMoe = ag + a2a + dispatch + combine + cacheRead + (pRoutingBesideComm ? routing : 0);
        double computeDense = mlaLinear + attnCore + dense + denseVector + calibrated;
        double commDense = ag + a2a + cacheRead;
        boolean overlap = p.microbatches() > 1;
        // calibration: the wait for the slowest die closes every MoE layer (zero in the physics variant)
        double moeLayer = (overlap ? Math.max(computeMoe, commMoe) : computeMoe + commMoe) + cal.syncWaitSeconds(u);
        double denseLayer = overlap ? Math.max(computeDense, commDense) : computeDense + commDense;
        // Pipeline fill/drain of a pass with two microbatches: the cube cores can hide the first microbatch's
        // first exchange behind the second's compute, but the last microbatch's combine is exposed.
        double fill = overlap ? combine / 2 : 0;
        double head = roof(2 * pVocab * Math.ceil(prompts / D), headRate, pVocab * headB, hbmBw);
        double mtp = 0;
        if (dep.mtpEnabled()) {
            // the MTP module is its own pass (one MoE layer + projection) and ends in the draft LM head
            double proj = u <= 0 ? 0 : roof(2 * pMtpProj * u, gemmRate, pMtpProj * wB, hbmBw);
            mtp = m.mtpModules() * (moeLayer + fill + proj + head);
        }
        double batch = m.moeLayers() * moeLayer + m.denseLayers() * denseLayer + fill + mtp + head + (cd > 0 ? kvMovement.poolReadLatencySeconds : 0);
        double us = 1e6;
        ops.put("mla_linear", mlaLinear * us);
        ops.put("attention_core", attnCore * us);
        ops.put("gate", gate * us);
        ops.put("experts", experts * us);
        ops.put("dense_ffn", dense * us);
        ops.put("all_gather", ag * us);
        ops.put("all_to_all", a2a * us);
        ops.put("dispatch", dispatch * us);
        ops.put("combine", combine * us);
        ops.put("cache_read", cacheRead * us);
        ops.put("vector_kernels", vector * us);
        ops.put("routing_permutations", routing * us);
        if (!cal.isIdentity()) {
            ops.put("compute (calibration)", calibrated * us);
            ops.put("sync_wait (calibration)", cal.syncWaitSeconds(u) * us);
        }
        totals.put("compute_moe_layer", computeMoe * us);
        totals.put("communication_moe_layer", commMoe * us);
        totals.put("overlapped", overlap ? 1.0 : 0.0);
        totals.put("mtp", mtp * us);
        totals.put("lm_head", head * us);
        totals.put("pipeline_fill_drain", fill * us);
        return new PrefillResult(batch * us, (long) total, (long) (total - cached), moeLayer * us, denseLayer * us, ops, totals);
    }

    // =====================================================================================
    // KV movement
    // =====================================================================================

    @Override
    public long kvTransferMicros(int contextTokens) {
        return kvMovement.transferMicros(contextTokens);
    }

    /**
     * Standalone read of cached KV from the memory pool over UB into one die. Note: {@link #prefillBatchMicros}
     * already includes loading the cached prefix of its prompts (layer by layer, overlapped); callers must not
     * add both for the same tokens.
     */
    @Override
    public long cacheReadMicros(int tokens) {
        return kvMovement.poolReadMicros(tokens);
    }

    /** Writing {@code tokens} tokens of KV to the memory pool over UB from one die. */
    public long cacheWriteMicros(int tokens) {
        return kvMovement.poolWriteMicros(tokens);
    }

    // =====================================================================================
    // accessors
    // =====================================================================================

    @Override public PoolLayout layout() { return layout; }
    @Override public int mtpSpeculativeTokens() { return q - 1; }
    @Override public double mtpAcceptance() { return opts.acceptance(); }

    public double tokensPerStep() { return tokensPerStep; }
    public HardwareProfile profile() { return hw; }
    public ModelSpec modelSpec() { return m; }
    public Deployment deployment() { return dep; }
    public DecodeOptions decodeOptions() { return opts; }
    public Calibration calibration() { return cal; }
    /** KV bytes per token of the main model's layers (35,136 B for DeepSeek-R1 at 8 bits). */
    public double kvBytesPerToken() { return kvBytesPerToken; }
    /** KV bytes per token as stored, moved and cached: the main layers plus the MTP module's own layer. */
    public double kvStoredBytesPerToken() { return kvStoredBytesPerToken; }
    public double decodeWeightBytesPerDie() { return decodeWeightBytesPerDie; }
    public double decodeBufferBytesPerDie() { return decodeBufferBytesPerDie; }
    public double prefillWeightBytesPerDie() { return prefillWeightBytesPerDie; }
    public double dispatchMessageBytes() { return msgD; }
    public double combineMessageBytes() { return msgC; }
}
