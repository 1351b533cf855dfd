package io.cmbench.model.validation;


import java.util.Arrays;

import io.cmbench.model.Calibration;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.PrefillResult;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.RooflineCostModel.DecodeOptions;

/** The model's value of a measurement's quantity under the measurement's conditions. */
public final class MeasurementModel {
    private MeasurementModel() {}

    /** The model of the row's system on {@code variant} (calibrated or physics), its batch cap raised to the row's batch. */
    public static RooflineCostModel model(Measurement row, String variant) {
        RooflineCostModel cm = CostModels.build(row.profile(), row.model(), row.deployment(), 0, variant);
        int b = row.conditions().batchPerNpu();
        if (b > cm.layout().decodeBatchCapPerNpu()) cm = cm.withBatchCap(b);
        return row.conditions().perfectBalance() ? cm.withDeployment(cm.deployment().withBalancedRouting()) : cm;
    }

    /** The row's quantity on the physics model of its system plus the calibration layer {@code c}. */
    public static double value(Measurement row, Calibration c) {
        return value(row, model(row, Calibration.PHYSICS_NAME).withCalibration(c));
    }

    /** The row's quantity on {@code cm} (the row's system). */
    public static double value(Measurement row, RooflineCostModel cm) {
        var k = row.conditions();
        return switch (row.quantity()) {
            case DECODE_TPOT_MS -> decode(row, cm).tpotMicros() / 1e3;
            case DECODE_STEP_MS -> decode(row, cm).stepMicros() / 1e3;
            case PREFILL_TOKENS_PER_S_PER_NPU -> {
                RooflineCostModel p = k.microbatches() == 1 ? cm.withDeployment(cm.deployment().withPrefillMicrobatches(1)) : cm;
                PrefillResult r = prefill(row, p);
                yield r.promptTokens() / (r.batchMicros() / 1e6) / p.layout().prefillNpusPerInstance();
            }
            case DECODE_MICROBATCH_GAIN -> {
                DecodeResult two = options(row, cm).decodeUniform(k.batchPerNpu(), k.kvTokens());
                DecodeOptions o = options(row, cm).decodeOptions();
                DecodeResult one = cm.withDecodeOptions(new DecodeOptions(o.mtp(), o.acceptance(), false))
                        .decodeUniform(k.batchPerNpu(), k.kvTokens());
                yield one.stepMicros() / two.stepMicros() - 1;
            }
            case MTP_LAYER_INCREASE -> {
                RooflineCostModel on = options(row, cm);
                DecodeOptions o = on.decodeOptions();
                DecodeResult with = on.decodeUniform(k.batchPerNpu(), k.kvTokens());
                DecodeResult without = cm.withDecodeOptions(new DecodeOptions(false, o.acceptance(), o.microbatch()))
                        .decodeUniform(k.batchPerNpu(), k.kvTokens());
                yield with.moeLayerMicros() / without.moeLayerMicros() - 1;
            }
            case PREFILL_MICROBATCH_LAYER_CHANGE -> {
                RooflineCostModel one = cm.withDeployment(cm.deployment().withPrefillMicrobatches(1));
                yield prefill(row, cm).moeLayerMicros() / prefill(row, one).moeLayerMicros() - 1;
            }
        };
    }

    private static RooflineCostModel options(Measurement row, RooflineCostModel cm) {
        var k = row.conditions();
        DecodeOptions o = cm.decodeOptions();
        boolean mtp = k.mtp() != null ? k.mtp() : o.mtp();
        double acc = Double.isNaN(k.mtpAcceptance()) ? o.acceptance() : k.mtpAcceptance();
        boolean mb = k.microbatches() == 1 ? false : o.microbatch();
        return mtp == o.mtp() && acc == o.acceptance() && mb == o.microbatch() ? cm : cm.withDecodeOptions(new DecodeOptions(mtp, acc, mb));
    }

    private static DecodeResult decode(Measurement row, RooflineCostModel cm) {
        var k = row.conditions();
        return options(row, cm).decodeUniform(k.batchPerNpu(), k.kvTokens());
    }

    /** Equal prompts filling the row's tokens per NPU on one prefill instance. */
    private static PrefillResult prefill(Measurement row, RooflineCostModel cm) {
        var k = row.conditions();
        int prompts = (int) ((long) k.tokensPerNpu() * cm.layout().prefillNpusPerInstance() / k.promptTokens());
        int[] p = new int[prompts];
        Arrays.fill(p, k.promptTokens());
        return cm.prefill(p, new int[prompts]);
    }
}
