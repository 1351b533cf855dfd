package io.cmbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrefillGapDiagnosisTest {
    private final PrefillGapDiagnosis.Split s = PrefillGapDiagnosis.split();

    @Test
    void publishedBatchFollowsFromTheThroughput() {
        // 64 prompts x 4,096 tokens on 16 NPUs at 6,688 tok/s/NPU
        assertThat(s.publishedBatchMs()).isCloseTo(64 * 4096 / (6688.0 * 16) * 1e3, within(1e-6));
        assertThat(s.tokensPerDie()).isEqualTo(8192);
        assertThat(s.publishedLayerMicros() / s.publishedBatchMs()).isCloseTo(s.modelComputeMicros() / s.modelBatchMs(), within(1e-6));
    }

    @Test
    void ablationSplitsThePublishedLayerIntoComputeAndCommunication() {
        // one microbatch = compute + communication, two = compute: (C + M) x (1 - 0.24) = C
        double one = s.impliedComputeMicros() + s.impliedCommunicationMicros();
        assertThat(s.impliedComputeMicros() / one).isCloseTo(0.76, within(1e-9));
        assertThat(s.impliedComputeMicros()).isGreaterThan(s.impliedCommunicationMicros());
    }

    @Test
    void theReadingsClaimsHoldForTheCurrentModel() {
        // the text says: communication agrees, compute is missing, per token close to the decode slope
        assertThat(s.modelCommunicationMicros() / s.impliedCommunicationMicros() - 1).isBetween(-0.05, 0.05);
        assertThat(s.missingComputeMicros()).isGreaterThan(0.4 * s.impliedComputeMicros());
        double decodeSlope = DecodeGapDiagnosis.missingTimeFit(DecodeGapDiagnosis.missingDecodeTime()).slopeMicrosPerToken();
        assertThat(s.missingComputeMicrosPerToken()).isCloseTo(decodeSlope, within(0.25 * decodeSlope));
        assertThat(Validation.markdown()).contains("### Missing prefill time");
    }
}
