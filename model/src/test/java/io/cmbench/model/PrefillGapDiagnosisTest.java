package io.cmbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefillGapDiagnosisTest {
    private final List<PrefillGapDiagnosis.Split> splits = PrefillGapDiagnosis.splits();

    @Test
    void paperBatchFollowsFromItsThroughputAndTheRecipesFromTheirTimes() {
        PrefillGapDiagnosis.Split paper = splits.get(0);
        // 64 prompts x 4,096 tokens on 16 NPUs at 6,688 tok/s/NPU
        assertThat(paper.publishedBatchMs()).isCloseTo(64 * 4096 / (6688.0 * 16) * 1e3, within(1e-6));
        assertThat(paper.twoOverOne()).isCloseTo(0.76, within(1e-12));
        PrefillGapDiagnosis.Split recipes = splits.get(1);
        assertThat(recipes.publishedBatchMs()).isEqualTo(2512);
        assertThat(recipes.twoOverOne()).isCloseTo(2512.0 / 3128, within(1e-12));
        for (PrefillGapDiagnosis.Split s : splits) {
            assertThat(s.tokensPerDie()).isEqualTo(8192);
            assertThat(s.publishedLayerMicros() / s.publishedBatchMs()).isCloseTo(s.modelComputeMicros() / s.modelBatchMs(), within(1e-6));
        }
    }

    @Test
    void oneMicrobatchIsComputePlusCommunicationTwoIsCompute() {
        for (PrefillGapDiagnosis.Split s : splits) {
            double one = s.impliedComputeMicros() + s.impliedCommunicationMicros();
            assertThat(s.impliedComputeMicros() / one).isCloseTo(s.twoOverOne(), within(1e-9));
            assertThat(s.impliedComputeMicros()).isGreaterThan(s.impliedCommunicationMicros());
        }
    }

    @Test
    void theReadingsClaimsHoldForTheCurrentModel() {
        // the text says: communication agrees, compute is missing, per token close to the decode slope
        double decodeSlope = DecodeGapDiagnosis.missingTimeFit(DecodeGapDiagnosis.missingDecodeTime()).slopeMicrosPerToken();
        for (PrefillGapDiagnosis.Split s : splits) {
            assertThat(s.modelCommunicationMicros() / s.impliedCommunicationMicros() - 1).isBetween(-0.15, 0.15);
            assertThat(s.missingComputeMicros()).isGreaterThan(0.2 * s.impliedComputeMicros());
            assertThat(s.missingComputeMicrosPerToken()).isBetween(0.5 * decodeSlope, 1.5 * decodeSlope);
        }
        assertThat(Validation.markdown()).contains("### Missing prefill time");
    }

    @Test
    void measuredRatesSensitivityIsHandComputableAndNotApplied() {
        PrefillGapDiagnosis.Sensitivity m = PrefillGapDiagnosis.measuredRates();
        double hbm = 1.6e12 * 0.841;
        // norms (2 add_rms_norm + q_a rms_norm), quantization (q_a, kv_a, shared, q_b, o_proj), RoPE, cache, bytes per token
        double perToken = 120_844 * (1 / 983e9 - 1 / hbm) + 118_292 * (1 / 656e9 - 1 / hbm) + 33_024 * (1 / 374e9 - 1 / hbm)
                + 3_720 * (1 / 265e9 - 1 / hbm);
        assertThat(m.vectorExtraMicros()).isCloseTo(8192 * perToken * 1e6, within(0.01));
        // attention at 144 instead of 0.654 x 376 TFLOPS
        double attention = Validation.prefill4k(Validation.paperModel()).operators().get("attention_core");
        assertThat(m.attentionExtraMicros()).isCloseTo(attention * (0.654 * 376e12 / 144e12 - 1), within(0.01));
        // the model itself is unchanged: the sensitivity is slower than the model, and the model's row is its own
        assertThat(m.tokensPerSecondPerNpu()).isLessThan(m.modelTokensPerSecondPerNpu());
        assertThat(m.modelTokensPerSecondPerNpu()).isEqualTo(Validation.prefillTokensPerSecondPerNpu(Validation.paperModel()));
    }
}
