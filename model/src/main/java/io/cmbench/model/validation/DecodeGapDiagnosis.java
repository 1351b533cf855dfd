package io.cmbench.model.validation;

import io.cmbench.model.DecodeResult;
import io.cmbench.model.RooflineCostModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The decode time the model is missing at the paper's published decode points, its straight-line fit on tokens per
 * die, and the sourced candidates (the "Missing decode time" section of VALIDATION.md). A diagnosis: nothing here
 * feeds back into the model — applying it would be a factor fitted to end-to-end results.
 */
public final class DecodeGapDiagnosis {
    private DecodeGapDiagnosis() {}

    /**
     * Decode time the model does not carry at one published point: (published step - model step) / layers, where a
     * step is TPOT x 1.7 and the layers are the 61 main ones plus the MTP module's.
     */
    public record MissingTime(Validation.DecodePoint point, int modelMicrobatches, double publishedStepMs, double modelStepMs,
                              double tokensPerDie, double missingMicrosPerLayer) {}

    /** missing µs per layer ≈ interceptMicros + slopeMicrosPerToken x tokens per die (least squares). */
    public record LinearFit(double interceptMicros, double slopeMicrosPerToken, double maxResidualMicros) {}

    /** Below this batch the decode step is weight- and alpha-bound, where the model is already slow: not in the fit. */
    static final int FIT_MIN_BATCH_PER_NPU = 24;

    // CANN platform config of the 910C die (Ascend910_9391.ini, hicann runtime): a sensitivity of the BF16 peak
    static final int CANN_CUBE_CORES = 24;
    static final double CANN_CUBE_FREQ_HZ = 1850e6;
    static final int CANN_FP16_MACS_PER_CORE = 4096;

    /** Missing decode time per layer at every published decode point (reference sheet and further rows), by batch. */
    public static List<MissingTime> missingDecodeTime() {
        RooflineCostModel cm = Validation.paperModel();
        int layers = cm.modelSpec().layers() + cm.modelSpec().mtpModules();
        double tokensPerSequence = 1 + cm.mtpSpeculativeTokens();
        List<Validation.DecodePoint> points = new ArrayList<>(Validation.FURTHER_DECODE);
        points.add(Validation.REF_BATCH_8);
        points.add(Validation.REF_BATCH_96);
        points.sort(Comparator.comparingInt(Validation.DecodePoint::batchPerNpu));
        List<MissingTime> list = new ArrayList<>();
        for (Validation.DecodePoint p : points) {
            DecodeResult d = Validation.modelDecode(p);
            double publishedStepMs = p.tpotMs() * Validation.PAPER_TOKENS_PER_STEP;
            double modelStepMs = d.stepMicros() / 1e3;
            double tokensPerDie = p.batchPerNpu() * tokensPerSequence / cm.profile().diesPerNpu();
            list.add(new MissingTime(p, d.microbatches(), publishedStepMs, modelStepMs, tokensPerDie,
                    (publishedStepMs - modelStepMs) * 1e3 / layers));
        }
        return list;
    }

