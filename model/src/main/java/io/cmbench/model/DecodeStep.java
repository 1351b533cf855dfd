package io.cmbench.model;

import static io.cmbench.model.Roofline.roof;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cmbench.model.spec.ModelSpec;

/**
 * One decode step of one instance at a given number of microbatches: each die's attention stream from its own batch
 * and KV, the MoE stream from the whole instance's tokens (the busiest expert die), the two overlapped per microbatch
 * (or run back to back), the pipeline's fill/drain, the MTP pass and the LM head. The slowest die sets the step.
 * {@link RooflineCostModel} holds one per microbatch policy it may choose between. {@link #seconds} with a null
 * breakdown is the emulation's hot path and allocates nothing.
 */
final class DecodeStep {
    private static final List<String> STREAM_KEYS = List.of("attention_stream", "moe_stream", "chain", "hbm", "moe_layer",
            "dense_layer", "mtp", "lm_head", "pipeline_fill_drain");

    private final DecodeOperators operators;
    /** Each die's attention stream at this step's core share (two microbatches: the attention cores; one: all). */
    private final AttentionStream attention;
    private final MemoryPlan memory;
    private final Calibration cal;
    private final int nMb;
    private final int q;                          // tokens per sequence per step (1 + speculative)
    private final double tokensPerStep;
    private final int moeLayers, denseLayers;
    private final boolean disjoint;
    private final double fracA, fracM, vAttnSecPerToken, vMoeHomeSecPerToken, expertBytesPerDie;
    private final double gemmRate, headRate, hbmBw;
    private final double prologBytes, outBytes, kvBytesPerTokenPerLayer, wB, headB;
    private final double pDense, pMtpProj, pVocab;

    /**
     * @param microbatches 2: two microbatches overlap their attention and MoE streams; 1: the step runs as one
     * @param q tokens per sequence per step (1 + speculative)
     * @param tokensPerStep expected tokens emitted per sequence per step
     */
    DecodeStep(ModelSpec m, DecodeOperators operators, DieRates rates, ModelBytes bytes, MemoryPlan memory,
               Calibration cal, int microbatches, int q, double tokensPerStep) {
        this.operators = operators;
        this.memory = memory;
        this.cal = cal;
        this.nMb = microbatches;
        this.q = q;
        this.tokensPerStep = tokensPerStep;
        moeLayers = m.moeLayers();
        denseLayers = m.denseLayers();
        disjoint = operators.disjoint;
        fracA = operators.fracA;
        fracM = operators.fracM;
        vAttnSecPerToken = operators.vAttnSecPerToken;
        vMoeHomeSecPerToken = operators.vMoeHomeSecPerToken;
        expertBytesPerDie = operators.expertBytesPerDie;
        gemmRate = rates.gemmOpsPerSecond;
        headRate = rates.lmHeadOpsPerSecond;
        hbmBw = rates.hbmBytesPerSecond;
        prologBytes = bytes.prologWeightBytes;
        outBytes = bytes.outputWeightBytes;
        kvBytesPerTokenPerLayer = bytes.kvBytesPerTokenPerLayer;
        wB = bytes.weightBytesPerElement;
        headB = bytes.lmHeadBytesPerElement;
        pDense = m.denseFfnParams();
        pMtpProj = m.mtpProjParams();
        pVocab = m.vocabParams();
        attention = new AttentionStream(operators, nMb == 2 ? fracA : 1.0, q, memory.decodeBatchCapPerNpu);
    }

    /** Full breakdown of one decode step. */
    DecodeResult result(int[] sequencesPerDie, long[] kvTokensPerDie) {
        Map<String, Double> ops = new LinkedHashMap<>();
        double step = seconds(sequencesPerDie, kvTokensPerDie, ops);
        Map<String, Double> streams = new LinkedHashMap<>();
        for (String k : STREAM_KEYS) {
            streams.put(k, ops.remove("#" + k));
        }
        return new DecodeResult(step * 1e6, tokensPerStep, streams.get("moe_layer"), streams.get("dense_layer"),
                streams.get("mtp"), streams.get("lm_head"), ops, streams, nMb);
    }

