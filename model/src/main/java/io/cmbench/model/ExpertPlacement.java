package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;

/**
 * Which experts each die of a decode and of a prefill instance holds, and the routed load that placement puts on the
 * busiest die. The memory plan sizes the expert weights by it, the decode and prefill operators their expert GEMMs and
 * the dispatch fan-out, so the placement rule lives in one place.
 */
final class ExpertPlacement {
    /** Decode: the shared expert has dies of its own (one expert per die), instead of a copy on every die. */
    final boolean sharedDedicated;
    /** Decode: routed expert slots per routed die. */
    final int routedExpertsPerDecodeDie;
    /** Decode: copies of the shared expert in the instance (every die when not dedicated). */
    final int sharedCopies;
    /** Decode: messages one token sends (its top-k routed experts, plus the shared expert when that sits elsewhere). */
    final int copiesPerToken;
    /** Decode: every expert whose weights a die holds (routed and shared). */
    final int expertsOnDecodeDie;
    /** Prefill: routed expert slots per die (each die also holds the shared experts). */
    final int routedExpertsPerPrefillDie;
    final ExpertLoad decodeLoad, prefillLoad;

    ExpertPlacement(HardwareProfile hw, ModelSpec m, Deployment dep) {
        var d = dep.decode();
        int decodeDies = d.npusPerInstance() * hw.diesPerNpu();
        int slots = m.routedExperts() + d.redundantExperts();
        sharedDedicated = d.sharedDedicated();
        routedExpertsPerDecodeDie = sharedDedicated ? 1 : slots / d.expertParallel();
        sharedCopies = sharedDedicated ? d.sharedExpertCopies() : decodeDies;
        copiesPerToken = m.topK() + (sharedDedicated ? m.sharedExperts() : 0);
        expertsOnDecodeDie = sharedDedicated ? 1 : routedExpertsPerDecodeDie + m.sharedExperts();
        decodeLoad = new ExpertLoad(m.routedExperts(), m.topK(), d.redundantExperts(), routedExpertsPerDecodeDie,
                sharedDedicated ? d.expertParallel() - sharedCopies : d.expertParallel(), d.stochasticRouting());
        var p = dep.prefill();
        routedExpertsPerPrefillDie = (m.routedExperts() + p.redundantExperts()) / p.expertParallel();
        prefillLoad = new ExpertLoad(m.routedExperts(), m.topK(), p.redundantExperts(), routedExpertsPerPrefillDie,
                p.expertParallel(), p.stochasticRouting());
    }
}
