package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small decode sweep in one embedded pipeline run (real broker, MiniCluster): each operating point agrees with
 * the cost model, and the per-SLO answers are the maxima over the measured points by their definitions.
 */
@Tag("integration")
class SweepCommandTest {
    @TempDir
    static Path dir;
    static JsonNode result;

    @BeforeAll
    static void sweep() throws Exception {
        Path out = sweepInto(dir.resolve("first"));
        result = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
    }

    static Path sweepInto(Path out) throws Exception {
        int code = Main.execute("sweep", "--batch-per-npu", "4,16", "--prompt-tokens", "4096", "--output-tokens", "32",
                "--lifetimes", "3", "--slo", "tpot15,tpot50", "--out", out.toString(), "--json");
        assertThat(code).as("sweep exit code; its log: %s", out.resolve("cmbench.log")).isZero();
        return out;
    }

    static List<JsonNode> points() {
        List<JsonNode> out = new ArrayList<>();
        result.get("points").forEach(out::add);
        return out;
    }

    @Test
    void everyPointIsMeasuredAndAgreesWithTheCostModel() {
        assertThat(points()).extracting(p -> p.get("batch_per_npu").asInt()).containsExactly(4, 16);
        for (JsonNode p : points()) {
            assertThat(p.get("tokens_per_s_per_npu").asDouble())
                    .isCloseTo(p.get("model_tokens_per_s_per_npu").asDouble(), within(0.05 * p.get("model_tokens_per_s_per_npu").asDouble()));
        }
        assertThat(points().get(1).get("tpot_ms").asDouble()).isGreaterThan(points().get(0).get("tpot_ms").asDouble());
        // the points and the emulation ran on the default variant, and the JSON says so
        assertThat(result.get("calibration").asText()).isEqualTo("calibrated");
        assertThat(result.get("calibration_source").asText()).isEqualTo("cmbench/calibrations/cloudmatrix384.yaml");
    }

    @Test
    void bestGoodputIsTheMaximumOverThePoints() {
        for (String slo : List.of("tpot15", "tpot50")) {
            JsonNode best = result.get(slo);
            double max = points().stream().mapToDouble(p -> p.get("goodput_tokens_per_s_per_npu").get(slo).asDouble()).max().orElseThrow();
            assertThat(best.get("goodput_tokens_per_s_per_npu").asDouble()).isEqualTo(max);
        }
        // every request of the batch-16 point meets 50 ms: its goodput is its whole output
        JsonNode b16 = points().get(1);
        assertThat(b16.get("goodput_tokens_per_s_per_npu").get("tpot50").asDouble()).isEqualTo(b16.get("tokens_per_s_per_npu").asDouble());
        assertThat(result.get("tpot50").get("batch_per_npu").asInt()).isEqualTo(16);
    }

    @Test
    void theMedianReadingTakesTheFastestPointWhoseMedianTpotIsWithinTheBound() {
        assertThat(result.get("tpot50").get("median_within_bound").get("batch_per_npu").asInt()).isEqualTo(16);
        JsonNode m15 = result.get("tpot15").get("median_within_bound");
        List<JsonNode> within15 = points().stream().filter(p -> p.get("tpot_ms").asDouble() <= 15.0).toList();
        if (within15.isEmpty()) {
            assertThat(m15.isNull()).isTrue();
        } else {
            JsonNode fastest = within15.stream().max((a, b) -> Double.compare(a.get("tokens_per_s_per_npu").asDouble(),
                    b.get("tokens_per_s_per_npu").asDouble())).orElseThrow();
            assertThat(m15.get("batch_per_npu").asInt()).isEqualTo(fastest.get("batch_per_npu").asInt());
            assertThat(m15.get("tokens_per_s_per_npu").asDouble()).isEqualTo(fastest.get("tokens_per_s_per_npu").asDouble());
        }
        // batch 16 is far beyond 15 ms in the model: never the 15 ms answer
        assertThat(points().get(1).get("tpot_ms").asDouble()).isGreaterThan(15.0);
    }
}
