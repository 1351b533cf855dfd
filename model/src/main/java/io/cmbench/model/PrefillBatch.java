package io.cmbench.model;

import static io.cmbench.model.Roofline.roof;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;

/**
 * One prefill batch on one prefill instance: per layer the compute stream (MLA projections, causal attention, gate,
 * experts, vector kernels) against the communication (attention-TP all-gather / all-to-all, EP dispatch and combine, the
 * cached prefix's read from the pool), overlapped when the deployment runs two microbatches, then the MTP pass and the
 * LM head. Prompts are spread evenly over the instance's dies (sequence parallel).
 */
final class PrefillBatch {
    private final ModelSpec m;
    private final Deployment.Prefill p;
    private final MemoryPlan memory;
    private final KvMovement kvMovement;
    private final Calibration cal;
    private final boolean mtpEnabled;
    private final int prefillDies, pExpertsPerDie;
    private final ExpertLoad prefillLoad;
    private final double gemmRate, projRate, kvbRate, prefillAttnRate, bf16GemmRate, headRate, hbmBw;
    private final double wB, headB, kvBytesPerTokenPerLayer, attnWeightBytes, msgD, msgC;
    private final double pAttnAll, pKvB, pExpert, pDense, pGate, pVocab, pMtpProj;
    private final double prefillFlopsPerPair;    // 2 H (qk_nope + qk_rope + v): non-absorbed MLA
    private final double pAlphaD, pAlphaC, pBetaEp;   // EP dispatch/combine at the prefill EP degree
    private final double agBw, agLat;            // attention-TP collectives over UB, within a node or across
    // vector-core kernels between the GEMMs (VectorKernels), seconds per token or per (token, expert) pair; 0 when off
    private final double pvAttnSecPerToken, pvMoeHomeSecPerToken, pvExpertSecPerPair, pvRoutingSecPerToken, pvDenseFfnSecPerToken;
    private final boolean pRoutingBesideComm;

    PrefillBatch(HardwareProfile hw, ModelSpec m, Deployment dep, DieRates rates, ModelBytes bytes,
                 ExpertPlacement experts, MemoryPlan memory, KvMovement kvMovement, Calibration cal) {
        this.m = m;
        this.p = dep.prefill();
        this.memory = memory;
        this.kvMovement = kvMovement;
        this.cal = cal;
        mtpEnabled = dep.mtpEnabled();
        gemmRate = rates.gemmOpsPerSecond;
        projRate = rates.projectionOpsPerSecond;
        kvbRate = rates.kvBProjOpsPerSecond;
        prefillAttnRate = rates.prefillAttentionOpsPerSecond;
        bf16GemmRate = rates.bf16GemmOpsPerSecond;
        headRate = rates.lmHeadOpsPerSecond;
        hbmBw = rates.hbmBytesPerSecond;
        wB = bytes.weightBytesPerElement;
        headB = bytes.lmHeadBytesPerElement;
        kvBytesPerTokenPerLayer = bytes.kvBytesPerTokenPerLayer;
        attnWeightBytes = bytes.attentionWeightBytes;
        msgD = bytes.dispatchMessageBytes;
        msgC = bytes.combineMessageBytes;
        pAttnAll = m.attentionParams();
        pKvB = m.kvBParams();
        pExpert = m.expertParams();
        pDense = m.denseFfnParams();
        pGate = m.gateParams();
        pVocab = m.vocabParams();
        pMtpProj = m.mtpProjParams();
        prefillFlopsPerPair = 2.0 * m.heads() * (m.qkNopeDim() + m.qkRopeDim() + m.vHeadDim());

        // norms, quantization, RoPE and cache writes at the measured vector-kernel rate, the streaming rest at the HBM rate
        double vecBw = rates.vectorKernelBytesPerSecond;
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
        pExpertsPerDie = experts.routedExpertsPerPrefillDie;
        prefillLoad = experts.prefillLoad;
        EpCollectiveTimes epTimes = new EpCollectiveTimes(hw);
        pBetaEp = epTimes.betaBytesPerSecond(p.expertParallel());
        pAlphaD = cal.epLatencyScale() * epTimes.alphaSeconds(p.expertParallel(), true, pBetaEp);
        pAlphaC = cal.epLatencyScale() * epTimes.alphaSeconds(p.expertParallel(), false, pBetaEp);
        var rd = hw.ubPaths().get("npu_npu_read");
        boolean tpIntra = p.attentionTp() <= hw.diesPerNode();
        agBw = tpIntra ? rd.intraBandwidth() : rd.interBandwidth();
        agLat = tpIntra ? rd.intraLatency() : rd.interLatency();
    }

    /** A batch on one prefill instance; prompts are spread evenly over the instance's dies (sequence parallel). */
    PrefillResult evaluate(int[] promptTokens, int[] cachedTokens) {
        if (cachedTokens != null && cachedTokens.length != promptTokens.length) {
            throw new IllegalArgumentException("promptTokens and cachedTokens differ in length");
        }
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
        memory.requirePrefillKvFits(total, D);
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
        if (mtpEnabled) {
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
}
