package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench pipeline --json} on a real broker and MiniCluster, with two scenarios: every vertex of the emulation
 * job comes with its subtasks' records and busy time from Flink's REST API, and the records add up to the job's.
 */
@Tag("integration")
class BenchPipelineVerticesTest {
    @TempDir
    static Path dir;
    static JsonNode result;

    @BeforeAll
    static void bench() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute("bench", "pipeline", "--duration", "3", "--warmup", "1", "--runs", "2", "--parallelism", "2", "--scenarios",
                    "cm384-vs-h800", "--out", dir.toString(), "--json");
        } finally {
            System.setOut(stdout);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; output: %s", text).isZero();
        result = new ObjectMapper().readTree(text.substring(text.indexOf('{')));
    }

    static JsonNode vertex(String operator) {
        for (JsonNode v : result.get("vertices")) {
            if (v.get("name").asText().startsWith(operator)) {
                return v;
            }
        }
        throw new AssertionError("no vertex starting with " + operator + " in " + result.get("vertices"));
    }

    static long sum(JsonNode vertex, String field) {
        long total = 0;
        for (JsonNode s : vertex.get("subtasks")) {
            total += s.get(field).asLong();
        }
        return total;
    }

    @Test
    void everyVertexHasItsSubtasksMetrics() {
        assertThat(result.get("scenarios")).extracting(JsonNode::asText).containsExactly("cloudmatrix384", "h800");
        List<String> names = new ArrayList<>();
        result.get("vertices").forEach(v -> names.add(v.get("name").asText()));
        assertThat(names).anyMatch(n -> n.startsWith("Source: requests")).anyMatch(n -> n.startsWith("dedup"))
                .anyMatch(n -> n.startsWith("decode-pool"));
        for (JsonNode v : result.get("vertices")) {
            assertThat(v.get("subtasks")).as(v.get("name").asText()).hasSize(v.get("parallelism").asInt());
            List<Integer> indexes = new ArrayList<>();
            v.get("subtasks").forEach(s -> indexes.add(s.get("subtask").asInt()));
            assertThat(indexes).as(v.get("name").asText()).containsExactly(0, 1);
            assertThat(v.get("records_in").asLong()).isEqualTo(sum(v, "records_in"));
            assertThat(v.get("records_max_over_mean").asDouble()).isBetween(1.0, 2.0);
            assertThat(v.get("busy_max_over_mean").asDouble()).isBetween(1.0, 2.0);
        }
        assertThat(sum(vertex("decode-pool"), "busy_ms")).isPositive();
    }

    /**
     * The keyed stages record their subtasks' CPU time (TaskCpuTime, read back as the accumulator VertexMetrics names);
     * the others have none, rather than a made-up 0.
     */
    @Test
    void theKeyedStagesSubtasksCarryTheirCpuTime() {
        assertThat(io.cmbench.jobs.TaskCpuTime.ACCUMULATOR).isEqualTo(io.cmbench.cluster.rest.VertexMetrics.CPU_ACCUMULATOR);
        for (String keyed : List.of("dedup", "decode-pool")) {
            JsonNode v = vertex(keyed);
            v.get("subtasks").forEach(s -> assertThat(s.path("cpu_ms").asLong(-1)).as(keyed).isNotNegative());
            assertThat(sum(v, "cpu_ms")).as(keyed).isPositive();
            assertThat(v.get("cpu_max_over_mean").asDouble()).as(keyed).isBetween(1.0, 2.0);
        }
        JsonNode source = vertex("Source: requests");
        assertThat(source.has("cpu_max_over_mean")).isFalse();
        source.get("subtasks").forEach(s -> assertThat(s.has("cpu_ms")).isFalse());
    }

    @Test
    void theSubtasksRecordsAddUpToTheJobsRequests() {
        long requests = result.get("requests").asLong();
        assertThat(requests).isGreaterThan(1000);
        // one record per request reaches the dedup; each fans out once per scenario to the decode side. Both
        // scenarios' supernodes have one decode instance, so the fan-out names it and no router is planned.
        assertThat(sum(vertex("dedup"), "records_in")).isEqualTo(requests);
        assertThat(sum(vertex("dedup"), "records_out")).isEqualTo(2 * requests);
        assertThat(result.get("vertices")).noneMatch(v -> v.get("name").asText().contains("router"));
        assertThat(sum(vertex("decode-pool"), "records_in")).isEqualTo(2 * requests);
        // the source reads the requests and the generator's heartbeats
        assertThat(sum(vertex("Source: requests"), "records_in")).isGreaterThan(requests);
        assertThat(result.get("emulated_requests_per_s").asDouble())
                .isEqualTo(2 * result.get("requests_per_s").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void startingTheMiniClusterAndReadingTheVerticesAreNoPhasesWork() {
        double phases = 0;
        for (JsonNode p : result.get("phase_seconds")) {
            phases += p.asDouble();
        }
        assertThat(result.get("phase_seconds").fieldNames()).toIterable().containsExactly("generate", "emulate", "analyze");
        double startup = result.get("startup_seconds").asDouble();
        assertThat(startup).as("the MiniCluster starts before the first phase").isPositive();
        // the run's wall time holds the start-up, the phases, the vertices' read-back and the results' collection
        assertThat(startup + phases).isLessThan(result.get("wall_seconds").asDouble());
        assertThat(result.get("requests_per_s").asDouble()).isCloseTo(result.get("requests").asDouble() / phases,
                org.assertj.core.api.Assertions.within(1e-6));
        // the warm-up: the same pipeline once before, in a cold JVM, in a directory of its own
        assertThat(result.get("warmup_runs").asInt()).isEqualTo(1);
        assertThat(result.get("cold_requests_per_s").asDouble()).isPositive();
        assertThat(result.get("cold_phase_seconds").fieldNames()).toIterable().containsExactly("generate", "emulate", "analyze");
        assertThat(dir.resolve("warmup-1")).isDirectory();
        // two measured runs: the median of two is the slower, and each has its directory
        List<Double> rates = new ArrayList<>();
        result.get("runs_requests_per_s").forEach(x -> rates.add(x.asDouble()));
        assertThat(rates).hasSize(2).contains(result.get("requests_per_s").asDouble());
        assertThat(result.get("requests_per_s").asDouble()).isEqualTo(java.util.Collections.min(rates));
        assertThat(dir.resolve("pipeline")).isDirectory();
        assertThat(dir.resolve("pipeline-2")).isDirectory();
        // HotSpot keeps its compile time (how much depends on what this test JVM ran before: no order between the two)
        assertThat(result.get("cold_jit_compile_seconds").asDouble()).isFinite().isNotNegative();
        assertThat(result.get("jit_compile_seconds").asDouble()).isFinite().isNotNegative();
    }
}
