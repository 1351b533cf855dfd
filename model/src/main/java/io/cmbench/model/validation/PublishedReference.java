package io.cmbench.model.validation;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.cmbench.model.ScenarioSpec;

/**
 * The published decode operating points a scenario can be set beside: the paper's rows of the scenario's own
 * configuration (profile, model, deployment) from the shipped measurements, whatever their role. Throughput per NPU is
 * the one the source states beside the TPOT, else batch per NPU / TPOT (the two agree up to the source's rounding).
 */
public final class PublishedReference {
    private PublishedReference() {}

    /** One published decode point: batch per NPU, TPOT, tokens/s per NPU, and where it comes from. */
    public record DecodePoint(String id, int batchPerNpu, long kvTokens, double tpotMs, double tokensPerSecondPerNpu, String source) {}

    /** How far a published row's KV length may be from a run's and still be its reference (4,096 vs 4,224: 3 %). */
    public static final double KV_TOLERANCE = 0.05;

    /** The published decode TPOT rows of the scenario's configuration, by batch. */
    public static List<DecodePoint> decodePoints(ScenarioSpec s) {
        return Measurements.forProfile(s.profile()).stream()
                .filter(m -> m.deployment().equals(s.deployment()) && m.model().equals(s.model())
                        && m.quantity() == Measurement.Quantity.DECODE_TPOT_MS && !m.conditions().perfectBalance()
                        && m.conditions().mtp() == null && Double.isNaN(m.conditions().mtpAcceptance()) && m.conditions().microbatches() == 0)
                .map(m -> new DecodePoint(m.id(), m.conditions().batchPerNpu(), m.conditions().kvTokens(), m.value(),
                        Double.isNaN(m.publishedTokensPerSecondPerNpu()) ? m.conditions().batchPerNpu() / (m.value() / 1e3)
                                : m.publishedTokensPerSecondPerNpu(), m.source()))
                .sorted(Comparator.comparingInt(DecodePoint::batchPerNpu))
                .toList();
    }

    /** The published point at this batch per NPU and about this mean KV length, if any. */
    public static Optional<DecodePoint> atBatch(ScenarioSpec s, int batchPerNpu, long meanKvTokens) {
        return decodePoints(s).stream().filter(p -> p.batchPerNpu() == batchPerNpu && near(p, meanKvTokens)).findFirst();
    }

    /**
     * The highest published tokens/s per NPU at about this mean KV length whose TPOT is within {@code tpotBoundMs}
     * (the paper's reading of an SLO).
     */
    public static Optional<DecodePoint> bestWithin(ScenarioSpec s, double tpotBoundMs, long meanKvTokens) {
        return decodePoints(s).stream().filter(p -> p.tpotMs() <= tpotBoundMs && near(p, meanKvTokens))
                .max(Comparator.comparingDouble(DecodePoint::tokensPerSecondPerNpu));
    }

    private static boolean near(DecodePoint p, long kv) {
        return Math.abs((double) p.kvTokens() / kv - 1) <= KV_TOLERANCE;
    }
}
