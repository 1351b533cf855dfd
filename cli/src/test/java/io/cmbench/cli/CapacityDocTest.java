package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/CAPACITY.md quotes the default `cmbench capacity` (the paper's deployment, 4,096/256, ttft2000+tpot50): the
 * search is deterministic, so the worked example must hold what the command finds today (regenerate:
 * `./cmbench capacity`, then copy the figures). The plan rows are not rerun here (minutes); they name their commands.
 */
@Tag("integration")
class CapacityDocTest {
    @TempDir
    Path tmp;

    static String n(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    @Test
    void capacityMdQuotesTheDefaultSearch() throws Exception {
        Path out = tmp.resolve("capacity");
        assertThat(Main.execute("capacity", "--out", out.toString(), "--json")).as("capacity exit code").isZero();
        String doc = Files.readString(Path.of("..", "docs", "CAPACITY.md"));
        JsonNode r = new ObjectMapper().readTree(out.resolve("capacity.json").toFile());
        JsonNode m = r.path("model");
        assertThat(doc).contains("| model bracket | " + n(m.path("max_requests_per_s").asDouble(), 2) + " | prefill-bound: batches of "
                + m.path("prefill_batch_requests").asInt() + " prompts in " + n(m.path("prefill_batch_ms").asDouble(), 0)
                + " ms; the decode pool could take " + n(m.path("decode_requests_per_s").asDouble(), 2) + " |");
        assertThat(doc).contains(String.format(Locale.ROOT, "| measured max rate | %s (model %+.1f %%) | %.1f %% attainment",
                n(r.path("max_requests_per_s").asDouble(), 2), 100 * r.path("model_vs_measured").asDouble(),
                100 * r.path("attainment").asDouble()));
        assertThat(doc).contains(n(r.path("output_tokens_per_s_per_npu").asDouble(), 1) + " output tok/s per NPU (over all 256"
                + " NPUs), goodput " + n(r.path("goodput_tokens_per_s_per_npu").asDouble(), 1) + ", TTFT p50/p90 "
                + n(r.path("ttft_p50_ms").asDouble(), 0) + "/" + n(r.path("ttft_p90_ms").asDouble(), 0) + " ms, TPOT\np50/p90 "
                + n(r.path("tpot_p50_ms").asDouble(), 2) + "/" + n(r.path("tpot_p90_ms").asDouble(), 2) + " ms");
        assertThat(r.path("bottleneck").asText()).isEqualTo("prefill");
        assertThat(doc).contains("`bottleneck: " + r.path("bottleneck").asText() + "`");
    }
}