    /** Seconds. If {@code ops} is non-null, fills per-operator µs per layer (slowest die) and '#'-prefixed totals. */
    double seconds(int[] seqs, long[] kv, Map<String, Double> ops) {
        int n = seqs.length;
        if (kv.length != n) throw new IllegalArgumentException("sequencesPerDie and kvTokensPerDie differ in length: " + n + " vs " + kv.length);
        long cap = memory.kvCacheTokensPerDie;
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
                throw memory.decodeKvDoesNotFit(i, k);
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
                    a1 = attention.seconds(sa, ka);
                    a2 = attention.seconds(sb, k - ka);
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
                    a = attention.seconds(s, k);
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
        double streamA, streamM, chain, hbm, fill = 0;
        if (mb) {
            double mA = operators.moeSeconds(tA, tMaxA, fracM), mB = operators.moeSeconds(tB, tMaxB, fracM);
            hbm = (2 * (prologBytes + outBytes) + kvMax * kvBytesPerTokenPerLayer + 2 * expertBytesPerDie) / hbmBw
                    + (tMaxA + tMaxB) * (vAttnSecPerToken + vMoeHomeSecPerToken);
            if (disjoint) {
                streamA = aMaxSum;
                streamM = mA + mB;
            } else {
                // time-shared SMs: all compute queues on the same cores; dispatch/combine use no SMs
                double commA = operators.dispatch(tA, tMaxA) + operators.combine(tA, tMaxA);
                double commB = operators.dispatch(tB, tMaxB) + operators.combine(tB, tMaxB);
                streamA = aMaxSum + (mA - commA) + (mB - commB);
                streamM = commA + commB;
            }
            chain = Math.max(aMaxA + mA, aMaxB + mB);
            // calibration: the wait for the slowest die closes every MoE layer (zero in the physics variant)
            moeLayer = Math.max(Math.max(streamA, streamM), Math.max(chain, hbm)) + cal.syncWaitSeconds(tMaxAll);
            double fA = operators.denseFfn(tMaxA, fracM), fB = operators.denseFfn(tMaxB, fracM);
            double dHbm = (2 * (prologBytes + outBytes + pDense * wB) + kvMax * kvBytesPerTokenPerLayer) / hbmBw;
            double dStreamM = fA + fB;
            double dStreamA = disjoint ? aMaxSum : aMaxSum + fA + fB;
            if (!disjoint) dStreamM = 0;
            denseLayer = Math.max(Math.max(dStreamA, dStreamM), Math.max(Math.max(aMaxA + fA, aMaxB + fB), dHbm));
            // Pipeline fill/drain of one forward pass: n layers of period P take n P + F, F = T1 - P, where
            // T1 = max(A_sum, a1 + m1) + m2 is the makespan of a single layer (the last microbatch's MoE part is
            // exposed when the attention stream binds; the first microbatch's attention when the MoE stream binds).
            // Time-shared SMs: the last microbatch's combine is exposed after the compute queue drains.
            fill = disjoint ? Math.max(0, Math.max(aMaxSum, aMaxA + mA) + mB - moeLayer) : operators.combine(tB, tMaxB);
        } else {
            double mAll = operators.moeSeconds(tAll, tMaxAll, 1.0);
            streamA = aMaxAll;
            streamM = mAll;
            chain = aMaxAll + mAll;
            hbm = 0;
            moeLayer = chain + cal.syncWaitSeconds(tMaxAll);
            denseLayer = aMaxAll + operators.denseFfn(tMaxAll, 1.0);
        }
        int spec = q - 1;
        double mtpProj = roof(2 * pMtpProj * tMaxAll, gemmRate, pMtpProj * wB, hbmBw);
        double mtpHead = roof(2 * pVocab * sMax, headRate, pVocab * headB, hbmBw);
        // the MTP module is its own forward pass (it needs the main pass's sampled token): one MoE layer with its
        // own fill/drain, the projection and the draft LM head
        double mtp = spec == 0 ? 0 : spec * (moeLayer + fill + mtpProj + mtpHead);
        double head = roof(2 * pVocab * tMaxAll, headRate, pVocab * headB, hbmBw);
        double step = moeLayers * moeLayer + denseLayers * denseLayer + fill + mtp + head;
        if (ops != null) {
            // the breakdown (not the hot path): each microbatch's MoE pieces one by one
            double[] oA = new double[6];
            double[] oB = new double[6];
            if (mb) {
                operators.moe(tA, tMaxA, fracM, oA);
                operators.moe(tB, tMaxB, fracM, oB);
            } else {
                operators.moe(tAll, tMaxAll, 1.0, oA);
            }
            fillOps(ops, seqs, kv, worst, mb, oA, oB, streamA, streamM, chain, hbm, moeLayer, denseLayer, mtp, head, fill);
        }
        return step;
    }

    private static void fillEmpty(Map<String, Double> ops) {
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
            pro = operators.prolog((double) sa * q, frac) + operators.prolog((double) sb * q, frac);
            cor = operators.core((double) sa * q, ka, frac) + operators.core((double) sb * q, k - ka, frac);
            o = operators.out((double) sa * q, frac) + operators.out((double) sb * q, frac);
        } else {
            pro = operators.prolog((double) s * q, frac);
            cor = operators.core((double) s * q, k, frac);
            o = operators.out((double) s * q, frac);
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
        if (!mb) return operators.denseFfn(tMax * q, 1.0);
        int sa = ((int) tMax + 1) >> 1;
        return operators.denseFfn((double) sa * q, fracM) + operators.denseFfn((double) ((int) tMax - sa) * q, fracM);
    }
}
