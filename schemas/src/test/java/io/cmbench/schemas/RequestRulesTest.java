package io.cmbench.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
    static final long HORIZON = 60_000_000L;

    static RequestEvent.Builder valid() {
        return RequestEvent.newBuilder().setRequestId("r0000000001").setArrivalTimeMicros(1_000_000L)
                .setPromptTokens(1024).setOutputTokens(64).setPrefixBlocks(List.of(1L, 2L)).setPrefixBlockTokens(512);
    }

    static RequestRules.Violation check(RequestEvent.Builder b) {
        return RequestRules.check(b.build(), HORIZON);
    }

    @Test
    void aValidRequestAndAHeartbeatPass() {
        assertThat(check(valid())).isNull();
        assertThat(check(valid().setArrivalTimeMicros(HORIZON))).as("the horizon itself is inside").isNull();
        assertThat(check(RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("")
                .setArrivalTimeMicros(5).setPromptTokens(0).setOutputTokens(0))).isNull();
    }

    @Test
    void arrivalsOutsideTheHorizonNameTheFieldAndTheValue() {
        assertThat(check(valid().setArrivalTimeMicros(-1)))
                .isEqualTo(new RequestRules.Violation("arrivalTimeMicros", "must be >= 0, got -1"));
        for (long far : new long[] {HORIZON + 1, 1_000_000_000_000_000L, 1L << 62, Long.MAX_VALUE}) {
            RequestRules.Violation v = check(valid().setArrivalTimeMicros(far));
            assertThat(v.field()).isEqualTo("arrivalTimeMicros");
            assertThat(v.reason()).contains("got " + far).contains("<= " + HORIZON);
        }
        // heartbeats move watermarks: they obey the horizon too
        assertThat(check(RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("")
                .setArrivalTimeMicros(1L << 62).setPromptTokens(0).setOutputTokens(0)).field())
                .isEqualTo("arrivalTimeMicros");
    }

    @Test
    void withoutAHorizonTheAbsoluteCeilingStillHolds() {
        assertThat(RequestRules.check(valid().setArrivalTimeMicros(RequestRules.MAX_ARRIVAL_MICROS).build(),
                Long.MAX_VALUE)).isNull();
        assertThat(RequestRules.check(valid().setArrivalTimeMicros(1L << 62).build(), Long.MAX_VALUE).reason())
                .contains("got " + (1L << 62));
    }

    @Test
    void impossibleRequestsNameTheField() {
        assertThat(check(valid().setRequestId(" ")).field()).isEqualTo("requestId");
        assertThat(check(valid().setPromptTokens(0))).isEqualTo(new RequestRules.Violation("promptTokens", "must be >= 1, got 0"));
        assertThat(check(valid().setOutputTokens(0))).isEqualTo(new RequestRules.Violation("outputTokens", "must be >= 1, got 0"));
        assertThat(check(valid().setPrefixBlockTokens(-3)).reason()).isEqualTo("must be >= 0, got -3");
        assertThat(check(valid().setPrefixBlockTokens(0)).field()).isEqualTo("prefixBlockTokens");
        assertThat(check(valid().setPrefixBlocks(List.of(1L, 2L, 3L)))).isEqualTo(new RequestRules.Violation(
                "prefixBlocks", "3 blocks of 512 tokens need a prompt of more than 1024 tokens (only the last may be"
                        + " partial), got 1024"));
        // the last block may be partial (Mooncake: ceil(prompt / block) hash ids)
        assertThat(check(valid().setPromptTokens(1025).setPrefixBlocks(List.of(1L, 2L, 3L)))).isNull();
        // large counts do not overflow into acceptance
        assertThat(check(valid().setPrefixBlockTokens(Integer.MAX_VALUE)).field()).isEqualTo("prefixBlocks");
    }
}
