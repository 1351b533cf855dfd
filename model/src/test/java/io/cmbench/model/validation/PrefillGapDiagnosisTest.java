package io.cmbench.model.validation;


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
            assertThat(s.missingComputeMicros()).isPositive();
            assertThat(s.missingComputeMicrosPerToken()).isLessThan(decodeSlope);
        }
        assertThat(Validation.markdown()).contains("### Missing prefill time");
    }
}
