package io.cmbench.model.validation;

import io.cmbench.model.DecodeResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class XDeepServeCheckTest {
    private final List<XDeepServeCheck.Operator> ops = XDeepServeCheck.operators();

    @Test
    void transcribedSharesCoverTheIterationAndMatchTheTextsChecks() {
        assertThat(ops.stream().mapToDouble(XDeepServeCheck.Operator::publishedShare).sum()).isCloseTo(1.0, within(1e-9));
        double dispatch = share("MoE-Dispatch");
        double combine = share("MoE-Combine");
        assertThat(dispatch + combine).as("dispatch + combine: 'about 36 %'").isCloseTo(0.36, within(0.005));
        assertThat(combine / dispatch).as("combine / dispatch = 312 / 234 µs").isCloseTo(312.0 / 234, within(0.01));
        for (XDeepServeCheck.Operator o : ops) {
            assertThat(o.publishedMicrosPerLayer()).isCloseTo(o.publishedShare() * 93_000 / 62, within(1e-9));
        }
    }

    @Test
    void modelSideIsTheModelsOwnBreakdownAtThatPoint() {
        DecodeResult d = XDeepServeCheck.modelDecode();
        assertThat(d.microbatches()).isEqualTo(1);
        assertThat(model("MultiLatentAttention")).isEqualTo(d.operators().get("attention_core"));
        assertThat(model("MoE-Dispatch")).isEqualTo(d.operators().get("dispatch"));
        assertThat(model("MoE-Combine")).isEqualTo(d.operators().get("combine"));
        // one microbatch: the step is the sum of its operators' chain, so the operators add up to less than the step
        double sum = ops.stream().mapToDouble(XDeepServeCheck.Operator::modelMicrosPerLayer).sum();
        assertThat(sum * 62).isLessThan(d.stepMicros());
        assertThat(Validation.markdown()).contains("### Per-operator check against xDeepServe");
    }

    private double share(String name) {
        return ops.stream().filter(o -> o.published().equals(name)).findFirst().orElseThrow().publishedShare();
    }

    private double model(String name) {
        return ops.stream().filter(o -> o.published().equals(name)).findFirst().orElseThrow().modelMicrosPerLayer();
    }
}
