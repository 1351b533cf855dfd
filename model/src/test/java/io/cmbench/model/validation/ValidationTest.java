package io.cmbench.model.validation;

import io.cmbench.model.Calibration;
import io.cmbench.model.CostModels;
import io.cmbench.model.PrefillResult;
import io.cmbench.model.RooflineCostModel;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cmbench.model.validation.Validation.Ablation;
import io.cmbench.model.validation.DecodeGapDiagnosis.LinearFit;
import io.cmbench.model.validation.DecodeGapDiagnosis.MissingTime;
import io.cmbench.model.validation.Validation.Row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The published rows beyond the reference sheet, the ablations and the missing-time diagnosis of VALIDATION.md. */
class ValidationTest {
    private final List<Row> rows = Validation.rows();

    private List<Row> further() {
        return rows.stream().filter(r -> r.group().equals(Validation.FURTHER_GROUP)).toList();
    }

    private Row row(int batchPerNpu, String quantity) {
        return further().stream().filter(r -> r.conditions().startsWith("batch " + batchPerNpu + "/NPU,")
                && r.quantity().equals(quantity)).findFirst().orElseThrow();
    }

    @Test
    void furtherDecodeRowsCarryThePublishedValues() {
        assertThat(row(128, "TPOT").published()).isEqualTo(46.8);
        assertThat(row(128, "throughput").published()).isEqualTo(2733);
        assertThat(row(112, "TPOT").published()).isEqualTo(47.4);
        assertThat(row(112, "throughput").published()).isEqualTo(2360);
        assertThat(row(24, "TPOT").published()).isEqualTo(24.6);
        assertThat(row(24, "throughput").published()).isEqualTo(974);
        assertThat(row(128, "TPOT").conditions()).contains("mean KV 1,536");
        assertThat(row(112, "TPOT").conditions()).contains("mean KV 2,176");
        assertThat(row(24, "TPOT").conditions()).contains("mean KV 4,224");
    }

