package io.cmbench.model;

import java.util.Map;

/**
 * A decode step with its breakdown.
 *
 * @param stepMicros wall time of one decode iteration
 * @param tokensPerStep expected tokens emitted per sequence per step (1 + accepted speculative tokens)
 * @param moeLayerMicros one MoE layer (both microbatches, overlapped)
 * @param denseLayerMicros one dense layer
 * @param mtpMicros the MTP module(s): one MoE-layer pass + projection + draft LM head, per step
 * @param lmHeadMicros the main LM head, per step
 * @param operators µs per operator per layer (summed over microbatches), slowest die; keys are operator names
 * @param streams per-layer resource totals of an MoE layer: attention stream, MoE stream, chain, HBM
 * @param microbatches 2 when the step overlaps two microbatches, 1 when it runs as one
 */
public record DecodeResult(double stepMicros, double tokensPerStep, double moeLayerMicros, double denseLayerMicros,
                           double mtpMicros, double lmHeadMicros, Map<String, Double> operators, Map<String, Double> streams,
                           int microbatches) {
    public double tpotMicros() { return stepMicros / tokensPerStep; }
}
