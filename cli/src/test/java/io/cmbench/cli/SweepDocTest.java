package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/BENCHMARKS.md quotes the default `cmbench sweep`: its table and the readings the prose names. The sweep is
 * deterministic, so the committed text must be what the command prints today; a number changed by hand, or a code
 * change that moves one, fails here (regenerate: `./cmbench sweep`, then copy `sweep.md` into the doc).
 */
@Tag("integration")
class SweepDocTest {
    @TempDir
    Path tmp;

    @Test
    void benchmarksMdQuotesTheDefaultSweep() throws Exception {
        Path out = tmp.resolve("sweep");
        assertThat(Main.execute("sweep", "--out", out.toString(), "--json")).as("sweep exit code").isZero();
        String doc = Files.readString(Path.of("..", "docs", "BENCHMARKS.md"));
        String table = Files.readString(out.resolve("sweep.md"));
        assertThat(doc).as("the sweep table in docs/BENCHMARKS.md is `sweep.md` of `./cmbench sweep`").contains(table);

        JsonNode sweep = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        for (String slo : new String[] {"tpot15", "tpot50"}) {
            JsonNode median = sweep.path(slo).path("median_within_bound");
            assertThat(doc).as("the paper's reading at " + slo)
                    .contains(SweepMarkdown.tokens(median.path("tokens_per_s_per_npu")) + " tok/s/NPU at batch "
                            + median.path("batch_per_npu").asInt());
            JsonNode best = sweep.path(slo);
            assertThat(doc).as("the best per-request goodput at " + slo)
                    .contains(SweepMarkdown.tokens(best.path("goodput_tokens_per_s_per_npu")) + " at batch "
                            + best.path("batch_per_npu").asInt());
        }
    }
}