    @Test
    void deepSeekProfileRowsUseTheH800WhatIfAtTheProfilesConditions() {
        List<Row> profile = rows.stream().filter(r -> r.group().contains("H800 profile")).toList();
        assertThat(profile).extracting(Row::published).containsExactly(7839.0, 50.2);
        assertThat(profile).noneMatch(Row::target);
        RooflineCostModel h = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0, Calibration.PHYSICS_NAME);
        assertThat(profile.get(1).model()).isCloseTo(h.decodeUniform(128, 4096).tpotMicros() / 1e3, within(1e-9));
        assertThat(h.layout().prefillTokenBudgetPerInstance() / h.layout().prefillNpusPerInstance()).isEqualTo(16384);
    }

    @Test
    void publishedThroughputIsBatchOverTpot() {
        // the paper's rows are consistent with throughput = batch / TPOT (rounding of the TPOT only)
        for (var p : Validation.FURTHER_DECODE) {
            assertThat(p.tokensPerSecondPerNpu()).as("batch %d", p.batchPerNpu())
                    .isCloseTo(p.batchPerNpu() / (p.tpotMs() / 1e3), within(0.002 * p.tokensPerSecondPerNpu()));
        }
    }

    @Test
    void furtherRowsUseTheModelAtTheMeanKvAndAreNotTargets() {
        for (var p : Validation.FURTHER_DECODE) {
            double tpotMs = Validation.modelDecode(p).tpotMicros() / 1e3;
            assertThat(row(p.batchPerNpu(), "TPOT").model()).isCloseTo(tpotMs, within(1e-9));
            assertThat(row(p.batchPerNpu(), "throughput").model()).isCloseTo(p.batchPerNpu() / (tpotMs / 1e3), within(1e-6));
        }
        assertThat(further()).hasSize(7).noneMatch(Row::target);
    }

    @Test
    void errorsAreModelOverPublishedMinusOne() {
        for (Row r : further()) {
            assertThat(r.relativeError()).as(r.caseName()).isCloseTo(r.model() / r.published() - 1, within(1e-12));
        }
        Row b24 = row(24, "TPOT");
        assertThat(b24.relativeError()).isCloseTo(b24.model() / 24.6 - 1, within(1e-12));
    }

    @Test
    void defaultEplbPrefillShowsThePerfectBalanceModel() {
        Row p = further().stream().filter(r -> r.caseName().equals("prefill, default EPLB")).findFirst().orElseThrow();
        Row perfect = rows.stream().filter(r -> r.group().equals(Validation.REFERENCE_GROUP) && r.caseName().equals("prefill"))
                .findFirst().orElseThrow();
        assertThat(p.published()).isEqualTo(5655);
        // stochastic routing over uniformly popular experts: a little slower than perfect balance, far from the published drop
        assertThat(p.model()).isLessThan(perfect.model()).isGreaterThan(0.99 * perfect.model());
        assertThat(p.conditions()).contains("model: stochastic routing, uniform expected popularity");
    }

    @Test
    void ablationsHaveThePublishedValuesAndTheModelsSign() {
        List<Ablation> a = Validation.ablations();
        assertThat(a).hasSize(3);
        assertThat(a.get(0).publishedLow()).isEqualTo(0.058);
        assertThat(a.get(0).publishedHigh()).isEqualTo(0.094);
        assertThat(a.get(0).model()).isPositive();   // overlap never loses (adaptive policy)
        assertThat(a.get(1).publishedLow()).isEqualTo(0.44);
        assertThat(a.get(1).model()).isPositive();   // two query tokens cost more than one
        assertThat(a.get(2).publishedLow()).isEqualTo(-0.24);
        assertThat(a.get(2).model()).isNegative();
    }

    @Test
    void missingTimeIsTheStepDifferencePerLayer() {
        List<MissingTime> missing = DecodeGapDiagnosis.missingDecodeTime();
        assertThat(missing).extracting(m -> m.point().batchPerNpu()).containsExactly(8, 24, 96, 112, 128);
        for (MissingTime m : missing) {
            assertThat(m.publishedStepMs()).isCloseTo(m.point().tpotMs() * 1.7, within(1e-9));
            assertThat(m.missingMicrosPerLayer()).isCloseTo((m.publishedStepMs() - m.modelStepMs()) * 1e3 / 62, within(1e-9));
            assertThat(m.tokensPerDie()).isEqualTo(m.point().batchPerNpu() * 2 / 2.0);
        }
        assertThat(missing.get(0).missingMicrosPerLayer()).isNegative();   // batch 8: the model is slow
        LinearFit fit = DecodeGapDiagnosis.missingTimeFit(missing);
        assertThat(fit.interceptMicros()).isPositive();
        assertThat(fit.slopeMicrosPerToken()).isPositive();
    }

    @Test
    void marginalCostsBetweenThePublishedRowsAtTheReferenceLengths() {
        List<DecodeGapDiagnosis.Marginal> mc = DecodeGapDiagnosis.marginals(DecodeGapDiagnosis.missingDecodeTime());
        assertThat(mc).extracting(DecodeGapDiagnosis.Marginal::fromBatch).containsExactly(8, 24);
        assertThat(mc).extracting(DecodeGapDiagnosis.Marginal::toBatch).containsExactly(24, 96);
        // (24.6 - 14.9) ms x 1.7 over 16 sequences per NPU = 16 query tokens per die, 62 layers
        assertThat(mc.get(0).publishedMsPerSequence()).isCloseTo((24.6 - 14.9) * 1.7 / 16, within(1e-9));
        assertThat(mc.get(0).publishedMicrosPerToken()).isCloseTo((24.6 - 14.9) * 1.7 * 1e3 / 16 / 62, within(1e-9));
        assertThat(mc.get(1).publishedMsPerSequence()).isCloseTo((49.4 - 24.6) * 1.7 / 72, within(1e-9));
        assertThat(mc.get(0).modelMsPerSequence()).isPositive();
        assertThat(Validation.markdown()).contains("The shape of the published rows");
    }

    /**
     * The convexity VALIDATION.md argues from: for a fixed microbatch count the roofline step (every rank at its mean
     * routed load) never bends downwards.
     */
    @Test
    void decodeStepIsConvexInTheBatchForAFixedMicrobatchCount() {
        RooflineCostModel cm = Validation.paperModel().withDeployment(Validation.paperModel().deployment().withBalancedRouting());
        RooflineCostModel two = cm.withDeployment(cm.deployment().withDecodeMicrobatchesAlways());
        RooflineCostModel one = cm.withDecodeOptions(new RooflineCostModel.DecodeOptions(true, 0.7, false));
        for (RooflineCostModel m : List.of(one, two)) {
            double prevStep = m.decodeUniform(4, 4224).stepMicros(), prevSlope = -1;
            for (int b = 8; b <= 96; b += 4) {
                double step = m.decodeUniform(b, 4224).stepMicros();
                double slope = (step - prevStep) / 4;
                assertThat(slope).as("batch %d", b).isGreaterThanOrEqualTo(prevSlope - 1e-6 * step);
                prevStep = step;
                prevSlope = slope;
            }
        }
    }

    @Test
    void fitIsExactOnALine() {
        var p = Validation.FURTHER_DECODE.get(0);
        List<MissingTime> line = List.of(new MissingTime(p, 1, 0, 0, 24, 100 + 2 * 24.0),
                new MissingTime(p, 1, 0, 0, 96, 100 + 2 * 96.0), new MissingTime(p, 1, 0, 0, 128, 100 + 2 * 128.0));
        LinearFit fit = DecodeGapDiagnosis.missingTimeFit(line);
        assertThat(fit.interceptMicros()).isCloseTo(100, within(1e-9));
        assertThat(fit.slopeMicrosPerToken()).isCloseTo(2, within(1e-9));
        assertThat(fit.maxResidualMicros()).isCloseTo(0, within(1e-9));
    }

    @Test
    void cannPeakIsASensitivityBoundedByThePeakRatio() {
        assertThat(DecodeGapDiagnosis.cannBf16PeakFlopsPerDie()).isCloseTo(363.7e12, within(0.1e12));
        double peakRatio = 376e12 / DecodeGapDiagnosis.cannBf16PeakFlopsPerDie() - 1;
        assertThat(DecodeGapDiagnosis.cannPeakTpotSensitivity()).isPositive().isLessThanOrEqualTo(peakRatio + 1e-9);
    }

    @Test
    void onePrefillMicrobatchAddsCommunicationToCompute() {
        RooflineCostModel cm = Validation.paperModel();
        RooflineCostModel one = new RooflineCostModel(cm.profile(), cm.modelSpec(), cm.deployment().withPrefillMicrobatches(1), 0, null);
        int[] prompts = new int[64];
        java.util.Arrays.fill(prompts, 4096);
        PrefillResult r = one.prefill(prompts, null);
        assertThat(r.moeLayerMicros()).isCloseTo(r.layerTotals().get("compute_moe_layer") + r.layerTotals().get("communication_moe_layer"),
                within(1e-6));
        assertThat(r.layerTotals().get("overlapped")).isZero();
    }

    @Test
    void markdownHasTheNewSectionAndTheDiagnosis() {
        String md = Validation.markdown();
        assertThat(md).contains("### " + Validation.FURTHER_GROUP)
                .contains("| 46.80 ms |").contains("2,733 tok/s/NPU").contains("2,360 tok/s/NPU").contains("974 tok/s/NPU")
                .contains("5,655 tok/s/NPU").contains("+5.8 to +9.4 %").contains("+44.0 %").contains("-24.0 %")
                .contains("decode throughput under different TPOT SLOs").contains("ablation: MTP")
                .contains("NOT used by the model").contains("xDeepServe").contains("Ascend910_9391.ini");
    }

    @Test
    void mtpAblationSplitsIntoPerLayerAndPerTokenParts() {
        DecodeGapDiagnosis.MtpSplit m = DecodeGapDiagnosis.mtpSplit();
        // 48 query tokens per die without MTP, 96 with (batch 96 per NPU, two dies)
        assertThat(m.perLayerMicros() + 48 * m.perTokenMicros()).isCloseTo(m.missingNoMtpMicros(), within(1e-9));
        assertThat(m.perLayerMicros() + 96 * m.perTokenMicros()).isCloseTo(m.missingMtpMicros(), within(1e-9));
        assertThat(m.missingNoMtpMicros()).isCloseTo(874 - Validation.paperModel().withDecodeOptions(
                new RooflineCostModel.DecodeOptions(false, 0.7, true)).decodeUniform(96, 4096).moeLayerMicros(), within(1e-9));
        assertThat(Validation.markdown()).contains("MTP ablation in absolute terms");
    }

    /** docs/VALIDATION.md is generated: it must equal what `./cmbench model validate --output docs/VALIDATION.md` writes today. */
    @Test
    void theCommittedValidationDocIsTheCommandsOutput() throws java.io.IOException {
        java.nio.file.Path doc = java.nio.file.Path.of("..", "docs", "VALIDATION.md");
        assertThat(java.nio.file.Files.readString(doc)).as("re-run ./cmbench model validate --output docs/VALIDATION.md and commit it")
                .isEqualTo(Validation.markdown());
    }
}
