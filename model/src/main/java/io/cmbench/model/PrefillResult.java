package io.cmbench.model;

import java.util.Map;

/**
 * A prefill batch on one instance with its breakdown.
 *
 * @param batchMicros wall time of the batch
 * @param promptTokens prompt tokens in the batch (cached included)
 * @param computedTokens tokens actually computed (prompt minus cached prefix)
 * @param moeLayerMicros one MoE layer
 * @param denseLayerMicros one dense layer
 * @param operators µs per operator per MoE layer (dense FFN per dense layer), per die
 * @param layerTotals compute, communication per MoE layer and how they combine
 */
public record PrefillResult(double batchMicros, long promptTokens, long computedTokens, double moeLayerMicros,
                            double denseLayerMicros, Map<String, Double> operators, Map<String, Double> layerTotals) {}
