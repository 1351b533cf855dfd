package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.capacity.WorkloadShape;
import org.junit.jupiter.api.Test;

/** The capacity bracket's view of a workload: mean lengths and the cached prefix, from a sample of its requests. */
class WorkloadShapesTest {

    @Test
    void fixedLengthsWithoutReuseAreExact() {
        WorkloadShape s = WorkloadShapes.sample(WorkloadSpec.builtin("paper-4k-256"), 42);
        assertThat(s).isEqualTo(new WorkloadShape(4096, 256, 0));
    }

    @Test
    void sharedSystemPromptsShowAsCachedTokens() {
        WorkloadSpec w = WorkloadSpec.parse("""
                name: shared
                durationSeconds: 600
                arrival: {process: poisson, rate: 50}
                classes:
                  - name: c
                    prompt: 2048
                    output: 128
                    prefix:
                      blockTokens: 128
                      shared: {prompts: 4, tokens: 1024, reuseFraction: 0.5}
                """, "shared.yaml", null);
        WorkloadShape s = WorkloadShapes.sample(w, 7);
        assertThat(s.meanPromptTokens()).isEqualTo(2048);
        // half the requests start with one of 4 shared 1,024-token prompts; all but the first use of each hit
        assertThat(s.meanCachedTokens()).isCloseTo(0.5 * 1024, within(0.02 * 1024));
    }

    @Test
    void lognormalLengthsAverageNearTheirMeans() {
        WorkloadShape s = WorkloadShapes.sample(WorkloadSpec.builtin("chat-1k-1k"), 42);
        assertThat(s.meanPromptTokens()).isCloseTo(1024, within(30.0));
        assertThat(s.meanOutputTokens()).isCloseTo(1024, within(30.0));
        assertThat(s.meanCachedTokens()).isZero();
    }
}