    /** Least squares of missing µs per layer on tokens per die, from batch 24 up. A diagnosis, never applied. */
    public static LinearFit missingTimeFit(List<MissingTime> points) {
        List<MissingTime> used = points.stream().filter(m -> m.point().batchPerNpu() >= FIT_MIN_BATCH_PER_NPU).toList();
        int n = used.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (MissingTime m : used) {
            sx += m.tokensPerDie();
            sy += m.missingMicrosPerLayer();
            sxx += m.tokensPerDie() * m.tokensPerDie();
            sxy += m.tokensPerDie() * m.missingMicrosPerLayer();
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double intercept = (sy - slope * sx) / n;
        double maxResidual = 0;
        for (MissingTime m : used) {
            maxResidual = Math.max(maxResidual, Math.abs(m.missingMicrosPerLayer() - intercept - slope * m.tokensPerDie()));
        }
        return new LinearFit(intercept, slope, maxResidual);
    }

    /**
     * Marginal step cost between two published decode points at the same lengths: ms per step per added sequence per
     * NPU, and µs per added query token per die per layer, published and model.
     */
    public record Marginal(int fromBatch, int toBatch, double publishedMsPerSequence, double modelMsPerSequence,
                           double publishedMicrosPerToken, double modelMicrosPerToken) {}

    /** The published points at 4,096 in / 256 out (batch 96's row gives KV 4,096), by batch. */
    static boolean atReferenceLengths(Validation.DecodePoint p) {
        return p.kvTokens() >= 4096 && p.kvTokens() <= 4096 + 256;
    }

    /** Marginal costs between consecutive published points at the reference lengths (batch 8, 24, 96). */
    public static List<Marginal> marginals(List<MissingTime> missing) {
        List<MissingTime> same = missing.stream().filter(m -> atReferenceLengths(m.point())).toList();
        var spec = Validation.paperModel().modelSpec();
        int layers = spec.layers() + spec.mtpModules();
        List<Marginal> list = new ArrayList<>();
        for (int i = 0; i + 1 < same.size(); i++) {
            MissingTime a = same.get(i), b = same.get(i + 1);
            int dBatch = b.point().batchPerNpu() - a.point().batchPerNpu();
            double dTokens = b.tokensPerDie() - a.tokensPerDie();
            double pub = b.publishedStepMs() - a.publishedStepMs(), mod = b.modelStepMs() - a.modelStepMs();
            list.add(new Marginal(a.point().batchPerNpu(), b.point().batchPerNpu(), pub / dBatch, mod / dBatch,
                    pub * 1e3 / dTokens / layers, mod * 1e3 / dTokens / layers));
        }
        return list;
    }

    /** BF16 peak per die from CANN's platform config: cores x clock x MACs x 2 FLOP. */
    static double cannBf16PeakFlopsPerDie() {
        return CANN_CUBE_CORES * CANN_CUBE_FREQ_HZ * CANN_FP16_MACS_PER_CORE * 2.0;
    }

    /** Relative change of the batch-96 TPOT with every compute peak scaled to CANN's BF16 figure (not applied). */
    static double cannPeakTpotSensitivity() {
        RooflineCostModel cm = Validation.paperModel();
        double scale = cannBf16PeakFlopsPerDie() / cm.profile().peak("bf16");
        RooflineCostModel scaled = new RooflineCostModel(cm.profile().withPeaksScaled(scale), cm.modelSpec(), cm.deployment(), 0, null);
        return scaled.decodeUniform(96, 4096).tpotMicros() / Validation.modelDecode(Validation.REF_BATCH_96).tpotMicros() - 1;
    }

    /** Missing decode time per layer, its straight-line fit and the sourced candidates: a diagnosis, never applied. */
    static void appendTo(StringBuilder sb) {
        List<MissingTime> missing = missingDecodeTime();
        LinearFit fit = missingTimeFit(missing);
        RooflineCostModel cm = Validation.paperModel();
        int layers = cm.modelSpec().layers() + cm.modelSpec().mtpModules();
        sb.append("\n### Missing decode time (a diagnosis; NOT used by the model)\n\n");
        sb.append(String.format(Locale.ROOT, """
                Published step = published TPOT x 1.7, model step = model TPOT x 1.7; missing per layer = (published step -
                model step) / %d layers (61 + the MTP module's). Tokens per die per step = batch x 2 / 2 (two query tokens
                per sequence with MTP, two dies per NPU), before any microbatch split.

                | batch/NPU | mean KV | model microbatches | published step | model step | missing per layer | tokens per die per step |
                |---:|---:|---:|---:|---:|---:|---:|
                """, layers));
        for (MissingTime m : missing) {
            sb.append(String.format(Locale.ROOT, "| %d | %,d | %d | %.2f ms | %.2f ms | %+.0f us | %.0f |%n", m.point().batchPerNpu(),
                    m.point().kvTokens(), m.modelMicrobatches(), m.publishedStepMs(), m.modelStepMs(), m.missingMicrosPerLayer(),
                    m.tokensPerDie()));
        }
        MissingTime b8 = missing.get(0);
        sb.append(String.format(Locale.ROOT, """

                Least squares from batch %d up: missing ≈ %.0f us per layer + %.2f us per token per die per layer (largest
                residual %.0f us), while batch 8 is %.1f %% slow (%.0f us per layer too much). The line spans both of the
                model's microbatch regimes (one microbatch at 24, 112, 128; two at 96). It is a diagnosis only and is NOT
                used by the model: applying it would be a factor fitted to end-to-end results. Sourced candidates (none
                applied):

                """, FIT_MIN_BATCH_PER_NPU, fit.interceptMicros(), fit.slopeMicrosPerToken(), fit.maxResidualMicros(),
                100 * (b8.modelStepMs() / b8.publishedStepMs() - 1), -b8.missingMicrosPerLayer()));
        sb.append(candidates(cm, missing));
        sb.append(shapeOfPublishedRows(missing));
    }

    /**
     * Why no per-operator factor with a fixed efficiency can reach all three published points at the reference lengths:
     * their marginal cost falls with the batch, a roofline's cannot (for a fixed microbatch count).
     */
    private static String shapeOfPublishedRows(List<MissingTime> missing) {
        List<Marginal> mc = marginals(missing);
        Marginal low = mc.get(0), high = mc.get(mc.size() - 1);
        List<MissingTime> same = missing.stream().filter(m -> atReferenceLengths(m.point())).toList();
        MissingTime first = same.get(0), mid = same.get(1), last = same.get(same.size() - 1);
        double tps = Validation.PAPER_TOKENS_PER_STEP;
        double lowestFirstTpot = (mid.publishedStepMs() - (mid.point().batchPerNpu() - first.point().batchPerNpu())
                * high.publishedMsPerSequence()) / tps;
        double lowestLastTpot = (mid.publishedStepMs() + (last.point().batchPerNpu() - mid.point().batchPerNpu())
                * low.publishedMsPerSequence()) / tps;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, """

                **The shape of the published rows.** Between the published points at the same lengths (4,096 in / 256 out;
                batch %d's row gives KV 4,096) each added sequence per NPU costs, per step:

                | batches | published | model | published, per added query token per die per layer | model, same |
                |---|---:|---:|---:|---:|
                """, last.point().batchPerNpu()));
        for (Marginal m : mc) {
            sb.append(String.format(Locale.ROOT, "| %d -> %d | %.3f ms | %.3f ms | %.1f us | %.1f us |%n", m.fromBatch(), m.toBatch(),
                    m.publishedMsPerSequence(), m.modelMsPerSequence(), m.publishedMicrosPerToken(), m.modelMicrosPerToken()));
        }
        sb.append(String.format(Locale.ROOT, """

                The published marginal cost falls with the batch (%s); a roofline's can hardly: with every die at its mean
                routed load every operator is the max of a compute and a memory time, each linear in the batch at a fixed
                efficiency, so for a fixed microbatch count the step is convex in the batch. The stochastic routing
                (the busiest die's excess grows as the square root of its load) is the model's one concave part; it bends
                the model's marginal cost by %s here, against the published %s. A convex model through the published batch %d and %d points gives at
                least %.1f ms TPOT at batch %d (published %.1f); through batch %d and %d, at least %.1f ms at batch %d
                (published %.1f). The adaptive microbatch policy (the faster of one and two microbatches) bends the curve
                only where it switches, and then needs single-microbatch costs of at least %.1f us per added query token
                per die per layer between batch %d and %d, against the %.1f us the operator benchmarks give the model
                (attention at the measured MLA rate, dispatch/combine at the benchmark's per-token bandwidth). So the
                three rows are reachable together only with an efficiency that falls at small batch (or with batch %d
                run in another configuration), and no benchmark in reach measures the operators at those batches. This
                is why the physics variant misses the decode targets; the calibrated variant's layer carries the bend
                (docs/MODEL.md, "The calibration layer").
                """, Validation.pct(high.publishedMsPerSequence() / low.publishedMsPerSequence() - 1),
                Validation.pct(high.modelMsPerSequence() / low.modelMsPerSequence() - 1),
                Validation.pct(high.publishedMsPerSequence() / low.publishedMsPerSequence() - 1),
                mid.point().batchPerNpu(), last.point().batchPerNpu(), lowestFirstTpot, first.point().batchPerNpu(),
                first.point().tpotMs(), first.point().batchPerNpu(), mid.point().batchPerNpu(), lowestLastTpot,
                last.point().batchPerNpu(), last.point().tpotMs(), low.publishedMicrosPerToken(), low.fromBatch(), low.toBatch(),
                low.modelMicrosPerToken(), first.point().batchPerNpu()));
        return sb.toString();
    }

    /** The paper's MTP ablation in absolute terms (as quoted by reading notes of v3): MoE layer without / with MTP, µs. */
    static final double PUBLISHED_LAYER_NO_MTP_MICROS = 874, PUBLISHED_LAYER_MTP_MICROS = 1260;

    /**
     * Missing µs per MoE layer at batch 96 without and with MTP, and the split of it into a part per layer and a part
     * per query token per die that the two points imply (48 and 96 tokens per die).
     */
    public record MtpSplit(double missingNoMtpMicros, double missingMtpMicros, double perLayerMicros, double perTokenMicros) {}

    static MtpSplit mtpSplit() {
        RooflineCostModel cm = Validation.paperModel();
        var on = cm.decodeOptions();
        double with = cm.decodeUniform(96, 4096).moeLayerMicros();
        double without = cm.withDecodeOptions(new RooflineCostModel.DecodeOptions(false, on.acceptance(), on.microbatch()))
                .decodeUniform(96, 4096).moeLayerMicros();
        double a = PUBLISHED_LAYER_NO_MTP_MICROS - without, b = PUBLISHED_LAYER_MTP_MICROS - with;
        double tokensNoMtp = 96 / 2.0, tokensMtp = 2 * 96 / 2.0;
        double perToken = (b - a) / (tokensMtp - tokensNoMtp);
        return new MtpSplit(a, b, a - perToken * tokensNoMtp, perToken);
    }

    private static String candidates(RooflineCostModel cm, List<MissingTime> missing) {
        DecodeResult d = Validation.modelDecode(Validation.REF_BATCH_96);
        MissingTime m96 = missing.stream().filter(m -> m.point() == Validation.REF_BATCH_96).findFirst().orElseThrow();
        int mb = d.microbatches();
        double publishedLayerMicros = 2 * 600;   // the paper: both streams ≈ 600 us per microbatch
        double insideLayerMs = (publishedLayerMicros - d.moeLayerMicros()) * cm.modelSpec().moeLayers() / 1e3;
        double cannPeak = cannBf16PeakFlopsPerDie();
        double bf16Peak = cm.profile().peak("bf16");
        double sensitivity = cannPeakTpotSensitivity();
        MtpSplit split = mtpSplit();
        return String.format(Locale.ROOT, """
                - Stream balance: the paper states its two decode streams are balanced at ≈ 600 us per microbatch at its
                  operating point. The model at batch 96: attention stream %.0f us, MoE stream %.0f us per microbatch (MoE
                  layer %.0f us). If that point is batch 96, 2 x 600 us per MoE layer accounts for ≈ %.1f ms of the %.1f ms
                  missing per step there; the rest would lie in the dense layers, the MTP pass, fill/drain, LM head or
                  sampling.
                - Communication in the real pipeline: xDeepServe (arXiv 2508.02520, also on CloudMatrix384) measured MoE
                  dispatch ≈ 234 us and combine ≈ 312 us on average, 2-3x its microbenchmark, i.e. straggler and
                  synchronisation time that an isolated operator benchmark does not carry. The model's dispatch/combine
                  come from the isolated benchmark: %.0f / %.0f us per microbatch at batch 96.
                - Launch: the paper notes each graph dispatch costs 0.6-0.8 ms when MTP breaks the pipeline (which it says
                  it solved); any residue would be per-step fixed time (0.7 ms per step = %.0f us per layer).
                - The paper's MTP ablation in absolute terms (per MoE layer, as quoted by reading notes of the paper; batch
                  not stated, taken as 96): %.0f us without MTP, %,.0f us with. The model at batch 96: %.0f us missing without
                  MTP, %.0f us with; the two points split that into ≈ %.0f us per layer + %.2f us per query token per die.
                  A per-layer part that large is not in the paper's batch-8 row, so it must grow with the batch between 8 and
                  96 (synchronisation with the slowest die, stragglers) rather than be a fixed launch cost.
                - Peak: CANN's platform config for the 910C die (Ascend910_9391.ini in the hicann runtime: %d cube cores at
                  cube_freq %,.0f MHz, %,d FP16 MACs each) gives %.1f BF16 TFLOPS per die against the %.0f used (%s). As a
                  sensitivity, not applied: batch-96 TPOT %s.
                """,
                d.streams().get("attention_stream") / mb, d.streams().get("moe_stream") / mb, d.moeLayerMicros(), insideLayerMs,
                m96.publishedStepMs() - m96.modelStepMs(), d.operators().get("dispatch") / mb, d.operators().get("combine") / mb,
                700.0 / (cm.modelSpec().layers() + cm.modelSpec().mtpModules()), PUBLISHED_LAYER_NO_MTP_MICROS, PUBLISHED_LAYER_MTP_MICROS,
                split.missingNoMtpMicros(), split.missingMtpMicros(), split.perLayerMicros(), split.perTokenMicros(), CANN_CUBE_CORES, CANN_CUBE_FREQ_HZ / 1e6,
                CANN_FP16_MACS_PER_CORE, cannPeak / 1e12, bf16Peak / 1e12, Validation.pct(cannPeak / bf16Peak - 1), Validation.pct(sensitivity));
    }
}
