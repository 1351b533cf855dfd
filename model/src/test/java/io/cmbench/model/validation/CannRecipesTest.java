package io.cmbench.model.validation;

import io.cmbench.model.RooflineCostModel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CannRecipesTest {
    @Test
    void publishedThroughputsAreThePromptTokensOverTheBatchTimes() {
        double tokens = 64 * 4096;
        assertThat(tokens / (CannRecipes.PREFILL_MICROBATCH_MS / 1e3) / 16)
                .isCloseTo(CannRecipes.PREFILL_MICROBATCH_TOKENS_PER_SECOND_PER_NPU, within(1.0));
        assertThat(tokens / (CannRecipes.PREFILL_ONE_BATCH_MS / 1e3) / 16)
                .isCloseTo(CannRecipes.PREFILL_ONE_BATCH_TOKENS_PER_SECOND_PER_NPU, within(1.0));
        // decode: 96 sequences per chip / 44.9 ms = the recipe's 2,138 tokens/s per chip
        assertThat(CannRecipes.DECODE_BATCH_PER_NPU / (CannRecipes.DECODE_TPOT_MS / 1e3)).isCloseTo(2138, within(1.0));
    }

    @Test
    void deploymentTranscribesTheRecipesConfigs() {
        RooflineCostModel cm = CannRecipes.model();
        assertThat(cm.deployment().decode().expertParallel()).isEqualTo(128);
        assertThat(cm.layout().prefillNpusPerInstance()).isEqualTo(16);
        // one microbatch runs compute and communication in series: slower than the overlapped pair
        List<Validation.Row> rows = CannRecipes.rows();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(2).model()).isLessThan(rows.get(1).model());
        assertThat(CannRecipes.model().decodeUniform(96, CannRecipes.DECODE_MEAN_KV).microbatches()).isEqualTo(1);
    }
}
