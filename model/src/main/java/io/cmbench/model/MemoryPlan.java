package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecException;

/**
 * What one die's HBM holds: the weights of a decode and of a prefill die, the decode dispatch/combine buffers sized for
 * the batch cap, and what is left for KV. A deployment whose weights and buffers leave no room is refused here (naming
 * its file and field); a step or batch whose KV does not fit is refused by {@link #decodeKvDoesNotFit} and
 * {@link #requirePrefillKvFits}.
 */
final class MemoryPlan {
    final double decodeWeightBytesPerDie, decodeBufferBytesPerDie, prefillWeightBytesPerDie;
    /** HBM left on a prefill die for the batch's KV after weights and reserve. */
    final double prefillFreeBytesPerDie;
    /** The batch cap the buffers are sized for: the override when positive, else the deployment's. */
    final int decodeBatchCapPerNpu;
    final long kvCacheTokensPerDie;
    private final double kvStoredBytesPerToken;

    /** @param tokensPerSequence tokens of a sequence in one decode step (1 + speculative) */
    MemoryPlan(HardwareProfile hw, ModelSpec m, Deployment dep, ModelBytes bytes, ExpertPlacement experts,
               int tokensPerSequence, int batchCapOverride) {
        var d = dep.decode();
        var p = dep.prefill();
        kvStoredBytesPerToken = bytes.kvStoredBytesPerToken;
        double wB = bytes.weightBytesPerElement;
        double pExpert = m.expertParams();
        int mtpLayers = m.mtpModules();
        double common = (m.layers() + mtpLayers) * bytes.attentionWeightBytes + m.denseLayers() * m.denseFfnParams() * wB
                + (m.moeLayers() + mtpLayers) * m.gateParams() * 2.0 + m.vocabParams() * 2.0 /* embedding, BF16 */
                + m.vocabParams() * bytes.lmHeadBytesPerElement + mtpLayers * m.mtpProjParams() * wB;
        decodeWeightBytesPerDie = common + (m.moeLayers() + mtpLayers) * experts.expertsOnDecodeDie * pExpert * wB;
        int cap = batchCapOverride > 0 ? batchCapOverride : d.batchCapPerNpu();
        decodeBatchCapPerNpu = cap;
        int capSeqsPerDie = (cap + hw.diesPerNpu() - 1) / hw.diesPerNpu();
        decodeBufferBytesPerDie = (double) d.expertParallel() * capSeqsPerDie * tokensPerSequence
                * (bytes.dispatchMessageBytes + bytes.combineMessageBytes);
        double free = hw.hbmBytesPerDie() - decodeWeightBytesPerDie - decodeBufferBytesPerDie - d.runtimeReservePerDie();
        kvCacheTokensPerDie = (long) Math.floor(free / bytes.kvStoredBytesPerToken);
        if (kvCacheTokensPerDie <= 0) {
            throw new SpecException(dep.file(), "decode.expert_parallel", String.format(
                    "weights %.1f GB + dispatch/combine buffers %.2f GB + reserve %.1f GB exceed the %.0f GB of HBM per die on %s",
                    decodeWeightBytesPerDie / 1e9, decodeBufferBytesPerDie / 1e9, d.runtimeReservePerDie() / 1e9,
                    hw.hbmBytesPerDie() / 1e9, hw.name()));
        }
        int prefillExperts = experts.routedExpertsPerPrefillDie + m.sharedExperts();
        prefillWeightBytesPerDie = common + (m.moeLayers() + mtpLayers) * prefillExperts * pExpert * wB;
        prefillFreeBytesPerDie = hw.hbmBytesPerDie() - prefillWeightBytesPerDie - p.runtimeReservePerDie();
        if (prefillFreeBytesPerDie <= 0) {
            throw new SpecException(dep.file(), "prefill.expert_parallel", String.format(
                    "%d experts per die: weights %.1f GB + reserve %.1f GB exceed the %.0f GB of HBM per die on %s",
                    prefillExperts, prefillWeightBytesPerDie / 1e9, p.runtimeReservePerDie() / 1e9,
                    hw.hbmBytesPerDie() / 1e9, hw.name()));
        }
    }

    /** The refusal of a decode die holding more KV tokens than {@link #kvCacheTokensPerDie}. */
    InsufficientMemoryException decodeKvDoesNotFit(int die, long kvTokens) {
        return new InsufficientMemoryException(String.format(
                "die %d: %d KV tokens do not fit in HBM (capacity %d tokens per die after %.1f GB weights and buffers)",
                die, kvTokens, kvCacheTokensPerDie, (decodeWeightBytesPerDie + decodeBufferBytesPerDie) / 1e9));
    }

    /** Refuses a prefill batch of {@code promptTokens} spread over {@code dies} whose KV exceeds the free HBM. */
    void requirePrefillKvFits(double promptTokens, double dies) {
        double kvNeeded = promptTokens / dies * kvStoredBytesPerToken;
        if (kvNeeded > prefillFreeBytesPerDie) {
            throw new InsufficientMemoryException(String.format(
                    "prefill batch of %.0f tokens needs %.1f GB of KV per die; %.1f GB free after weights and reserve",
                    promptTokens, kvNeeded / 1e9, prefillFreeBytesPerDie / 1e9));
        }
    }
}
